"""The Streamlit script the launcher serves. All logic lives in ``app.shell``."""

from app.shell import main

main()

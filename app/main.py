"""The Streamlit script the launcher serves. All logic lives in ``app.shell``."""

from app.desktop import startup

startup.mark("first script run started")  # the first time only, like every mark
from app.shell import main  # noqa: E402  (the mark above times this import too)

main()
startup.first_page_done()  # logs the start-up phases after the first run (once per process)

"""Persistence: the DuckDB store, its single writer, settings and paths. Never imports streamlit."""

__version__ = "0.1.0"

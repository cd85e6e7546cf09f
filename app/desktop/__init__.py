"""The process and the window: Streamlit's server in-process, the native window, the way to the
first page, the running application (start and stop), the snapshot service."""

"""Background jobs: Huey for the queue, the ``jobs`` ledger in DuckDB for the truth.

Use ``jobs.service.JobService`` (``enqueue``, ``poll``, ``cancel``, ``retry``, ``list``); register
tasks with ``jobs.registry.task`` and periodic jobs with ``jobs.periodic.register``. Never imports
streamlit.
"""

"""Fieldbook's built-in tasks; ``load()`` imports (and so registers) them.

Where later tasks plug in: a module that registers its tasks with ``@task`` (and its periodic jobs
with ``jobs.periodic.register``) and is listed in ``BUILTIN``:

- ``records.export`` / ``records.import`` (field-app issue): write the export with
  ``ctx.write_atomic`` into ``ctx.output_dir()`` and return ``{"path": …}`` — the Jobs page offers
  it for download; an import keys its rows by source row so that a re-run adds nothing twice.
- ``snapshot.create`` (snapshots issue): run the copy on the store's writer, report progress, and
  register the automatic snapshots as a ``Periodic``.
"""

from __future__ import annotations

import importlib

BUILTIN: tuple[str, ...] = ("jobs.tasks.demo", "jobs.tasks.records", "jobs.tasks.sync")


def load() -> None:
    for module in BUILTIN:
        importlib.import_module(module)

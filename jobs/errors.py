"""Errors of the job system. ``str(error)`` is a plain sentence for a person.

A task marks a failure worth another attempt by raising ``TransientJobError`` (or an exception type
listed in its ``transient=``); anything else fails the job at once.
"""

from __future__ import annotations

from store.core.errors import JobError


class UnknownJobError(JobError):
    """No task of that name is registered."""

    exit_code = 2


class BadJobArguments(JobError):
    """The arguments do not fit the task."""

    exit_code = 2


class JobNotFound(JobError):
    """No job with that id is in the ledger."""


class JobStateError(JobError):
    """The job is not in a state that allows this (e.g. retrying a running job)."""


class TransientJobError(JobError):
    """Worth another attempt later (a network blip, a busy file)."""


class PermanentJobError(JobError):
    """Retrying will not help; the job fails at once."""


class JobCancelled(JobError):
    """Raised inside a task (by ``ctx.check_cancelled()``) when the job should stop."""

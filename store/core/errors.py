"""Fieldbook's error hierarchy.

Library code raises these; only the edges (the Streamlit pages, the CLI) turn them into a
sentence for a person. ``str(error)`` is always that plain sentence, written for the user.
"""

from __future__ import annotations


class FieldbookError(Exception):
    """Base of every error Fieldbook raises on purpose.

    ``exit_code`` is what the command line exits with when this error ends a command.
    """

    exit_code = 1


class ConfigError(FieldbookError):
    """A setting is unknown or has a value that cannot be used."""

    exit_code = 2


class StoreError(FieldbookError):
    """The database or the data folder cannot be used."""

    exit_code = 3


class DatabaseLockedError(StoreError):
    """Another program holds the database file open for writing."""


class DiskFullError(StoreError):
    """Too little free space to write safely."""


class MigrationError(StoreError):
    """A schema migration failed; the database is left as it was before it."""


class SnapshotError(FieldbookError):
    """A snapshot could not be made, verified or restored."""


class JobError(FieldbookError):
    """A background job could not be queued or run."""


class SyncError(FieldbookError):
    """Synchronisation with the server failed."""


class ValidationError(FieldbookError):
    """Input that breaks a rule; the message says which."""


class PermissionDenied(FieldbookError):
    """The current user may not do this."""


class InstanceError(FieldbookError):
    """Talking to the running Fieldbook failed."""


class UsageError(FieldbookError):
    """A command line that cannot be carried out as written (a missing --yes, an unreadable file)."""

    exit_code = 2

"""The database core: one DuckDB file and its single writer, migrations, values and ids, paths and
settings, durable file helpers, the instance lock and control channel, logs, cache, clock, crash points.

Its public face is below; the modules of this package import each other directly.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from store.core.lazy import public_face

if TYPE_CHECKING:
    from store.core.config import SETTINGS as SETTINGS
    from store.core.config import AppConfig as AppConfig
    from store.core.config import load_config as load_config
    from store.core.db import Store as Store
    from store.core.disk import raise_if_disk_full as raise_if_disk_full
    from store.core.errors import (
        ConfigError as ConfigError,
    )
    from store.core.errors import (
        FieldbookError as FieldbookError,
    )
    from store.core.errors import (
        InstanceError as InstanceError,
    )
    from store.core.errors import (
        JobError as JobError,
    )
    from store.core.errors import (
        StoreError as StoreError,
    )
    from store.core.errors import (
        UsageError as UsageError,
    )
    from store.core.errors import (
        ValidationError as ValidationError,
    )
    from store.core.fsutil import remove_tree as remove_tree
    from store.core.instance import (
        CONTROL_NAME as CONTROL_NAME,
    )
    from store.core.instance import (
        ControlServer as ControlServer,
    )
    from store.core.instance import (
        InstanceLock as InstanceLock,
    )
    from store.core.instance import (
        send_command as send_command,
    )
    from store.core.logs import enable_stack_dumps as enable_stack_dumps
    from store.core.logs import setup_logging as setup_logging
    from store.core.private import restrict_umask as restrict_umask
    from store.core.termsafe import VisibleWriter as VisibleWriter
    from store.core.values import FileRef as FileRef

__all__, __getattr__, __dir__ = public_face(
    __name__,
    {
        "config": "SETTINGS AppConfig load_config",
        "db": "Store",
        "disk": "raise_if_disk_full",
        "errors": "ConfigError FieldbookError InstanceError JobError StoreError UsageError ValidationError",
        "fsutil": "remove_tree",
        "instance": "CONTROL_NAME ControlServer InstanceLock send_command",
        "logs": "enable_stack_dumps setup_logging",
        "private": "restrict_umask",
        "termsafe": "VisibleWriter",
        "values": "FileRef",
    },
)

"""Snapshots: consistent copies of the database, the portable ``.fbsnap`` file and its encryption,
manifest, restore, automatic snapshots, retention, the inbox, and ``fieldbook snapshot …``.

Its public face is below; ``admin`` (what the CLI and the app's admin page share) and ``restore``
are used as namespaces.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from store.core.lazy import public_face

if TYPE_CHECKING:
    from store.snapshots.auto import AutoSnapshots as AutoSnapshots
    from store.snapshots.engine import Snapshots as Snapshots
    from store.snapshots.engine import for_config as for_config
    from store.snapshots.inbox import Inbox as Inbox
    from store.snapshots.info import Progress as Progress
    from store.snapshots.info import SnapshotInfo as SnapshotInfo
    from store.snapshots.info import no_progress as no_progress

__all__, __getattr__, __dir__ = public_face(
    __name__,
    {
        "auto": "AutoSnapshots",
        "engine": "Snapshots for_config",
        "inbox": "Inbox",
        "info": "Progress SnapshotInfo no_progress",
    },
)

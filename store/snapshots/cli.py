"""The argparse wiring of ``fieldbook snapshot list|create|verify|export|restore|prune``.

Thin: each command turns its arguments into a payload (absolute paths, the passphrase read from its
file, the confirmation of a restore), calls ``store.snapshots.admin.run`` and prints the result.
``launcher.build_parser`` calls ``add_parsers``; importing this module stays cheap.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from store.core.config import AppConfig
from store.core.errors import UsageError


def _passphrase(args: argparse.Namespace) -> str | None:
    path = getattr(args, "passphrase_file", None)
    if not path:
        return None
    try:
        text = open(path, encoding="utf-8").read().rstrip("\r\n")
    except OSError as exc:
        raise UsageError(f"The passphrase file {path} cannot be read ({exc.strerror or exc}).") from None
    if not text:
        raise UsageError(f"The passphrase file {path} is empty.")
    return text


def cmd_snapshot(cfg: AppConfig, args: argparse.Namespace) -> int:
    """``fieldbook snapshot list|create|verify|export|restore|prune`` (store/snapshots/admin.py does the work)."""
    import json

    from store.snapshots import admin as snapadmin

    command = args.snapshot_command
    payload: dict[str, Any] = {"passphrase": _passphrase(args)}
    if command == "create":
        payload["reason"] = args.reason
    elif command == "verify":
        payload["target"] = os.path.abspath(args.target) if snapadmin.is_file_ref(args.target) else args.target
    elif command == "export":
        payload.update(id=args.id, out=os.path.abspath(args.out))
    elif command == "restore":
        source = os.path.abspath(args.source) if snapadmin.is_file_ref(args.source) else args.source
        if not args.yes:
            if not sys.stdin.isatty():
                raise UsageError("A restore replaces the current data (it is kept as a snapshot first). Add --yes to confirm.")
            answer = input(f"Restore {args.source}? The current data is replaced (and kept as a snapshot first). [y/N] ")
            if answer.strip().lower() not in ("y", "yes", "j", "ja"):
                print("Nothing was changed.")
                return 1
        payload["source"] = source
    elif command == "prune":
        payload["dry_run"] = args.dry_run
    result = snapadmin.run(cfg, command, payload)
    if args.json:
        print(json.dumps(result, indent=2))
    elif command == "list":
        print(snapadmin.format_list(result))
    else:
        print(snapadmin.format_result(command, result))
    return 0


def add_parsers(sub: Any) -> None:
    snap = sub.add_parser(
        "snapshot",
        help="list, take, verify, export, restore or prune snapshots",
        description="Snapshots of the database, through the running app or directly when it is not running. "
        "Exit codes: 0 ok, 1 failed (e.g. disk full), 2 usage (unknown snapshot or file, missing --yes), "
        "3 the database cannot be used, 4 the snapshot is damaged, not a snapshot, or from a newer Fieldbook, "
        "5 the passphrase is missing or wrong.",
    )
    snap.set_defaults(func=lambda cfg, args: snap.print_usage(sys.stderr) or 2)
    cmds = snap.add_subparsers(title="snapshot commands", metavar="SNAPSHOT_COMMAND", dest="snapshot_command")
    listing = cmds.add_parser("list", help="the snapshots, newest first", description="List the snapshots, newest first.")
    create = cmds.add_parser("create", help="take a snapshot now", description="Take a snapshot now (and verify it).")
    create.add_argument("--reason", default="manual", help="why (shown in the list; default: manual)")
    verify = cmds.add_parser("verify", help="check a snapshot or a .fbsnap file", description="Check checksums, that the database opens and that row counts match the manifest.")
    verify.add_argument("target", metavar="FILE|ID", help="a .fbsnap file, a snapshot id, or latest")
    export = cmds.add_parser("export", help="write a snapshot as one .fbsnap file", description="Write a snapshot (database, manifest, attachments) as one portable .fbsnap file.")
    export.add_argument("id", metavar="ID|latest")
    export.add_argument("--out", required=True, metavar="FILE", help="the file (or folder) to write")
    restore = cmds.add_parser("restore", help="replace the data by a snapshot", description="Verify, keep the current data as a snapshot, then replace it by FILE|ID.")
    restore.add_argument("source", metavar="FILE|ID", help="a .fbsnap file, a snapshot id, or latest")
    restore.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    prune = cmds.add_parser("prune", help="remove old snapshots (retention rules)", description="Remove the snapshots the retention settings do not keep; pinned ones and the newest verified one stay.")
    prune.add_argument("--dry-run", action="store_true", help="only show what would be removed")
    for parser in (verify, export, restore):
        parser.add_argument("--passphrase-file", metavar="F", help="a file holding the passphrase (encrypts an export; opens an encrypted file)")
    for parser in (listing, create, verify, export, restore, prune):
        parser.add_argument("--json", action="store_true", help="print JSON for scripts")
        parser.set_defaults(func=cmd_snapshot)

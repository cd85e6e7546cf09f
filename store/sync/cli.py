"""The argparse wiring of ``fieldbook sync`` (thin: arguments in, library call, text or JSON out).

``launcher.build_parser`` calls ``add_parsers``. The URL may name the user; a password is never
taken on the command line nor stored: libpq's ``PGPASSWORD`` or ``~/.pgpass`` supply one for now.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from store.config import AppConfig


def cmd_init_server(cfg: AppConfig, args: argparse.Namespace) -> int:
    from store.sync.connect import public_url
    from store.sync.server_schema import init_server

    applied = init_server(args.url)
    shown = public_url(args.url)
    if applied:
        print(f"The server {shown} is ready for Fieldbook (server schema version {max(applied)}; applied {', '.join(map(str, applied))}).")
    else:
        print(f"The server {shown} was already set up; nothing to do.")
    return 0


def cmd_now(cfg: AppConfig, args: argparse.Namespace) -> int:
    from store.sync import admin

    report = admin.run(cfg, "sync.now", {"url": args.url})
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print(f"Sent {report['pushed']:,} change(s), received {report['pulled']:,}; {report['conflicts']} conflict(s) found (both versions kept).")
        if report["pending"]:
            print(f"{report['pending']:,} change(s) made during the sync are still waiting; run it again.")
    return 0 if report["pending"] == 0 else 1


def cmd_status(cfg: AppConfig, args: argparse.Namespace) -> int:
    from store.sync import admin

    info = admin.run(cfg, "sync.status", {})
    if args.json:
        print(json.dumps(info, indent=2))
        return 0
    print(f"server:     {info['server'] or '(none yet)'}")
    print(f"last sync:  {info['last_sync'] or 'never'}")
    print(f"waiting:    {info['pending']:,} change(s) not yet on the server")
    print(f"conflicts:  {info['conflicts']:,} unresolved (both versions kept)")
    print(f"cursor:     {info['cursor']}")
    if info["last_error"]:
        print(f"last error: {info['last_error']}")
    return 0


def add_parsers(sub: Any) -> None:
    """Add ``sync`` to the launcher's subcommands."""
    sync = sub.add_parser(
        "sync", help="online mode: set up the server, sync now, show the sync status",
        description="Sync records with a central PostgreSQL server. The URL looks like postgresql://USER@HOST:PORT/DATABASE; "
        "Fieldbook stores no password (libpq's PGPASSWORD or ~/.pgpass can give one). "
        "Exit codes: 0 ok, 1 the sync failed or left changes waiting (nothing was lost), 2 no or a bad URL.",
    )
    sync.set_defaults(func=lambda cfg, args: sync.print_usage(sys.stderr) or 2)
    cmds = sync.add_subparsers(title="sync commands", metavar="SYNC_COMMAND", dest="sync_command")
    init = cmds.add_parser(
        "init-server", help="create or update Fieldbook's tables on the server",
        description="Create Fieldbook's tables on the server's database (or bring them up to date); safe to run again.",
    )
    init.add_argument("--url", required=True, metavar="URL", help="postgresql://USER@HOST:PORT/DATABASE")
    init.set_defaults(func=cmd_init_server)
    now = cmds.add_parser(
        "now", help="send this device's changes and receive the others'",
        description="Push this device's changes, then pull the other devices' changes. Exit 0 when everything was sent and received.",
    )
    now.add_argument("--url", metavar="URL", help="the server (default: the one this device synced with last)")
    now.add_argument("--json", action="store_true", help="print JSON for scripts")
    now.set_defaults(func=cmd_now)
    stat = cmds.add_parser(
        "status", help="changes waiting, conflicts, last sync",
        description="Show the server, the last sync, changes not yet sent and unresolved conflicts (needs no connection).",
    )
    stat.add_argument("--json", action="store_true", help="print JSON for scripts")
    stat.set_defaults(func=cmd_status)

"""The argparse wiring of ``fieldbook sync`` (thin: arguments in, library call, text or JSON out).

``launcher.build_parser`` calls ``add_parsers``. A password is never taken on the command line:
``sync configure`` reads it from ``--password-file`` or a prompt (only on a terminal) and puts it
into the OS keyring; ``sync now`` and the app's sync job take it from there (libpq's
``PGPASSWORD`` and ``~/.pgpass`` still work when the keyring has none). A password written into a
``--url`` anyway goes into the keyring here, in this process: it never travels over the control
channel to the running app.

``sync now --url URL`` names the server for this one command: it must be the configured server
(or, with none configured yet, it becomes the configured one); another server is refused — change
it with ``sync configure`` first, so that this device's changes never go to a server by accident.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from pathlib import Path
from typing import Any

from store.core.config import AppConfig
from store.core.errors import ConfigError


def cmd_init_server(cfg: AppConfig, args: argparse.Namespace) -> int:
    from store.sync.connect import public_url
    from store.sync.server_schema import init_server
    from store.sync.settings import resolve_password

    applied = init_server(args.url, password=resolve_password(args.url, None))
    shown = public_url(args.url)
    if applied:
        print(f"The server {shown} is ready for Fieldbook (server schema version {max(applied)}; applied {', '.join(map(str, applied))}).")
    else:
        print(f"The server {shown} was already set up; nothing to do.")
    return 0


def _read_password(args: argparse.Namespace, shown: str) -> str | None:
    """The password to store: from --password-file, else a prompt on a terminal, else none (keep)."""
    if args.password_file:
        path = Path(args.password_file)
        try:
            text = sys.stdin.read() if args.password_file == "-" else path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"The password file {path} cannot be read: {exc.__class__.__name__}.") from None
        password = text.rstrip("\r\n")
        if not password:
            raise ConfigError(f"The password file {path} is empty; use --forget-password to remove a stored password.")
        return password
    if sys.stdin.isatty():
        typed = getpass.getpass(f"Password for {shown} (Enter keeps the stored one): ")
        return typed or None
    return None


def cmd_configure(cfg: AppConfig, args: argparse.Namespace) -> int:
    from store.sync import admin, credentials
    from store.sync.connect import check_url, split_password, with_user

    url = check_url(args.url)
    bare, in_url = split_password(url)
    shown = with_user(bare, args.user)
    check_url(shown)
    password = "" if args.forget_password else _read_password(args, shown)
    if password is None:
        password = in_url
    if password == "":
        credentials.forget_password(shown)
        stored = False
    elif password is not None:
        credentials.save_password(shown, password)  # here, not through the app: no password on the control channel
        stored = True
    else:
        stored = credentials.has_password(shown)
    result = admin.run(cfg, "sync.configure", {"url": shown, "password_stored": stored})
    info = credentials.keyring_info()
    print(f"This device syncs with {result['url']} ({'online' if result['online'] else 'offline'}; every {result['interval_s'] // 60} min when online).")
    if password:
        note = "" if info.secure else " — not secure (plaintext file): anyone who can read your files can read it"
        print(f"The password is stored in the keyring {info.name}{note}.")
    elif password == "":
        print("The stored password was removed.")
    elif stored:
        print(f"The password stored earlier in the keyring {info.name} is kept.")
    else:
        print("No password is stored; libpq's PGPASSWORD or ~/.pgpass can give one.")
    return 0


def _url_for_now(cfg: AppConfig, url: str | None) -> str | None:
    """``sync now``'s URL without a password: one written into it goes into the keyring here (after
    checking that the URL names the configured server, or that none is configured)."""
    if not url:
        return None
    from store.sync import admin, credentials
    from store.sync.connect import check_url, keyring_key, split_password
    from store.sync.errors import ServerUrlError

    bare, password = split_password(check_url(url))
    if password is None:
        return bare
    configured = admin.run(cfg, "sync.status", {}).get("server")
    if configured and keyring_key(str(configured)) != keyring_key(bare):
        raise ServerUrlError(
            f"This device syncs with {configured}, not {bare}. To sync with {bare}, change the server first "
            "(in Settings or with `fieldbook sync configure --url URL`); or leave out the URL.",
            "other_server",
        )
    credentials.save_password(bare, password)
    print(f"The password from the URL is stored in the keyring {credentials.keyring_info().name}.", file=sys.stderr)
    return bare


def cmd_now(cfg: AppConfig, args: argparse.Namespace) -> int:
    from store.sync import admin

    report = admin.run(cfg, "sync.now", {"url": _url_for_now(cfg, args.url)})
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
    keyring = info["keyring"]
    print(f"mode:       {'online' if info['online'] else 'offline'} (sync every {info['interval_s'] // 60} min when online)")
    print(f"server:     {info['server'] or '(none yet)'}")
    print(f"password:   {'stored' if info['has_password'] else 'none stored'} in the keyring {keyring['name']}"
          + ("" if keyring["secure"] else " — not secure (plaintext file)") + ("" if keyring["usable"] else " — cannot store passwords"))
    print(f"last sync:  {info['last_sync'] or 'never'}")
    print(f"waiting:    {info['pending']:,} change(s) not yet on the server")
    print(f"conflicts:  {info['conflicts']:,} unresolved (both versions kept)")
    print(f"cursor:     {info['cursor']}")
    if info["last_error"]:
        print(f"last error: {info['last_error']} ({info['failures']} failed in a row)")
    if info["next_attempt_at"]:
        print(f"next try:   {info['next_attempt_at']}")
    return 0


def cmd_switch(cfg: AppConfig, args: argparse.Namespace) -> int:
    from store.sync import admin

    online = args.sync_command == "online"
    result = admin.run(cfg, "sync.online" if online else "sync.offline", {})
    if online and not result["url"]:
        print("Online mode is on, but no server is set: run `fieldbook sync configure --url URL`.")
    elif online:
        print(f"Online mode is on: this device syncs with {result['url']} every {result['interval_s'] // 60} min.")
    else:
        print("Offline: this device does not sync until it is switched online (`fieldbook sync now` still works).")
    return 0


def add_parsers(sub: Any) -> None:
    """Add ``sync`` to the launcher's subcommands."""
    sync = sub.add_parser(
        "sync", help="online mode: set up the server, configure this device, sync now, show the sync status",
        description="Sync records with a central PostgreSQL server. The URL looks like postgresql://USER@HOST:PORT/DATABASE; "
        "the password is kept in the system keyring (set with `sync configure`; libpq's PGPASSWORD or ~/.pgpass also work), "
        "never in a file of Fieldbook's. When Fieldbook runs, these commands go through it. "
        "Exit codes: 0 ok, 1 the sync failed or left changes waiting (nothing was lost), 2 no or a bad URL, or the keyring cannot store the password.",
    )
    sync.set_defaults(func=lambda cfg, args: sync.print_usage(sys.stderr) or 2)
    cmds = sync.add_subparsers(title="sync commands", metavar="SYNC_COMMAND", dest="sync_command")
    init = cmds.add_parser(
        "init-server", help="create or update Fieldbook's tables on the server",
        description="Create Fieldbook's tables on the server's database (or bring them up to date); safe to run again.",
    )
    init.add_argument("--url", required=True, metavar="URL", help="postgresql://USER@HOST:PORT/DATABASE")
    init.set_defaults(func=cmd_init_server)
    conf = cmds.add_parser(
        "configure", help="set the server, user and password this device syncs with",
        description="Set the server this device syncs with. The password is read from --password-file, or asked for when "
        "run in a terminal, and stored in the system keyring (never in Fieldbook's files). Another server starts from the beginning "
        "of its change log; nothing local is lost.",
    )
    conf.add_argument("--url", required=True, metavar="URL", help="postgresql://USER@HOST:PORT/DATABASE")
    conf.add_argument("--user", metavar="USER", help="the user name (instead of the one in the URL)")
    conf.add_argument("--password-file", metavar="FILE", help="read the password from this file (its first line; - for standard input)")
    conf.add_argument("--forget-password", action="store_true", help="remove the stored password for this user and server")
    conf.set_defaults(func=cmd_configure)
    now = cmds.add_parser(
        "now", help="send this device's changes and receive the others'",
        description="Push this device's changes, then pull the other devices' changes. Exit 0 when everything was sent and received.",
    )
    now.add_argument(
        "--url", metavar="URL",
        help="the server (default: the configured one); must be the configured server — with none configured yet, it becomes the configured one",
    )
    now.add_argument("--json", action="store_true", help="print JSON for scripts")
    now.set_defaults(func=cmd_now)
    stat = cmds.add_parser(
        "status", help="mode, changes waiting, conflicts, last sync, keyring",
        description="Show online or offline, the server, the last sync and its error, failures in a row and the next try, changes not "
        "yet sent, unresolved conflicts and the keyring in use (needs no connection).",
    )
    stat.add_argument("--json", action="store_true", help="print JSON for scripts")
    stat.set_defaults(func=cmd_status)
    for mode, text in (("online", "switch online mode on: sync periodically"), ("offline", "switch online mode off: no periodic sync")):
        switch = cmds.add_parser(mode, help=text, description=text[0].upper() + text[1:] + " (kept for this device).")
        switch.set_defaults(func=cmd_switch)

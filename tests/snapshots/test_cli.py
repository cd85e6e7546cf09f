"""``fieldbook snapshot …`` as a process: every command and exit code, with and without the app."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from store.core.db import Store
from store.inputs.widgets import InputStore
from tests.conftest import run_cli
from tests.snapshots.helpers import USER, config, open_filled


def ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    return result.stdout


def fails(result: subprocess.CompletedProcess[str], code: int, text: str) -> None:
    assert result.returncode == code, (result.returncode, result.stdout, result.stderr)
    assert text in result.stderr
    assert "Traceback" not in result.stdout + result.stderr


def observer(home: Path) -> str:
    store = Store.open(config(home).paths.database)
    try:
        return InputStore(store).load(USER)[("inputs", "observer")]
    finally:
        store.close()


def exercise(home: Path, tmp_path: Path, running: bool) -> None:
    """Every command and exit code against ``home`` (the app running there or not)."""
    cli = lambda *args: run_cli(home, "snapshot", *args)  # noqa: E731
    assert json.loads(ok(cli("list", "--json"))) == []
    assert "No snapshots yet." in ok(cli("list"))
    created = json.loads(ok(cli("create", "--reason", "before trip", "--json")))
    assert created["reason"] == "before trip" and created["verified"] is True
    assert created["id"] in ok(cli("list")) and "before trip" in ok(cli("list"))
    assert "is intact" in ok(cli("verify", created["id"]))
    assert "is intact" in ok(cli("verify", "latest"))
    fails(cli("verify", "20000101T000000Z"), 2, "There is no snapshot '20000101T000000Z'")

    secret = tmp_path / "pw.txt"
    secret.write_text("correct horse\n")
    wrong = tmp_path / "wrong.txt"
    wrong.write_text("incorrect horse\n")
    plain, sealed = tmp_path / "plain.fbsnap", tmp_path / "sealed.fbsnap"
    assert "Exported to" in ok(cli("export", created["id"], "--out", str(plain)))
    exported = json.loads(ok(cli("export", "latest", "--out", str(sealed), "--passphrase-file", str(secret), "--json")))
    assert exported["encrypted"] is True and exported["size"] == sealed.stat().st_size
    fails(cli("export", "latest", "--out", str(tmp_path / "no" / "such" / "dir.fbsnap")), 2, "does not exist")
    assert "is intact" in ok(cli("verify", str(plain)))
    assert json.loads(ok(cli("verify", str(sealed), "--passphrase-file", str(secret), "--json")))["verified"] is True
    fails(cli("verify", str(sealed)), 5, "is encrypted: give its passphrase")
    fails(cli("verify", str(sealed), "--passphrase-file", str(wrong)), 5, "is wrong")
    fails(cli("verify", str(sealed), "--passphrase-file", str(tmp_path / "missing.txt")), 2, "cannot be read")
    junk = tmp_path / "junk.fbsnap"
    junk.write_text("not a snapshot")
    fails(cli("verify", str(junk)), 4, "is not a Fieldbook snapshot file")
    damaged = tmp_path / "damaged.fbsnap"
    data = bytearray(plain.read_bytes())
    data[len(data) // 3] ^= 0x40
    damaged.write_bytes(bytes(data))
    fails(cli("verify", str(damaged)), 4, "is damaged")
    fails(cli("verify", str(tmp_path / "absent.fbsnap")), 2, "There is no file")

    # restore: change the data, bring the snapshot back, and the previous state stays restorable
    _change_observer(home, running, "changed")
    fails(cli("restore", created["id"]), 2, "Add --yes to confirm")
    fails(cli("restore", str(damaged), "--yes"), 4, "is damaged")
    fails(cli("restore", str(sealed), "--yes", "--passphrase-file", str(wrong)), 5, "is wrong")
    restored = json.loads(ok(cli("restore", str(sealed), "--yes", "--passphrase-file", str(secret), "--json")))
    assert restored["restored"] == created["id"]
    assert _read_observer(home, running) == "Ada a 🌳"
    text = ok(cli("restore", restored["previous"], "--yes"))
    assert "The previous data is kept as snapshot" in text
    assert _read_observer(home, running) == "changed"

    listing = json.loads(ok(cli("list", "--json")))
    assert [s["reason"] for s in listing].count("pre-restore") >= 2
    dry = json.loads(ok(cli("prune", "--dry-run", "--json")))
    assert dry["dry_run"] is True
    assert "snapshot(s)" in ok(cli("prune"))
    after = {s["id"] for s in json.loads(ok(cli("list", "--json")))}
    assert {s["id"] for s in listing if s["pinned"]} <= after
    fails(run_cli(home, "snapshot"), 2, "usage")


def _change_observer(home: Path, running: bool, value: str) -> None:
    if running:
        from store.core.instance import send_command

        # the running app owns the database: change it the way its pages do, through its store
        send_command(home / "run", "snapshot.create", {"reason": "probe"})  # proves the channel works
        _app_set_observer(home, value)
    else:
        store = Store.open(config(home).paths.database)
        InputStore(store).persist(USER, "inputs", "observer", value)
        store.close()


def _app_set_observer(home: Path, value: str) -> None:
    """Write through a restore of a prepared file: the only way in from outside the running app."""
    prepared = home.parent / f"prepared-{value}"
    cfg = config(prepared)
    store = open_filled(cfg)
    InputStore(store).persist(USER, "inputs", "observer", value)
    store.close()
    out = home.parent / f"prepared-{value}.fbsnap"
    ok(run_cli(prepared, "snapshot", "create"))
    ok(run_cli(prepared, "snapshot", "export", "latest", "--out", str(out)))
    ok(run_cli(home, "snapshot", "restore", str(out), "--yes"))


def _read_observer(home: Path, running: bool) -> str:
    if not running:
        return observer(home)
    listing = json.loads(ok(run_cli(home, "snapshot", "create", "--reason", "probe", "--json")))
    snapshot = Path(listing["path"]) / "fieldbook.duckdb"
    import duckdb

    con = duckdb.connect(str(snapshot), read_only=True)
    try:
        return json.loads(con.execute("SELECT value FROM inputs WHERE key = 'observer'").fetchall()[0][0])
    finally:
        con.close()


def test_every_command_without_the_app(tmp_path: Path) -> None:
    home = tmp_path / "home"
    open_filled(config(home)).close()
    exercise(home, tmp_path, running=False)


@pytest.mark.slow
def test_every_command_with_the_app_running(start_app, tmp_path: Path) -> None:
    home = tmp_path / "home"
    open_filled(config(home)).close()
    app = start_app(home)
    exercise(home, tmp_path, running=True)
    assert app.proc.poll() is None  # still running, on the restored data
    before = json.loads(ok(run_cli(home, "snapshot", "list", "--json")))
    assert app.stop() == 0
    after = json.loads(ok(run_cli(home, "snapshot", "list", "--json")))
    assert after == before  # nothing was saved since the last snapshot: no shutdown snapshot


def test_restore_while_app_holds_lock_needs_no_database_access(start_app, tmp_path: Path) -> None:
    """The CLI never opens the database the running app holds: it goes through the app."""
    home = tmp_path / "home"
    start_app(home)
    created = json.loads(ok(run_cli(home, "snapshot", "create", "--json")))
    assert created["verified"] is True
    fails(run_cli(home, "snapshot", "export", "nope", "--out", str(tmp_path / "x.fbsnap")), 2, "There is no snapshot 'nope'")


def _crafted_export(home: Path, tmp_path: Path, **changes: object) -> Path:
    """A real export of ``home`` whose manifest has ``changes`` (the file's checksums made right)."""
    from store.snapshots import fbsnap as snapfile
    from store.snapshots.engine import for_config

    cfg = config(home)
    snaps = for_config(cfg)
    good = tmp_path / "good.fbsnap"
    snaps.export("latest", good)
    unpacked = tmp_path / "unpacked"
    unpacked.mkdir()
    data = snapfile.extract(good, unpacked)
    files = [(name, unpacked / name, entry["sha256"]) for name, entry in data["files"].items()]
    files += [(f"attachments/{sha}", unpacked / "attachments" / sha, sha) for sha in data["attachments"]]
    out = tmp_path / "crafted.fbsnap"
    snapfile.write(out, {**data, **changes}, files)
    return out


@pytest.mark.parametrize(
    "changes",
    [{"created_at": "yesterday"}, {"created_at": 12}, {"schema_version": "3"}, {"tables": ["records"]}, {"host": None},
     {"attachments": ["../../etc/hostname"]}, {"schema_version": True}],
    ids=["created_at text", "created_at number", "schema text", "tables list", "host null", "attachment path", "schema bool"],
)
def test_a_manifest_with_wrong_types_is_refused_before_anything_changes(tmp_path: Path, changes: dict[str, object]) -> None:
    home = tmp_path / "home"
    cfg = config(home)
    open_filled(cfg, "current").close()
    ok(run_cli(home, "snapshot", "create"))
    crafted = _crafted_export(home, tmp_path, **changes)
    before = observer(home)
    fails(run_cli(home, "snapshot", "restore", str(crafted), "--yes"), 4, "manifest that cannot be used")
    assert observer(home) == before

"""Per-device sync settings in DuckDB (public URL only), the online switch and its config default,
the interval, the cached status, and the connection test against a real PostgreSQL."""

from __future__ import annotations

import statistics
import time

import pytest

from store.core.config import load_config
from store.core.errors import ConfigError
from store.fielddata.records import create_record
from store.sync import credentials, init_server, settings, state
from store.sync.errors import ServerUrlError
from store.sync.state import status
from tests.sync.helpers import USER, new_project, open_device
from tests.sync.pg import free_port


@pytest.fixture
def store(tmp_path):
    s = open_device(tmp_path, "dev")
    yield s
    s.close()


def cfg_with(tmp_path, **env):
    return load_config({"FIELDBOOK_HOME": str(tmp_path / "home"), **{f"FIELDBOOK_{k.upper()}": v for k, v in env.items()}})


def test_defaults_follow_the_config_until_the_user_switches(store, tmp_path):
    offline, online = cfg_with(tmp_path), cfg_with(tmp_path, mode="online", sync_interval_min="15")
    assert settings.load(store, offline) == settings.SyncSettings(None, None, False, 300)
    assert settings.load(store, online) == settings.SyncSettings(None, None, True, 900)
    assert not status(store).online  # nothing known yet
    settings.apply_config(store, online)  # what the app does at every start
    assert status(store).online and status(store).interval_s == 900 and settings.load(store).online

    settings.set_online(store, False)  # the user's switch wins over the config from now on
    assert not settings.load(store, online).online and not status(store).online
    settings.set_online(store, True)
    assert settings.load(store, offline).online and status(store).online

    settings.set_interval(store, 120)
    assert settings.load(store, online).interval_s == 120
    for bad in (59, 86_401, 0, "300", True, 90.5):
        with pytest.raises(ConfigError, match="between 60 .* and 86,400"):
            settings.set_interval(store, bad)
    assert settings.load(store).interval_s == 120


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("http://db.example.org/fb", "must look like postgresql://"),
        ("postgresql://alice@/fb", "names no host"),
        ("postgresql://alice@db.example.org", "names no database"),
        ("postgresql://alice@db.example.org:port/fb", "port in the server URL must be a number"),
        ("postgresql://alice@db example.org/fb", "must not contain spaces"),
        ("", "must look like"),
    ],
)
def test_a_bad_url_is_a_plain_sentence_and_changes_nothing(store, keyring_home, url, words):
    settings.configure(store, "postgresql://alice@db.example.org/fb")
    with pytest.raises(ServerUrlError, match=words):
        settings.configure(store, url, password="pw")
    assert settings.load(store).url == "postgresql://alice@db.example.org/fb"
    if url:  # (an empty one means "the configured server" to the connection test)
        assert settings.check_connection(store, url).code == "url"


def test_configure_keeps_the_password_in_the_keyring_only(store, keyring_home):
    result = settings.configure(store, "postgresql://alice:in-the-url@db.example.org:5432/fb")
    assert result == settings.SyncSettings("postgresql://alice@db.example.org:5432/fb", "alice", False, 300)
    assert credentials.password_for(result.url) == "in-the-url"
    assert not [v for v in state.values(store).values() if v and "in-the-url" in v]

    bob = settings.configure(store, "postgresql://alice@db.example.org:5432/fb", user="bob", password="bobs")
    assert (bob.url, bob.user) == ("postgresql://bob@db.example.org:5432/fb", "bob")
    assert credentials.password_for(bob.url) == "bobs" and credentials.password_for(result.url) == "in-the-url"
    settings.configure(store, bob.url)  # None keeps the stored password
    assert credentials.password_for(bob.url) == "bobs"
    settings.configure(store, bob.url, password="")  # "" forgets it
    assert credentials.password_for(bob.url) is None


def test_another_server_starts_from_cursor_zero_another_user_does_not(store, keyring_home):
    settings.configure(store, "postgresql://alice@db.example.org/fb")
    state.save(store, **{state.cursor_key("postgresql://db.example.org/fb"): "42", state.FAILURES: "3", state.LAST_ERROR: "down"})
    settings.configure(store, "postgresql://bob@db.example.org:5432/fb")  # same server, other user
    assert status(store).cursor == 42 and status(store).failures == 0 and status(store).last_error == "down"
    settings.configure(store, "postgresql://bob@db.example.org:5432/other")
    assert (status(store).cursor, status(store).failures, status(store).last_error) == (0, 0, None)
    settings.configure(store, "postgres://carol@DB.example.org/fb")  # back to the first server: its cursor resumes
    assert status(store).cursor == 42 and state.cursor(store, "postgresql://db.example.org:5432/other") == 0


def test_the_single_cursor_of_an_older_version_stays_with_its_server(store, keyring_home):
    """Before one cursor per server there was one ``cursor`` key: it is the configured server's, and
    moves to that server's own key when another server is configured."""
    old, other = "postgresql://alice@db.example.org/fb", "postgresql://alice@db.example.org/other"
    state.save(store, **{state.SERVER: old, state.CURSOR: "17"})
    assert status(store).cursor == 17 and state.cursor(store, old) == 17 and state.cursor(store, other) == 0
    settings.configure(store, other)
    known = state.values(store)
    assert known.get(state.CURSOR) is None and known[state.cursor_key(old)] == "17"
    assert status(store).cursor == 0 and state.cursor(store, old) == 17


def test_the_password_flag_is_kept_for_the_page_and_refreshed_off_it(store, keyring_home):
    """Settings renders "a password is stored" from a flag in the database: configure and forget set
    it; a sync, a connection test and ``sync status`` refresh it from the keyring."""
    from store.sync import admin

    url = f"postgresql://alice@127.0.0.1:{free_port()}/fb"  # nothing listens there: the test fails fast
    assert settings.password_stored(store, url) is None  # not known yet
    settings.configure(store, url, password="pw")
    assert settings.password_stored(store, url) is True and settings.password_stored(store, url.replace("alice", "bob")) is None
    settings.configure(store, url, password="")
    assert settings.password_stored(store, url) is False
    credentials.save_password(url, "set elsewhere")  # e.g. by the CLI of another version
    assert settings.password_stored(store, url) is False  # reading the flag never asks the keyring
    assert admin.status_info(store)["has_password"] is True and settings.password_stored(store, url) is True
    credentials.forget_password(url)
    assert settings.check_connection(store).code == "unreachable" and settings.password_stored(store, url) is False
    credentials.save_password(url, "again")
    assert settings.refresh_password_flag(store) is True and settings.password_stored(store, url) is True
    settings.configure(store, url, password_stored=False)  # what a caller that asked the keyring itself says
    assert settings.password_stored(store, url) is False
    assert "again" not in str(state.values(store))


@pytest.mark.parametrize(
    ("url", "reason", "secret"),
    [
        ("postgresql://alice@db.example.org/fb?password=hunter22", "password_param", "hunter22"),
        ("postgresql://alice@db.example.org/fb?sslmode=require&PassWord=hunter22", "password_param", "hunter22"),
        ("postgresql://alice@db.example.org/fb?%70assword=hunter22", "password_param", "hunter22"),
        ("postgresql://alice@db.example.org/fb?passfile=/home/alice/.secret-hunter22", "password_param", "hunter22"),
        ("postgresql://alice@db.example.org/fb?sslpassword=hunter22", "password_param", "hunter22"),
        ("postgresql://alice:se%zzcret@db.example.org/fb", "unreadable", "zzcret"),
        ("postgresql://alice:s3cret@[::1/fb", "unreadable", "s3cret"),
        ("postgresql://alice:p@ss-hunter@db.example.org/fb", "ambiguous", "ss-hunter"),
        ("postgresql://alice:pa/ss-hunter@db.example.org/fb", "ambiguous", "ss-hunter"),
    ],
)
def test_a_url_that_would_keep_or_echo_a_password_is_refused_without_repeating_it(store, keyring_home, caplog, url, reason, secret):
    with pytest.raises(ServerUrlError) as refused:
        settings.configure(store, url)
    assert refused.value.reason == reason and secret not in str(refused.value)
    assert settings.load(store).url is None and not [v for v in state.values(store).values() if v and secret in v]
    checked = settings.check_connection(store, url)
    assert checked.code == "url" and secret not in checked.message
    assert secret not in caplog.text


def test_status_is_cached_cheap_and_follows_every_write(store):
    project = new_project(store)
    assert status(store).pending == 2  # the project and its form
    create_record(store, project, {"plot": 1}, user=USER)
    assert status(store).pending == 3  # the record write invalidated it
    store.write(lambda con: con.execute("DELETE FROM changes").fetchall())
    state.invalidate(store)  # what the sync engine does after each pushed batch
    assert status(store).pending == 0
    settings.set_online(store, True)
    assert status(store).online
    times = []
    for _ in range(200):
        started = time.perf_counter()
        status(store)
        times.append(time.perf_counter() - started)
    assert statistics.median(times) < 0.002, f"status() median {statistics.median(times) * 1000:.3f} ms"


def test_check_connection_against_a_real_server(store, pg_url, keyring_home):
    empty = settings.check_connection(store, pg_url)
    assert (empty.ok, empty.code) == (False, "not_initialised") and "init-server" in empty.message
    assert empty.server_version and int(empty.server_version.split(".")[0]) >= 13
    init_server(pg_url)
    ready = settings.check_connection(store, pg_url)
    assert (ready.ok, ready.code) == (True, "ok") and ready.server_version in ready.message
    assert ready.to_dict() == {"ok": True, "code": "ok", "message": ready.message, "server_version": ready.server_version}
    none = settings.check_connection(store)
    assert (none.ok, none.code) == (False, "url")
    settings.configure(store, pg_url)
    assert settings.check_connection(store).ok  # the configured server
    assert state.get(store, state.LAST_ERROR) is None  # a test records nothing

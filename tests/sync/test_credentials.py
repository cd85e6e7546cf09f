"""The sync password in the real ``keyring`` library (keyrings.alt's plaintext file in a temp
XDG_DATA_HOME): stored under user@host:port/database, found by any spelling of the URL, removed,
and a keyring that cannot store passwords is a plain sentence, not a traceback."""

from __future__ import annotations

import os
import stat

import keyring
import pytest
from keyring.backends import fail

from store.sync import credentials
from store.sync.connect import keyring_key
from store.sync.errors import KeyringError, ServerUrlError

URL = "postgresql://alice@db.example.org:5432/fieldbook"



def test_save_find_and_forget_a_password(keyring_home):
    assert credentials.password_for(URL) is None and not credentials.has_password(URL)
    credentials.save_password(URL, "pä ss:w/rd")
    assert credentials.password_for(URL) == "pä ss:w/rd"
    # The same user and server however the URL is spelt (scheme, default port, a password inside).
    for same in ("postgres://alice@db.example.org/fieldbook", "postgresql://alice:other@DB.example.org:5432/fieldbook"):
        assert credentials.password_for(same) == "pä ss:w/rd"
    assert credentials.password_for("postgresql://bob@db.example.org/fieldbook") is None  # another user
    assert credentials.password_for("postgresql://alice@db.example.org/other") is None  # another database
    assert keyring_key(URL) == "alice@db.example.org:5432/fieldbook"

    stored = keyring_home / "python_keyring" / "keyring_pass.cfg"
    assert stored.exists() and stat.S_IMODE(os.stat(stored).st_mode) == 0o600
    credentials.save_password(URL, "second")
    assert credentials.password_for(URL) == "second"
    credentials.forget_password(URL)
    assert credentials.password_for(URL) is None
    credentials.forget_password(URL)  # nothing stored: fine


def test_the_plaintext_backend_is_named_and_not_secure(keyring_home):
    info = credentials.keyring_info()
    assert info == credentials.KeyringInfo("PlaintextKeyring (keyrings.alt)", usable=True, secure=False)
    assert info.to_dict() == {"name": "PlaintextKeyring (keyrings.alt)", "usable": True, "secure": False}


def test_a_keyring_that_cannot_store_is_a_plain_sentence(keyring_home):
    keyring.set_keyring(fail.Keyring())
    info = credentials.keyring_info()
    assert not info.usable and not info.secure
    with pytest.raises(KeyringError, match="no keyring that can store passwords") as refused:
        credentials.save_password(URL, "secret")
    assert "secret" not in str(refused.value) and refused.value.exit_code == 2
    assert credentials.password_for(URL) is None  # libpq's own sources may still give one
    assert not credentials.has_password(URL)


def test_a_bad_url_is_refused_before_the_keyring_is_touched(keyring_home):
    with pytest.raises(ServerUrlError, match="postgresql://"):
        credentials.save_password("http://db.example.org/x", "secret")
    assert not (keyring_home / "python_keyring").exists()


def test_the_page_gets_the_keyring_description_without_waiting_for_the_keyring(keyring_home, monkeypatch):
    """``known_keyring_info`` (what Settings calls on every rerun) never waits: the first call works
    it out on a thread and says None; after that it is the cached description, not worked out again
    (a SecretService backend asks D-Bus for it); a new backend is worked out again, off the caller."""
    import time

    monkeypatch.setattr(credentials, "_described", None)  # as in a fresh process
    described = []
    real = credentials._describe
    monkeypatch.setattr(credentials, "_describe", lambda backend: described.append(backend) or real(backend))

    def settle():
        deadline = time.monotonic() + 10
        while (info := credentials.known_keyring_info()) is None:
            assert time.monotonic() < deadline, "the keyring was never described"
            time.sleep(0.01)
        return info

    assert credentials.known_keyring_info() is None  # not known yet: being worked out on a thread
    assert settle() == credentials.KeyringInfo("PlaintextKeyring (keyrings.alt)", usable=True, secure=False)
    seen = len(described)
    for _ in range(200):
        credentials.known_keyring_info()
    assert len(described) == seen == 1  # cached: no further look at the keyring
    keyring.set_keyring(fail.Keyring())
    assert settle() == credentials.KeyringInfo(credentials.keyring_info().name, usable=False, secure=False)
    assert len(described) == 2

"""The sync password, kept in the OS keyring only (never in config, the database, logs or snapshots).

Passwords are filed under the service ``fieldbook-sync`` and the name ``user@host:port/database``
(``connect.keyring_key``), so the same user on the same server shares one password whichever
spelling of the URL was used. ``keyring_info`` says which backend is in use and whether it is
secure: keyrings.alt's plaintext file (the fallback on a headless Linux) keeps passwords readable
by anyone who can read the file, and the UI and ``fieldbook doctor`` say so.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

from store.sync.connect import check_url, keyring_key
from store.sync.errors import KeyringError

log = logging.getLogger(__name__)

SERVICE = "fieldbook-sync"
_INSECURE = ("plaintext", "null", "uncrypted", "unencrypted", "obfuscat", "base64")


@dataclass(frozen=True)
class KeyringInfo:
    name: str  # e.g. "SecretService Keyring", "PlaintextKeyring (keyrings.alt)"
    usable: bool  # can store passwords at all (the "fail" backend cannot)
    secure: bool  # False for plaintext / obfuscated-file backends

    def to_dict(self) -> dict[str, object]:
        return {"name": self.name, "usable": self.usable, "secure": self.secure}


def _backend() -> object:
    import keyring

    return keyring.get_keyring()


def _describe(backend: object) -> KeyringInfo:
    cls = type(backend)
    module = cls.__module__
    if cls.__name__ == "ChainerBackend":
        parts = [_describe(b) for b in getattr(backend, "backends", [])]
        if not parts:
            return KeyringInfo("no keyring", False, False)
        return KeyringInfo(" + ".join(p.name for p in parts), any(p.usable for p in parts), all(p.secure for p in parts if p.usable))
    if module.startswith("keyrings.alt"):
        name = f"{cls.__name__} (keyrings.alt)"
    else:
        name = str(getattr(backend, "name", "") or cls.__name__)  # e.g. "SecretService Keyring", "macOS Keyring"
    lowered = f"{module}.{cls.__name__}".lower()
    usable = not (module.endswith("backends.fail") or module.endswith("backends.null"))
    secure = usable and not any(word in lowered for word in _INSECURE)
    if lowered.endswith("file.encryptedkeyring"):
        secure = True  # encrypted with a keyring password the user types
    return KeyringInfo(name, usable, secure)


_described: tuple[object, KeyringInfo] | None = None  # (backend, its description): the last one seen in this process
_describing = threading.Lock()


def keyring_info() -> KeyringInfo:
    """Which keyring backend stores the password, and whether that is safe. May load the keyring's
    backends (≈ 0.5 s the first time; SecretService asks D-Bus): not for a page rerun — the page
    uses ``known_keyring_info``."""
    global _described
    try:
        backend = _backend()
        if _described is not None and _described[0] is backend:
            return _described[1]
        info = _describe(backend)
        _described = (backend, info)
        return info
    except Exception as exc:  # a broken keyring setup (e.g. a bad PYTHON_KEYRING_BACKEND) must not stop the app
        log.warning("keyring unavailable: %s", type(exc).__name__)
        return KeyringInfo("no keyring", False, False)


def known_keyring_info() -> KeyringInfo | None:
    """``keyring_info`` without waiting: the description computed before in this process, or None
    while it is not known yet (then it is worked out on a thread; the next rerun has it). Cheap:
    the loaded backend is a module global of ``keyring`` (looked up only once one was described)."""
    if _described is not None:
        try:
            import keyring

            if keyring.get_keyring() is _described[0]:  # loaded already: no I/O
                return _described[1]
        except Exception:  # worked out again below
            pass
    if _describing.acquire(blocking=False):
        threading.Thread(target=_describe_in_background, name="keyring-info", daemon=True).start()
    return None


def _describe_in_background() -> None:
    try:
        keyring_info()
    finally:
        _describing.release()


def _key(url: str) -> str:
    return keyring_key(check_url(url))


def save_password(url: str, password: str) -> None:
    """Keep ``password`` for the user and server of ``url``; ``KeyringError`` if the keyring cannot."""
    key = _key(url)
    info = keyring_info()
    if not info.usable:
        raise KeyringError(
            "This computer has no keyring that can store passwords, so the password was not saved. "
            "Install a keyring (e.g. GNOME Keyring or KWallet) or let libpq supply it (PGPASSWORD or ~/.pgpass).",
            "unusable",
        )
    try:
        import keyring

        keyring.set_password(SERVICE, key, password)
    except Exception as exc:
        log.warning("keyring set_password failed: %s", type(exc).__name__)  # never the message: it might echo the secret
        raise KeyringError(f"The keyring ({info.name}) could not store the password ({type(exc).__name__}); it was not saved.") from None


def password_for(url: str) -> str | None:
    """The stored password for ``url``'s user and server, or None (also when the keyring is unusable)."""
    key = _key(url)
    try:
        import keyring

        return keyring.get_password(SERVICE, key)
    except Exception as exc:  # libpq's PGPASSWORD or ~/.pgpass may still supply one
        log.warning("keyring get_password failed: %s", type(exc).__name__)
        return None


def has_password(url: str) -> bool:
    try:
        return password_for(url) is not None
    except Exception:
        return False


def forget_password(url: str) -> None:
    """Remove the stored password for ``url`` (nothing stored is fine)."""
    key = _key(url)
    try:
        import keyring
        from keyring.errors import PasswordDeleteError

        try:
            keyring.delete_password(SERVICE, key)
        except PasswordDeleteError:
            pass
    except Exception as exc:
        log.warning("keyring delete_password failed: %s", type(exc).__name__)
        raise KeyringError(f"The keyring ({keyring_info().name}) could not remove the password ({type(exc).__name__}).", "remove") from None

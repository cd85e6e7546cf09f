"""Passphrase encryption of exported snapshots: AES-256-GCM with a key from scrypt.

The payload is sealed in chunks so that a 500 MB snapshot never has to fit in memory. Chunk ``i``
uses the nonce ``prefix ‖ i`` (a random 4-byte prefix per file, a 64-bit counter) and
authenticates the file header, its index and whether it is the last chunk: chunks cannot be
reordered, dropped or cut off without the decryption failing. A separate key check (a known text
sealed under a nonce no chunk uses) tells a wrong passphrase apart from a damaged file.
"""

from __future__ import annotations

import base64
import os
import struct
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

CHUNK = 1 << 20
TAG_SIZE = 16
_CHECK_TEXT = b"fieldbook snapshot key check v1"
_CHECK_INDEX = 2**64 - 1
# scrypt cost: 2**15 × 8 × 128 B = 32 MB of memory and ~0.1 s per derivation on the dev machine.
DEFAULT_N, DEFAULT_R, DEFAULT_P = 2**15, 8, 1
# The only cost a file may ask for: it comes from the file, so a crafted one could ask for 4 GB of
# memory and minutes per passphrase attempt (n=2**20, r=32, p=16). Fieldbook has only ever written
# the default; a new default goes in here beside the old one.
ACCEPTED_KDF = frozenset({(DEFAULT_N, DEFAULT_R, DEFAULT_P)})


class KeyMismatch(Exception):
    """The key check failed: a wrong passphrase (or a damaged header)."""


class ChunkInvalid(Exception):
    """A chunk failed authentication: the file is damaged."""


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def derive_key(passphrase: str, salt: bytes, n: int = DEFAULT_N, r: int = DEFAULT_R, p: int = DEFAULT_P) -> bytes:
    return Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(passphrase.encode("utf-8"))


@dataclass
class Cipher:
    """One file's key and nonce prefix; ``header`` is authenticated with every chunk."""

    key: bytes
    prefix: bytes
    header: bytes = b""

    def _nonce(self, index: int) -> bytes:
        return self.prefix + struct.pack(">Q", index)

    def _aad(self, index: int, final: bool) -> bytes:
        return self.header + struct.pack(">QB", index, 1 if final else 0)

    def seal(self, index: int, data: bytes, final: bool) -> bytes:
        return AESGCM(self.key).encrypt(self._nonce(index), data, self._aad(index, final))

    def open(self, index: int, data: bytes, final: bool) -> bytes:
        try:
            return AESGCM(self.key).decrypt(self._nonce(index), data, self._aad(index, final))
        except InvalidTag:
            raise ChunkInvalid(f"chunk {index} failed authentication") from None

    def key_check(self) -> bytes:
        return AESGCM(self.key).encrypt(self._nonce(_CHECK_INDEX), _CHECK_TEXT, b"key-check")


def new_encryption(passphrase: str) -> tuple[dict[str, Any], Cipher]:
    """Parameters for a new encrypted file (they go into its header) and the cipher to seal it."""
    salt, prefix = os.urandom(16), os.urandom(4)
    key = derive_key(passphrase, salt)
    cipher = Cipher(key, prefix)
    params = {
        "cipher": "AES-256-GCM",
        "kdf": "scrypt",
        "n": DEFAULT_N,
        "r": DEFAULT_R,
        "p": DEFAULT_P,
        "salt": _b64(salt),
        "nonce_prefix": _b64(prefix),
        "chunk": CHUNK,
        "check": _b64(cipher.key_check()),
    }
    return params, cipher


def open_encryption(params: dict[str, Any], passphrase: str) -> Cipher:
    """The cipher for an encrypted file's ``params``; ``KeyMismatch`` if the passphrase is wrong."""
    try:
        if params.get("cipher") != "AES-256-GCM" or params.get("kdf") != "scrypt":
            raise ValueError("unknown cipher")
        n, r, p = params["n"], params["r"], params["p"]
        if any(type(v) is not int for v in (n, r, p)) or (n, r, p) not in ACCEPTED_KDF:
            raise ValueError(f"its key settings (scrypt n={n!r}, r={r!r}, p={p!r}) are not Fieldbook's, so it was not opened")
        salt = base64.b64decode(params["salt"], validate=True)
        if not 16 <= len(salt) <= 64:
            raise ValueError("bad salt")
        prefix = base64.b64decode(params["nonce_prefix"], validate=True)
        check = base64.b64decode(params["check"], validate=True)
        if len(prefix) != 4:
            raise ValueError("bad nonce prefix")
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"the encryption header cannot be read ({exc})") from None
    cipher = Cipher(derive_key(passphrase, salt, n, r, p), prefix)
    if cipher.key_check() != check:
        raise KeyMismatch("wrong passphrase")
    return cipher

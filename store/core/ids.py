"""Record identifiers: UUIDv7 (RFC 9562), time-ordered so new records sort last and index well.

Python 3.11 has no ``uuid.uuid7``; this is the layout of the RFC: 48 bits of Unix milliseconds,
version 7, 12 bits of sub-millisecond order, variant, 62 random bits. Within one millisecond the
12 bits count up (the RFC's "fixed-length dedicated counter"), so ids made by this process are
strictly increasing — records created in one transaction (an import) keep their order.
"""

from __future__ import annotations

import os
import threading
import time
import uuid

_lock = threading.Lock()
_last = (-1, 0)  # (milliseconds, counter) of the previous id


def uuid7(now_ms: int | None = None) -> str:
    global _last
    wall = int(time.time() * 1000) if now_ms is None else now_ms
    with _lock:
        ms, counter = _last
        if wall > ms:
            ms, counter = wall, int.from_bytes(os.urandom(1), "big")  # random start, room to count
        else:
            counter += 1  # same millisecond (or the clock went back): keep counting
            if counter > 0xFFF:
                ms, counter = ms + 1, 0
        _last = (ms, counter)
    rand = int.from_bytes(os.urandom(8), "big")
    value = (ms & 0xFFFF_FFFF_FFFF) << 80
    value |= 0x7 << 76
    value |= counter << 64
    value |= 0b10 << 62
    value |= rand & ((1 << 62) - 1)
    return str(uuid.UUID(int=value))


def uuid7_millis(value: str) -> int | None:
    """The Unix milliseconds a UUIDv7 was made at, or None for any other id."""
    try:
        parsed = uuid.UUID(value)
    except (ValueError, TypeError, AttributeError):
        return None
    return parsed.int >> 80 if parsed.version == 7 else None

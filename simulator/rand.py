"""Counter-based randomness: a value is a pure function of its keys (seed, device, time slot).

Nothing here keeps state, so a value computed during a backfill equals the one a live run
computes for the same instant, and any slice of time can be generated on its own.
"""

from __future__ import annotations

import math
import zlib

_MASK = (1 << 64) - 1


def _splitmix(x: int) -> int:
    x = (x + 0x9E3779B97F4A7C15) & _MASK
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & _MASK
    return x ^ (x >> 31)


def mix(*keys: int) -> int:
    """A 64-bit hash of integer keys.

    Python's tuple hash of ints does not depend on PYTHONHASHSEED (only str and bytes
    hashes are randomised), so it is stable across runs; splitmix64 then spreads its bits.
    """
    return _splitmix(hash(keys) & _MASK)


def uniform(*keys: int) -> float:
    """A uniform value in [0, 1) determined by the keys."""
    return (mix(*keys) >> 11) * (1.0 / (1 << 53))


def gauss(*keys: int) -> float:
    """A standard normal value determined by the keys (Box-Muller)."""
    h = mix(*keys)
    u1 = ((h >> 11) + 1) * (1.0 / ((1 << 53) + 1))
    u2 = (_splitmix(h) >> 11) * (1.0 / (1 << 53))
    return math.sqrt(-2.0 * math.log(u1)) * math.cos(2.0 * math.pi * u2)


def key(text: str) -> int:
    """A stable integer key for a name (site, river, application)."""
    return zlib.crc32(text.encode("utf-8"))

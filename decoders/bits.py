"""Fixed-offset integer readers and writers, so decoders state layouts instead of bit tricks.

Every reader raises `struct.error` when the payload is too short; `catalog.decode` turns that
into a "payload too short" error.
"""

from __future__ import annotations

import struct

_U16BE = struct.Struct(">H")
_S16BE = struct.Struct(">h")
_U16LE = struct.Struct("<H")
_S16LE = struct.Struct("<h")
_U32BE = struct.Struct(">I")
_S32BE = struct.Struct(">i")


def u8(data: bytes, offset: int) -> int:
    """Unsigned byte at `offset`."""
    return int(data[offset])


def u16be(data: bytes, offset: int) -> int:
    """Unsigned 16-bit big-endian integer at `offset`."""
    return int(_U16BE.unpack_from(data, offset)[0])


def s16be(data: bytes, offset: int) -> int:
    """Signed 16-bit big-endian integer at `offset`."""
    return int(_S16BE.unpack_from(data, offset)[0])


def u16le(data: bytes, offset: int) -> int:
    """Unsigned 16-bit little-endian integer at `offset`."""
    return int(_U16LE.unpack_from(data, offset)[0])


def s16le(data: bytes, offset: int) -> int:
    """Signed 16-bit little-endian integer at `offset`."""
    return int(_S16LE.unpack_from(data, offset)[0])


def u24be(data: bytes, offset: int) -> int:
    """Unsigned 24-bit big-endian integer at `offset` (struct has no 3-byte format)."""
    return int.from_bytes(_take(data, offset, 3), "big", signed=False)


def s24be(data: bytes, offset: int) -> int:
    """Signed 24-bit big-endian integer at `offset`."""
    return int.from_bytes(_take(data, offset, 3), "big", signed=True)


def u32be(data: bytes, offset: int) -> int:
    """Unsigned 32-bit big-endian integer at `offset`."""
    return int(_U32BE.unpack_from(data, offset)[0])


def s32be(data: bytes, offset: int) -> int:
    """Signed 32-bit big-endian integer at `offset`."""
    return int(_S32BE.unpack_from(data, offset)[0])


def pack_uint(value: int, size: int, *, big_endian: bool = True) -> bytes:
    """`value` as an unsigned integer of `size` bytes; ValueError if it does not fit."""
    return _pack(value, size, signed=False, big_endian=big_endian)


def pack_int(value: int, size: int, *, big_endian: bool = True) -> bytes:
    """`value` as a two's-complement integer of `size` bytes; ValueError if it does not fit."""
    return _pack(value, size, signed=True, big_endian=big_endian)


def _take(data: bytes, offset: int, size: int) -> bytes:
    chunk = data[offset : offset + size]
    if offset < 0 or len(chunk) != size:
        raise struct.error(f"need {size} bytes at offset {offset}, have {len(data)}")
    return chunk


def _pack(value: int, size: int, *, signed: bool, big_endian: bool) -> bytes:
    try:
        return value.to_bytes(size, "big" if big_endian else "little", signed=signed)
    except OverflowError:
        kind = "signed" if signed else "unsigned"
        raise ValueError(f"{value} does not fit in {size} {kind} bytes") from None

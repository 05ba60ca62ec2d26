"""Decode errors: one root, raised inside vendor modules and turned into data by the catalog."""

from __future__ import annotations


class DecodeError(Exception):
    """Root of every error a decoder raises on bad bytes; `catalog.decode` catches it."""


class UnknownPortError(DecodeError):
    """The payload arrived on an fPort the device documentation does not define."""

    def __init__(self, f_port: int) -> None:
        super().__init__(f"unknown fPort {f_port}")
        self.f_port = f_port


class PayloadLengthError(DecodeError):
    """The payload length does not match any layout the documentation defines."""

    def __init__(self, expected: int | str, got: int) -> None:
        super().__init__(f"payload length {got} bytes, expected {expected}")
        self.expected = expected
        self.got = got


class ReservedValueError(DecodeError):
    """A field holds a value the documentation marks reserved or undefined."""

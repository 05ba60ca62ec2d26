"""Payload decoders: pure functions from (device type, fPort, bytes) to vendor fields and readings.

No I/O, logging, clock or module state lives here; services call `decode` and store the result.
"""

from decoders.catalog import CATALOG, decode, list_decoders
from decoders.errors import DecodeError
from decoders.model import Decoded, DecoderSpec, Reading
from decoders.quantities import QUANTITIES

__all__ = [
    "CATALOG",
    "QUANTITIES",
    "DecodeError",
    "Decoded",
    "DecoderSpec",
    "Reading",
    "decode",
    "list_decoders",
]

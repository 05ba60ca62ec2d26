"""The decoder contract's value types: what every payload decoder returns and declares."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, NamedTuple

Category = Literal["agriculture", "forestry", "smart_city", "generic"]


class Reading(NamedTuple):
    """One measurement in the canonical vocabulary (`decoders.quantities`).

    `channel` tells several sensors of the same quantity on one device apart (soil
    probes at three depths, the two inputs of a dual probe); 0 is the only/main one.
    `time` is set only when the payload carries its own timestamp (batched frames);
    otherwise the reading takes the uplink's receive time.

    A NamedTuple rather than a frozen dataclass: several are made for every uplink on the
    ingest path, and a frozen dataclass's __init__ costs several times a tuple's.
    """

    quantity: str
    value: float
    channel: int = 0
    time: datetime | None = None


@dataclass(frozen=True, slots=True)
class Decoded:
    """The outcome of decoding one payload. Errors are data, never exceptions.

    `warnings` are the decoder's (or JS codec's) own, exactly as it gave them; `notes` are
    the platform's remarks on the result (a reading outside its plausible range, what a
    codec's normalizeUplink said). They are kept apart so that a codec's output can be
    compared with its own examples; storage keeps both (`all_warnings`).
    """

    fields: Mapping[str, Any] = field(default_factory=dict)
    readings: tuple[Reading, ...] = ()
    warnings: tuple[str, ...] = ()
    errors: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def all_warnings(self) -> tuple[str, ...]:
        """The decoder's warnings, then the platform's notes: what an uplink stores."""
        return (*self.warnings, *self.notes) if self.notes else self.warnings


@dataclass(frozen=True, slots=True)
class BatteryPack:
    """The battery a device runs on, as its vendor documents it, for `decoders.battery`.

    `cutoff_v` is the documented end-of-life voltage (0 %), `full_v` the fresh or nominal
    voltage (100 %); `source` names the documents both come from.
    """

    description: str
    cutoff_v: float
    full_v: float
    source: str

    def __post_init__(self) -> None:
        if not 0 < self.cutoff_v < self.full_v:
            raise ValueError(f"{self.description}: needs 0 < cut-off < full voltage")


DecodeFn = Callable[[bytes, int], Decoded]
"""decode(payload, f_port): may raise DecodeError subclasses; the catalog catches them."""

EncodeFn = Callable[[Sequence[Reading]], tuple[int, bytes]]
"""encode(readings) -> (f_port, payload): the inverse used by the simulator."""


@dataclass(frozen=True, slots=True)
class DecoderSpec:
    """Metadata and entry points of one device type."""

    type_id: str  # TTN device repository id "vendor/model"; stored in the DB; never changes
    vendor: str
    model: str
    category: Category
    f_ports: frozenset[int]  # empty = any port
    quantities: frozenset[str]
    source: str  # the vendor document the layout comes from (title and URL)
    decode: DecodeFn
    encode: EncodeFn | None = None
    codec_js: str | None = None
    """A JavaScript codec file (TTN device repository or ChirpStack) that serves this type,
    absolute or relative to the `decoders` package folder. When set, `decoders.catalog.decode`
    runs it in the QuickJS sandbox (`decoders.js`) instead of calling `decode`."""
    battery: BatteryPack | None = None
    """The documented battery of a device that reports only its voltage: `decoders.catalog.decode`
    then adds the platform's level estimate (`decoders.battery`)."""

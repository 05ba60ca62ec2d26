"""Milesight VS133: AI ToF people counter (line crossing, region counting, dwell time).

Source: Milesight "VS133 User Guide", section "Uplink Packets" (https://resource.milesight.com/
milesight/iot/document/vs133-user-guide-en.pdf), the channel format of `protocol.py`,
little-endian, on fPort 85:

* ff 01 protocol version, ff 09 hardware version, ff 0a firmware version, ff 0f device class,
  ff 16 serial number (8 bytes), ff 0b power on: the basic information packet.
* Lines 1..4: `03/06/09/0c d2` total (cumulative) in count (uint32), `04/07/0a/0d d2` total out
  count (uint32), `05/08/0b/0e cc` period in (uint16) and period out (uint16) of the
  reporting interval. Fields are grouped per line (`line_1: {total_in, ...}`), as the
  Milesight decoder names them.
* 0f e3 region count: people currently in regions 1..4 (uint8 each).
* 10 e4 dwell time: region (uint8), average and maximum dwell time (uint16 each, s).

Readings: the interval's in and out counts, `people_count` on channel 2 * (line - 1) (in) and
2 * (line - 1) + 1 (out). Cumulative totals and region figures stay fields. Any port is
accepted (the shared akenza frames arrive on fPort 1).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from decoders.model import Decoded, DecoderSpec, Reading
from decoders.vendors.milesight_iot import protocol
from decoders.vendors.milesight_iot.protocol import Channel


def _line(n: int) -> protocol.Table:
    first = 0x03 + 3 * (n - 1)
    group = f"line_{n}"
    return {
        (first, 0xD2): Channel("total_in", 4, group=group),
        (first + 1, 0xD2): Channel("total_out", 4, group=group),
        (first + 2, 0xCC): (
            Channel("period_in", 2, group=group, quantity="people_count", channel=2 * n - 2),
            Channel("period_out", 2, group=group, quantity="people_count", channel=2 * n - 1),
        ),
    }


def _dwell(data: bytes) -> Mapping[str, Any]:
    region = data[0]
    return {
        f"region_{region}_avg_dwell": int.from_bytes(data[1:3], "little"),
        f"region_{region}_max_dwell": int.from_bytes(data[3:5], "little"),
    }


TABLE: protocol.Table = {
    **protocol.BASIC,
    **_line(1),
    **_line(2),
    **_line(3),
    **_line(4),
    (0x0F, 0xE3): tuple(Channel(f"region_{n}_count", 1) for n in range(1, 5)),
    (0x10, 0xE4): Channel("dwell_time", 5, parse=_dwell),
}


def decode(payload: bytes, f_port: int) -> Decoded:  # noqa: ARG001 - self-describing channels
    """Decode one VS133 uplink."""
    return protocol.decode(TABLE, payload)


def encode(readings: Sequence[Reading]) -> tuple[int, bytes]:
    """Build the fPort 85 uplink that decodes to `readings` (for the simulator)."""
    return 85, protocol.encode(TABLE, readings)


SPEC = DecoderSpec(
    type_id="milesight-iot/vs133",
    vendor="Milesight",
    model="VS133",
    category="smart_city",
    f_ports=frozenset(),
    quantities=protocol.quantities(TABLE),
    source="Milesight VS133 User Guide, Uplink Packets (resource.milesight.com)",
    decode=decode,
    encode=encode,
)

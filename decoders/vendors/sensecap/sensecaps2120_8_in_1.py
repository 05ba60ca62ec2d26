"""SenseCAP S2120 8-in-1 LoRaWAN weather station (forest and field microclimate).

Two uplink layouts, told apart by the S210x CRC:

* the S210x frame of `protocol.py` (7-byte measurement packets and a CRC-16/KERMIT): the layout
  of SenseCAP's uplink examples for this model in the TTN device repository
  (vendor/sensecap/sensecap2120-8-in-1-codec.yaml, the frames of the vectors file), with the
  SenseCAP measurement IDs 4097 air temperature, 4098 humidity, 4099 light intensity,
  4190 UV index, 4105 wind speed, 4104 wind direction, 4113 hourly rainfall and 4101
  barometric pressure;
* the frame-ID layout of the "SenseCAP S2120 LoRaWAN 8-in-1 Weather Station User Guide",
  10.3 (uplink packets), big-endian: frame 0x01 = air temperature (int16 / 10 °C), air humidity
  (uint8 %), light intensity (uint32 Lux), UV index (uint8 / 10), wind speed (uint16 / 10 m/s);
  frame 0x02 = wind direction (uint16 °), hourly rainfall (uint32 / 1000 mm/hour), barometric
  pressure (uint16 x 10 Pa); frame 0x04 = battery information (battery byte, then 8 bytes of
  device information whose table we could not read, kept as `device_info` hex) followed by the
  measurement frames. The guide's pages on frames 0x01/0x02 parts 5-10 and the combined frame
  0x04 example were read (easymanua.ls mirror, page 41); the field widths of frame 0x01's
  first three values follow from that combined example.

A payload whose length is 7 n + 2 and whose CRC matches is the S210x frame; anything else is
read as frame IDs. Readings use the canonical units (Pa -> hPa, mm/hour -> `rainfall_rate`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from decoders import bits
from decoders.errors import PayloadLengthError, ReservedValueError
from decoders.model import Decoded, DecoderSpec, Reading
from decoders.vendors.sensecap import protocol

MEASUREMENT_IDS = frozenset({4097, 4098, 4099, 4101, 4104, 4105, 4113, 4190})

_FRAME_SIZES = {0x01: 11, 0x02: 9, 0x04: 10}
"""Frame ID -> size including the ID byte (user guide 10.3)."""


def _is_s210x(payload: bytes) -> bool:
    if len(payload) < protocol.PACKET + 2 or (len(payload) - 2) % protocol.PACKET:
        return False
    return protocol.crc16_kermit(payload[:-2]) == bits.u16le(payload, len(payload) - 2)


def _frames(payload: bytes) -> Decoded:
    """The user guide's frame-ID layout.

    Raises:
        PayloadLengthError: an empty payload or a frame cut short.
        ReservedValueError: a frame ID the user guide does not define.
    """
    if not payload:
        raise PayloadLengthError(expected="a frame (11, 9 or 10 bytes) or more", got=0)
    fields: dict[str, Any] = {}
    readings: list[Reading] = []
    offset = 0
    while offset < len(payload):
        frame = payload[offset]
        size = _FRAME_SIZES.get(frame)
        if size is None:
            raise ReservedValueError(f"unknown S2120 frame ID 0x{frame:02x} at byte {offset}")
        if offset + size > len(payload):
            raise PayloadLengthError(expected=offset + size, got=len(payload))
        data = payload[offset + 1 : offset + size]
        if frame == 0x01:
            values = {
                "air_temperature": bits.s16be(data, 0) / 10,
                "air_humidity": bits.u8(data, 2),
                "light_intensity": bits.u32be(data, 3),
                "uv_index": bits.u8(data, 7) / 10,
                "wind_speed": bits.u16be(data, 8) / 10,
            }
        elif frame == 0x02:
            values = {
                "wind_direction": bits.u16be(data, 0),
                "rainfall_hourly": bits.u32be(data, 2) / 1000,
                "barometric_pressure": bits.u16be(data, 6) * 10,
            }
        else:
            fields["battery"] = bits.u8(data, 0)
            fields["device_info"] = data[1:].hex()
            values = {}
        for name, value in values.items():
            fields[name] = value
            readings.append(_reading(name, value))
        offset += size
    return Decoded(fields=fields, readings=tuple(readings))


_CANONICAL = {
    m.name: (m.quantity, m.factor)
    for i, m in protocol.MEASUREMENTS.items()
    if i in MEASUREMENT_IDS and m.quantity is not None
}
"""Field name -> (quantity, factor), shared by both layouts."""


def _reading(name: str, value: float) -> Reading:
    quantity, factor = _CANONICAL[name]
    return Reading(quantity, value * factor)


def decode(payload: bytes, f_port: int) -> Decoded:  # noqa: ARG001 - any port
    """Decode one S2120 uplink in either layout."""
    if _is_s210x(payload):
        return protocol.decode(payload, MEASUREMENT_IDS)
    return _frames(payload)


def encode(readings: Sequence[Reading]) -> tuple[int, bytes]:
    """The S210x frame carrying `readings` (sensor channel 1), for the simulator."""
    return 1, protocol.encode(readings, MEASUREMENT_IDS)


SPEC = DecoderSpec(
    type_id="sensecap/sensecaps2120-8-in-1",
    vendor="SenseCAP",
    model="S2120 8-in-1 Weather Station",
    category="forestry",
    f_ports=frozenset(),
    quantities=protocol.quantities(MEASUREMENT_IDS),
    source=(
        "SenseCAP S2120 uplink examples, TTN device repository "
        "vendor/sensecap/sensecap2120-8-in-1-codec.yaml (S210x frame, " + protocol.SOURCE + "); "
        "SenseCAP S2120 LoRaWAN 8-in-1 Weather Station User Guide 10.3 (frame IDs 01, 02, 04; "
        "page 41 as mirrored at easymanua.ls)"
    ),
    decode=decode,
    encode=encode,
)

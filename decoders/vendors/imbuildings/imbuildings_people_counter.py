"""IMBuildings People Counter (LoRaWAN): bidirectional counts through a doorway.

Source: IMBuildings "People Counter LoRaWAN - payload description", payload type 0x02,
variant 0x06 (imbuildings.com support documentation). 23 bytes, big-endian:

    payload type (1, 0x02) | payload variant (1, 0x06) | device id (8)
    | device status (1) | battery voltage (2, 0.01 V)
    | counter A (2) | counter B (2)  -- counts since the previous uplink
    | sensor status (1)
    | total counter A (2) | total counter B (2)  -- running totals
    | payload counter (1)

IMBuildings' own TTN codec (vendor/imbuildings/imbuildings.js, "port based decoding")
adds a short form: on fPort 26 the device omits the metadata (payload type, variant and
device id), and the 13 bytes from device status to payload counter follow directly. The
battery level is not computed: IMBuildings documents only the voltage.

Device status and sensor status are bit fields (e.g. 0x08 battery not full, 0x20 the
receiver's battery is low); they are kept as numbers. Counter A and counter B are the two
directions; readings carry A on channel 0 and B on channel 1.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from decoders import bits
from decoders.errors import PayloadLengthError, ReservedValueError
from decoders.model import Decoded, DecoderSpec, Reading

PAYLOAD_TYPE = 0x02
VARIANT = 0x06
LENGTH = 23
PORT = 1
SHORT_PORT = 26  # type 0x02 variant 0x06 without metadata
SHORT_LENGTH = 13


def decode(payload: bytes, f_port: int) -> Decoded:
    """Decode one people-counter uplink (type 0x02, variant 0x06; short form on fPort 26)."""
    fields: dict[str, Any] = {}
    if f_port == SHORT_PORT:
        if len(payload) != SHORT_LENGTH:
            raise PayloadLengthError(expected=SHORT_LENGTH, got=len(payload))
        fields.update(payload_type=PAYLOAD_TYPE, payload_variant=VARIANT)
    else:
        if len(payload) < 2:
            raise PayloadLengthError(expected=LENGTH, got=len(payload))
        if (payload[0], payload[1]) != (PAYLOAD_TYPE, VARIANT):
            raise ReservedValueError(
                f"payload type 0x{payload[0]:02X} variant 0x{payload[1]:02X} is not 0x02/0x06"
            )
        if len(payload) != LENGTH:
            raise PayloadLengthError(expected=LENGTH, got=len(payload))
        fields.update(
            payload_type=payload[0], payload_variant=payload[1], device_id=payload[2:10].hex()
        )
    tail = payload[-SHORT_LENGTH:]
    battery_v = bits.u16be(tail, 1) / 100
    counter_a = bits.u16be(tail, 3)
    counter_b = bits.u16be(tail, 5)
    fields.update(
        device_status=tail[0],
        battery_voltage=battery_v,
        counter_a=counter_a,
        counter_b=counter_b,
        sensor_status=tail[7],
        total_counter_a=bits.u16be(tail, 8),
        total_counter_b=bits.u16be(tail, 10),
        payload_counter=tail[12],
    )
    return Decoded(
        fields=fields,
        readings=(
            Reading("battery_voltage", battery_v),
            Reading("people_count", float(counter_a)),
            Reading("people_count", float(counter_b), channel=1),
        ),
    )


def encode(readings: Sequence[Reading]) -> tuple[int, bytes]:
    """Build an uplink that decodes to `readings` (for the simulator).

    Raises:
        ValueError: a missing or unsupported reading, or a value out of range.
    """
    values = {(r.quantity, r.channel): r.value for r in readings}
    needed = {("battery_voltage", 0), ("people_count", 0), ("people_count", 1)}
    if set(values) != needed:
        raise ValueError(f"people counter carries exactly {sorted(needed)}, got {sorted(values)}")
    a = round(values[("people_count", 0)])
    b = round(values[("people_count", 1)])
    payload = (
        bytes((PAYLOAD_TYPE, VARIANT))
        + bytes(8)
        + b"\x00"
        + bits.pack_uint(round(values[("battery_voltage", 0)] * 100), 2)
        + bits.pack_uint(a, 2)
        + bits.pack_uint(b, 2)
        + b"\x00"
        + bits.pack_uint(a, 2)
        + bits.pack_uint(b, 2)
        + b"\x00"
    )
    return PORT, payload


SPEC = DecoderSpec(
    type_id="imbuildings/imbuildings-people-counter",
    vendor="IMBuildings",
    model="People Counter",
    category="smart_city",
    f_ports=frozenset(),
    quantities=frozenset({"battery_voltage", "people_count"}),
    source="IMBuildings People Counter LoRaWAN payload description, type 0x02 variant 0x06",
    decode=decode,
    encode=encode,
)

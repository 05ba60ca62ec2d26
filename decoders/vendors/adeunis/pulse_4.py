"""Adeunis PULSE 4: two-channel pulse counter for water, gas and electricity meters.

Source: Adeunis "PULSE 4 - Technical Reference Manual" (LoRaWAN), "Uplink frames". Every
frame starts with a frame code and a status byte:

    status: bits 7-5 frame counter, bit 4 reserved, bit 3 hardware error, bit 2 timestamp
    present, bit 1 low battery, bit 0 configuration done

Frames decoded here:

* 0x46 periodic data: channel A index (uint32 BE), channel B index (uint32 BE).
* 0x5A / 0x5B channel A / B data with history: current index (uint32 BE), then n deltas
  (uint16 BE; the index at the previous sampling periods is the current index minus the
  running sum of the deltas), then, if status bit 2 is set, a timestamp (uint32 BE, seconds
  since 2013-01-01T00:00:00Z).
* 0x10 configuration, 0x20 network configuration, 0x30 keep-alive: the status byte; the
  rest stays raw (`raw`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from decoders import bits
from decoders.errors import DecodeError, PayloadLengthError
from decoders.model import Decoded, DecoderSpec, Reading

PORT = 1  # encode() only
EPOCH = datetime(2013, 1, 1, tzinfo=UTC)


def _status(byte: int) -> dict[str, Any]:
    return {
        "frame_counter": byte >> 5,
        "hardware_error": bool(byte & 0x08),
        "timestamp_present": bool(byte & 0x04),
        "low_battery": bool(byte & 0x02),
        "configuration_done": bool(byte & 0x01),
    }


def decode(payload: bytes, f_port: int) -> Decoded:  # noqa: ARG001 - the frame code decides
    """Decode one PULSE 4 uplink frame."""
    if len(payload) < 2:
        raise PayloadLengthError(expected="at least 2", got=len(payload))
    code = payload[0]
    fields: dict[str, Any] = {"frame_code": code, **_status(payload[1])}
    if code in (0x10, 0x20, 0x30):
        fields["raw"] = payload[2:].hex()
        return Decoded(fields=fields)
    if code == 0x46:
        if len(payload) != 10:
            raise PayloadLengthError(expected=10, got=len(payload))
        a, b = bits.u32be(payload, 2), bits.u32be(payload, 6)
        fields.update(counter_a=a, counter_b=b)
        readings = (Reading("pulse_count", float(a)), Reading("pulse_count", float(b), 1))
        return Decoded(fields=fields, readings=readings)
    if code not in (0x5A, 0x5B):
        raise DecodeError(f"frame code 0x{code:02X} is not decoded")
    timestamp_size = 4 if fields["timestamp_present"] else 0
    history = len(payload) - 6 - timestamp_size
    if history < 0 or history % 2:
        raise PayloadLengthError(expected="6 + 2 x n (+ 4)", got=len(payload))
    channel = "a" if code == 0x5A else "b"
    value = bits.u32be(payload, 2)
    fields[f"counter_{channel}"] = value
    previous = value
    for i in range(history // 2):
        previous -= bits.u16be(payload, 6 + 2 * i)
        fields[f"counter_{channel}_t{i + 1}"] = previous
    time = None
    if timestamp_size:
        seconds = bits.u32be(payload, len(payload) - 4)
        time = EPOCH + timedelta(seconds=seconds)
        fields["timestamp"] = seconds
        fields["time"] = time.isoformat()
    reading = Reading("pulse_count", float(value), 0 if channel == "a" else 1, time)
    return Decoded(fields=fields, readings=(reading,))


def encode(readings: Sequence[Reading]) -> tuple[int, bytes]:
    """Build a 0x46 periodic data frame that decodes to `readings` (for the simulator).

    Raises:
        ValueError: anything but pulse_count on channels 0 and 1 within uint32.
    """
    values = {(r.quantity, r.channel): r.value for r in readings}
    if set(values) != {("pulse_count", 0), ("pulse_count", 1)}:
        raise ValueError(f"PULSE 4 encodes pulse_count on channels 0 and 1, got {sorted(values)}")
    a, b = round(values[("pulse_count", 0)]), round(values[("pulse_count", 1)])
    return PORT, b"\x46\x01" + bits.pack_uint(a, 4) + bits.pack_uint(b, 4)


SPEC = DecoderSpec(
    type_id="adeunis/pulse-4",
    vendor="Adeunis",
    model="PULSE 4",
    category="smart_city",
    f_ports=frozenset(),
    quantities=frozenset({"pulse_count"}),
    source="Adeunis PULSE 4 Technical Reference Manual, Uplink frames",
    decode=decode,
    encode=encode,
)

"""Browan Tabs TBSL100 sound level sensor: A-weighted sound level, temperature, battery.

Source: Browan "Sound Level Sensor Reference Manual TBSL100-915/TBSL100-868"
(BQW_02_0011.001, © 2019), 4.1.2 "Payload". One 4-byte status uplink:

    Status (1) | Battery (1) | Temp (1) | Decibel (1)

* Status: bit 0 = 1 for an uplink triggered by the decibel threshold, 0 for keep-alive.
* Battery: bits 3:0 = v, voltage = (25 + v) / 10 V.
* Temp: bits 6:0 = t, temperature = t - 32 °C (on-board NTC).
* Decibel: dB(A), range 40-100; 255 = the sensor could not measure (a warning, no reading).

The manual's excerpt available to us does not repeat the uplink port, so any port is
accepted (the layout has no port-dependent variant).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from decoders.errors import PayloadLengthError
from decoders.model import Decoded, DecoderSpec, Reading

LENGTH = 4
NO_MEASUREMENT = 0xFF
PORT = 1  # used by encode(); decode() accepts any port


def decode(payload: bytes, f_port: int) -> Decoded:  # noqa: ARG001 - the layout ignores the port
    """Decode one TBSL100 status uplink."""
    if len(payload) != LENGTH:
        raise PayloadLengthError(expected=LENGTH, got=len(payload))
    battery_v = (25 + (payload[1] & 0x0F)) / 10
    temperature = (payload[2] & 0x7F) - 32
    fields: dict[str, Any] = {
        "status": payload[0],
        "trigger_event": bool(payload[0] & 0x01),
        "battery": battery_v,
        "temperature": temperature,
    }
    readings = [
        Reading("battery_voltage", battery_v),
        Reading("air_temperature", float(temperature)),
    ]
    warnings: list[str] = []
    if payload[3] == NO_MEASUREMENT:
        warnings.append("decibel 255: the sensor could not measure the sound level")
    else:
        fields["decibel"] = payload[3]
        readings.append(Reading("noise_level", float(payload[3])))
    return Decoded(fields=fields, readings=tuple(readings), warnings=tuple(warnings))


def encode(readings: Sequence[Reading]) -> tuple[int, bytes]:
    """Build the status uplink that decodes to `readings` (for the simulator).

    Raises:
        ValueError: a missing or unsupported reading, or a value out of range.
    """
    values = {r.quantity: r.value for r in readings}
    needed = {"battery_voltage", "air_temperature", "noise_level"}
    if set(values) != needed:
        raise ValueError(f"TBSL100 carries exactly {sorted(needed)}, got {sorted(values)}")
    battery = round(values["battery_voltage"] * 10) - 25
    temperature = round(values["air_temperature"]) + 32
    decibel = round(values["noise_level"])
    if not (0 <= battery <= 0x0F and 0 <= temperature <= 0x7F and 0 <= decibel < 0xFF):
        raise ValueError(f"TBSL100 cannot represent {values}")
    return PORT, bytes((0, battery, temperature, decibel))


SPEC = DecoderSpec(
    type_id="browan/tbsl100",
    vendor="Browan",
    model="Tabs TBSL100 Sound Level Sensor",
    category="smart_city",
    f_ports=frozenset(),
    quantities=frozenset({"battery_voltage", "air_temperature", "noise_level"}),
    source="Browan Sound Level Sensor Reference Manual TBSL100 (BQW_02_0011.001), 4.1.2 Payload",
    decode=decode,
    encode=encode,
)

"""Browan MerryIoT CD10 air-quality sensor: CO2, temperature and humidity.

Source: Browan "MerryIoT Air Quality CO2 Reference Manual CD10-915/CD10-868"
(BQW_02_0032), 4 "Messages": uplinks on fPort 127, 6 bytes, multi-byte values little-endian:

    Status (1) | Battery (1) | Temperature (1) | Humidity (1) | CO2 (2)

* Status: bit 0 = triggered uplink (1) or keep-alive (0); bit 1 = button pressed; bit 4 =
  CO2 above the threshold; bit 5 = CO2 calibration running; other bits RFU.
* Battery: bits 3:0 = v, voltage = (21 + v) / 10 V.
* Temperature: signed byte, °C. Humidity: bits 6:0, %.
* CO2: uint16 ppm. The manual sends CO2 = 0 right after joining (no reading yet), so a 0
  stays a field and becomes no reading.

Later firmware sends 7 bytes with the temperature widened to a signed little-endian int16
in 0.1 °C steps, the rest unchanged: Status (1) | Battery (1) | Temperature (2) | Humidity (1)
| CO2 (2). That layout is the one of Browan's own decoded example in the TTN device repository,
"vendor/browan/cd10-codec.yaml" (11 0F E7 00 43 07 19 -> 23.1 °C, 67 %, 6407 ppm,
https://github.com/TheThingsNetwork/lorawan-devices); the length tells the two apart.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from decoders import bits
from decoders.errors import PayloadLengthError, UnknownPortError
from decoders.model import Decoded, DecoderSpec, Reading

PORT = 127
LENGTH = 6
WIDE_LENGTH = 7  # the 0.1 °C temperature layout


def decode(payload: bytes, f_port: int) -> Decoded:
    """Decode one CD10 status uplink."""
    if f_port != PORT:
        raise UnknownPortError(f_port)
    if len(payload) not in (LENGTH, WIDE_LENGTH):
        raise PayloadLengthError(expected=f"{LENGTH} or {WIDE_LENGTH}", got=len(payload))
    status = payload[0]
    battery_v = (21 + (payload[1] & 0x0F)) / 10
    temperature: float
    if len(payload) == WIDE_LENGTH:
        temperature = bits.s16le(payload, 2) / 10
        rest = 4
    else:
        temperature = payload[2] - 256 if payload[2] & 0x80 else payload[2]
        rest = 3
    humidity = payload[rest] & 0x7F
    co2 = bits.u16le(payload, rest + 1)
    fields: dict[str, Any] = {
        "battery_volt": battery_v,
        "temperature": temperature,
        "humidity": humidity,
        "trigger": status & 0x01,
        "button": (status >> 1) & 0x01,
        "co2threshold": (status >> 4) & 0x01,
        "co2calibration": (status >> 5) & 0x01,
        "co2_ppm": co2,
    }
    readings = [
        Reading("battery_voltage", battery_v),
        Reading("air_temperature", float(temperature)),
        Reading("relative_humidity", float(humidity)),
    ]
    if co2:
        readings.append(Reading("co2", float(co2)))
    return Decoded(fields=fields, readings=tuple(readings))


def encode(readings: Sequence[Reading]) -> tuple[int, bytes]:
    """Build the uplink that decodes to `readings` (for the simulator).

    Raises:
        ValueError: a missing or unsupported reading, or a value out of range.
    """
    values = {r.quantity: r.value for r in readings}
    needed = {"battery_voltage", "air_temperature", "relative_humidity", "co2"}
    if set(values) != needed:
        raise ValueError(f"CD10 carries exactly {sorted(needed)}, got {sorted(values)}")
    battery = round(values["battery_voltage"] * 10) - 21
    temperature = round(values["air_temperature"])
    humidity = round(values["relative_humidity"])
    co2 = round(values["co2"])
    if not (0 <= battery <= 0x0F and -128 <= temperature <= 127 and 0 <= humidity <= 100):
        raise ValueError(f"CD10 cannot represent {values}")
    if not 1 <= co2 <= 0xFFFF:
        raise ValueError(f"CO2 {co2} ppm out of range (0 means no reading)")
    payload = bytes((0, battery, temperature & 0xFF, humidity))
    return PORT, payload + bits.pack_uint(co2, 2, big_endian=False)


SPEC = DecoderSpec(
    type_id="browan/cd10",
    vendor="Browan",
    model="MerryIoT CD10 Air Quality CO2",
    category="smart_city",
    f_ports=frozenset({PORT}),
    quantities=frozenset({"battery_voltage", "air_temperature", "relative_humidity", "co2"}),
    source=(
        "Browan MerryIoT Air Quality CO2 Reference Manual CD10 (BQW_02_0032), 4 Messages; "
        "7-byte layout: Browan's example in TTN lorawan-devices vendor/browan/cd10-codec.yaml"
    ),
    decode=decode,
    encode=encode,
)

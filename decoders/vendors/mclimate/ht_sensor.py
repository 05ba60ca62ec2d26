"""MClimate HT Sensor LoRaWAN: indoor temperature and humidity, optional external thermistor.

Source: MClimate "HT Sensor LoRaWAN - Device communication protocol", "Keep-alive"
(docs.mclimate.eu/mclimate-lorawan-devices/devices/mclimate-ht-sensor-lorawan). The
keep-alive packet is 7 bytes, big-endian:

    0x01 (keep-alive) | internal temperature (2): (x - 400) / 10 °C
    | relative humidity (1): x * 100 / 256 % | battery (1): (x * 8 + 1600) / 1000 V
    | thermistor (2): bit 2 of the first byte set = thermistor not connected;
      the low 10 bits = external thermistor temperature in 0.1 °C

The device answers commands with other packet types on the same port; the port itself is
not part of the documented format, so any port is accepted.

MClimate's own "Short periodic uplink" example in the TTN device repository
(vendor/mclimate/ht-sensor-codec.yaml: 01 0288 80 AB -> 24.8 °C, 50 %, ~3 V) is the same
keep-alive without the 2 thermistor bytes; such a 5-byte packet decodes without the
thermistor fields.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from decoders import bits
from decoders.errors import PayloadLengthError, ReservedValueError
from decoders.model import Decoded, DecoderSpec, Reading

KEEP_ALIVE = 0x01
LENGTH = 7
SHORT_LENGTH = 5  # keep-alive without the thermistor word


def decode(payload: bytes, f_port: int) -> Decoded:  # noqa: ARG001 - the layout ignores the port
    """Decode one HT Sensor keep-alive packet."""
    if not payload:
        raise PayloadLengthError(expected=LENGTH, got=0)
    if payload[0] != KEEP_ALIVE:
        raise ReservedValueError(f"packet type 0x{payload[0]:02X} is not a keep-alive (0x01)")
    if len(payload) not in (LENGTH, SHORT_LENGTH):
        raise PayloadLengthError(expected=f"{LENGTH} or {SHORT_LENGTH}", got=len(payload))
    temperature = (bits.u16be(payload, 1) - 400) / 10
    humidity = round(payload[3] * 100 / 256, 2)
    battery_v = (payload[4] * 8 + 1600) / 1000
    readings = [
        Reading("air_temperature", temperature),
        Reading("relative_humidity", humidity),
        Reading("battery_voltage", battery_v),
    ]
    fields: dict[str, Any] = {
        "sensorTemperature": temperature,
        "relativeHumidity": humidity,
        "batteryVoltage": battery_v,
    }
    if len(payload) == LENGTH:
        fields["thermistorProperlyConnected"] = not payload[5] & 0x04
        fields["extThermistorTemperature"] = (bits.u16be(payload, 5) & 0x03FF) / 10
    return Decoded(fields=fields, readings=tuple(readings))


def encode(readings: Sequence[Reading]) -> tuple[int, bytes]:
    """Build the keep-alive packet that decodes to `readings` (for the simulator).

    Raises:
        ValueError: a missing or unsupported reading, or a value out of range.
    """
    values = {r.quantity: r.value for r in readings}
    needed = {"air_temperature", "relative_humidity", "battery_voltage"}
    if set(values) != needed:
        raise ValueError(f"HT sensor carries exactly {sorted(needed)}, got {sorted(values)}")
    temperature = round(values["air_temperature"] * 10) + 400
    humidity = round(values["relative_humidity"] * 256 / 100)
    battery = round((values["battery_voltage"] * 1000 - 1600) / 8)
    if not (0 <= temperature <= 0xFFFF and 0 <= humidity <= 0xFF and 0 <= battery <= 0xFF):
        raise ValueError(f"HT sensor cannot represent {values}")
    payload = bytes((KEEP_ALIVE,)) + bits.pack_uint(temperature, 2)
    return 2, payload + bytes((humidity, battery, 0x04, 0x00))  # no thermistor


SPEC = DecoderSpec(
    type_id="mclimate/ht-sensor",
    vendor="MClimate",
    model="HT Sensor LoRaWAN",
    category="smart_city",
    f_ports=frozenset(),
    quantities=frozenset({"air_temperature", "relative_humidity", "battery_voltage"}),
    source=(
        "MClimate HT Sensor LoRaWAN device communication protocol, Keep-alive "
        "(https://docs.mclimate.eu/mclimate-lorawan-devices/devices/mclimate-ht-sensor-lorawan)"
    ),
    decode=decode,
    encode=encode,
)

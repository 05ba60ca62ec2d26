"""Talkpool OY1700 particle meter: temperature, humidity, PM1.0, PM2.5 and PM10.

Source: Talkpool "OY1700 LoRaWAN Particle Meter" user manual, section "Payload / Port 2
measurement report" (talkpool.com product documentation). Periodic reports on fPort 2, 9 bytes:

    temperature + humidity (3 bytes, 12-bit packed, see `decoders.vendors.talkpool`)
    | PM1.0 (uint16 BE, ug/m3) | PM2.5 (uint16 BE, ug/m3) | PM10 (uint16 BE, ug/m3)

Temperature = T / 10 - 80 °C, relative humidity = RH / 10 - 25 %.
"""

from __future__ import annotations

from collections.abc import Sequence

from decoders import bits
from decoders.errors import PayloadLengthError, UnknownPortError
from decoders.model import Decoded, DecoderSpec, Reading
from decoders.vendors.talkpool import pack_climate, unpack_climate

PORT = 2
LENGTH = 9
_PM = (("PM1_0", "pm1", 3), ("PM2_5", "pm2_5", 5), ("PM_10", "pm10", 7))


def decode(payload: bytes, f_port: int) -> Decoded:
    """Decode one OY1700 measurement report."""
    if f_port != PORT:
        raise UnknownPortError(f_port)
    if len(payload) != LENGTH:
        raise PayloadLengthError(expected=LENGTH, got=len(payload))
    temperature, humidity = unpack_climate(payload)
    fields: dict[str, float] = {"Temperature": temperature, "RelativeHumidity": humidity}
    readings = [Reading("air_temperature", temperature), Reading("relative_humidity", humidity)]
    for name, quantity, offset in _PM:
        value = bits.u16be(payload, offset)
        fields[name] = value
        readings.append(Reading(quantity, float(value)))
    return Decoded(fields=fields, readings=tuple(readings))


def encode(readings: Sequence[Reading]) -> tuple[int, bytes]:
    """Build the 9-byte report that decodes to `readings` (for the simulator).

    Raises:
        ValueError: a missing or unsupported reading, or a value out of range.
    """
    values = {r.quantity: r.value for r in readings}
    needed = {"air_temperature", "relative_humidity", "pm1", "pm2_5", "pm10"}
    if set(values) != needed:
        raise ValueError(f"OY1700 carries exactly {sorted(needed)}, got {sorted(values)}")
    payload = pack_climate(values["air_temperature"], values["relative_humidity"])
    for _, quantity, _ in _PM:
        payload += bits.pack_uint(round(values[quantity]), 2)
    return PORT, payload


SPEC = DecoderSpec(
    type_id="talkpool/oy1700",
    vendor="Talkpool",
    model="OY1700 Particle Meter",
    category="smart_city",
    f_ports=frozenset({PORT}),
    quantities=frozenset({"air_temperature", "relative_humidity", "pm1", "pm2_5", "pm10"}),
    source="Talkpool OY1700 LoRaWAN Particle Meter user manual, Port 2 measurement report",
    decode=decode,
    encode=encode,
)

"""uRADMonitor MODEL A3: outdoor air quality station (climate, VOC, noise, CO2, CH2O, O3, PM).

Source: uRADMonitor's own LoRaWAN payload description for the A3 (hardware HW107/HW108), the
field table and worked values it published with its decoder in the TTN device repository
(`vendor/uradmonitor/a3.js` header, `uradmonitor-model-a3-codec.yaml` example). All fields are
big-endian; one 32-byte frame:

    ID (4) | hardware version (1, e.g. 108 = HW108) | firmware version (1) | timestamp (4, s)
    | temperature (2, sign and magnitude: bit 15 = negative, bits 14..0 = °C * 100)
    | pressure (2, Pa - 65535: the description offsets it so that 100539 Pa fits)
    | humidity (1, % RH * 2) | VOC (3, sensor resistance in ohm) | noise (1, dBA * 2)
    | CO2 (2, ppm) | formaldehyde (2, ppb) | ozone (2, ppb) | PM1, PM2.5, PM10 (2 each, µg/m³)
    | CRC (1)

The CRC's algorithm is not described, so it is returned (`crc`) but not checked. `iaq` is the
indoor air quality index uRADMonitor's decoder derives, int(ln(VOC ohm) + 0.04 * humidity),
kept so the fields match the vendor's example; it is not stored as a reading. uRADMonitor's
example calls the formaldehyde value `ch20` (for CH2O); the name is kept.

Ozone and formaldehyde come in ppb; the canonical vocabulary holds them as mass
concentrations, converted at the reference conditions of EU air quality reporting
(Directive 2008/50/EC: 293.15 K, 101.325 kPa; molar volume 24.055 l/mol), so
µg/m³ = ppb * M / 24.055 with M = 48.00 (O3) and 30.03 g/mol (CH2O).

uRADMonitor's decoder does not look at the fPort, so neither does this one.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from decoders import bits
from decoders.errors import PayloadLengthError
from decoders.model import Decoded, DecoderSpec, Reading

LENGTH = 32
PORT = 1  # the port of uRADMonitor's example, used by `encode`
PRESSURE_OFFSET = 65535
MOLAR_VOLUME = 24.055  # l/mol at 293.15 K and 101.325 kPa
O3_PER_PPB = 48.00 / MOLAR_VOLUME
CH2O_PER_PPB = 30.03 / MOLAR_VOLUME


def decode(payload: bytes, f_port: int) -> Decoded:  # noqa: ARG001 - any port
    """Decode one 32-byte A3 measurement frame."""
    if len(payload) != LENGTH:
        raise PayloadLengthError(expected=LENGTH, got=len(payload))
    raw_temperature = bits.u16be(payload, 10)
    temperature = (raw_temperature & 0x7FFF) / 100
    if raw_temperature & 0x8000:
        temperature = -temperature
    pressure = bits.u16be(payload, 12) + PRESSURE_OFFSET
    humidity = payload[14] / 2
    gas_resistance = bits.u24be(payload, 15)
    values = [bits.u16be(payload, offset) for offset in range(19, 31, 2)]
    co2, ch2o, o3, pm1, pm2_5, pm10 = values
    fields: dict[str, Any] = {
        "model": "A3",
        "id": payload[0:4].hex().upper(),
        "hardware_version": f"HW{payload[4]}",
        "firmware_version": payload[5],
        "timestamp": bits.u32be(payload, 6),
        "temperature": temperature,
        "pressure": pressure,
        "humidity": humidity,
        "gas_resistance": gas_resistance,
        "sound": payload[18] / 2,
        "co2": co2,
        "ch20": ch2o,
        "o3": o3,
        "pm1": pm1,
        "pm2_5": pm2_5,
        "pm10": pm10,
        "crc": f"{payload[31]:02X}",
    }
    if gas_resistance > 0:
        fields["iaq"] = int(math.log(gas_resistance) + 0.04 * humidity)
    readings = (
        Reading("air_temperature", temperature),
        Reading("air_pressure", pressure / 100),
        Reading("relative_humidity", humidity),
        Reading("noise_level", payload[18] / 2),
        Reading("co2", float(co2)),
        Reading("formaldehyde", ch2o * CH2O_PER_PPB),
        Reading("o3", o3 * O3_PER_PPB),
        Reading("pm1", float(pm1)),
        Reading("pm2_5", float(pm2_5)),
        Reading("pm10", float(pm10)),
    )
    return Decoded(fields=fields, readings=readings)


def encode(readings: Sequence[Reading]) -> tuple[int, bytes]:
    """Build an A3 frame that decodes to `readings` (for the simulator; VOC 100 kOhm).

    Raises:
        ValueError: a missing or unsupported reading, or a value out of range.
    """
    values = {r.quantity: r.value for r in readings}
    if set(values) != set(SPEC.quantities):
        raise ValueError(f"A3 carries {sorted(SPEC.quantities)}, got {sorted(values)}")
    temperature = round(abs(values["air_temperature"]) * 100)
    if temperature > 0x7FFF:
        raise ValueError("temperature out of range")
    if values["air_temperature"] < 0 and temperature:
        temperature |= 0x8000
    pressure = round(values["air_pressure"] * 100) - PRESSURE_OFFSET
    words = [
        round(values["co2"]),
        round(values["formaldehyde"] / CH2O_PER_PPB),
        round(values["o3"] / O3_PER_PPB),
        round(values["pm1"]),
        round(values["pm2_5"]),
        round(values["pm10"]),
    ]
    frame = (
        bytes.fromhex("82000000")
        + bytes((108, 78))
        + bits.pack_uint(0, 4)
        + bits.pack_uint(temperature, 2)
        + bits.pack_uint(pressure, 2)
        + bits.pack_uint(round(values["relative_humidity"] * 2), 1)
        + bits.pack_uint(100_000, 3)
        + bits.pack_uint(round(values["noise_level"] * 2), 1)
        + b"".join(bits.pack_uint(word, 2) for word in words)
        + b"\x00"
    )
    return PORT, frame


SPEC = DecoderSpec(
    type_id="uradmonitor/model-a3",
    vendor="uRADMonitor",
    model="MODEL A3 air quality monitoring station",
    category="smart_city",
    f_ports=frozenset(),
    quantities=frozenset(
        {
            "air_temperature",
            "air_pressure",
            "relative_humidity",
            "noise_level",
            "co2",
            "formaldehyde",
            "o3",
            "pm1",
            "pm2_5",
            "pm10",
        }
    ),
    source=(
        "uRADMonitor's A3 LoRaWAN payload description and example in the TTN device "
        "repository (vendor/uradmonitor/a3.js header, uradmonitor-model-a3-codec.yaml)"
    ),
    decode=decode,
    encode=encode,
)

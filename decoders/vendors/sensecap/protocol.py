"""The SenseCAP S210x LoRaWAN sensor frame: 7-byte measurement packets and a CRC.

Source: Seeed "SenseCAP S210X LoRaWAN Sensor User Guide", 9.2 "Packet Parsing" and 9.4
"Battery Information" (files.seeedstudio.com, product 114992867), and the SenseCAP API
"List of Measurement IDs". Little-endian throughout:

    packet = channel (1) | measurement ID (2) | value (4)      repeated, then CRC (2)

* Channel 1.. is a sensor channel; the value is a signed 32-bit integer / 1000 in the
  measurement's unit (0x1001 = 4097 air temperature: `B0680000` = 26800 -> 26.8 °C).
* Channel 0 carries device information instead of a measurement: ID 0x0007 is battery
  (uint16, %) and upload interval (uint16, minutes, reported in seconds as the SenseCAP
  decoder does); ID 0x0000 is the version packet (software then hardware version, each a
  uint16 whose high byte is the major and low byte the minor number).
* Sensor metadata on a sensor channel: 0x0001..0x0006 describe the attached sensor; 0x0002 and
  0x0003 hold its 64-bit EUI (the two halves, each little-endian, high half in 0x0003),
  kept with the sensor channel it came on.
  0x0120 reports that the sensor on that channel was removed.
* Values from 2,000,000 up are SenseCAP error codes, not measurements (the reference frame
  with 0x773597E8 = 2,000,001.000 is "NO_SENSOR_RESPONSE"); such a value gives no reading.
* The CRC is CRC-16/KERMIT (poly 0x1021, reflected, init 0) over everything before it,
  little-endian: every vendor example matches. A mismatch is a warning, not an error,
  because one of the shared reference frames carries a CRC that does not match its bytes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from decoders import bits
from decoders.errors import PayloadLengthError
from decoders.model import Category, Decoded, DecoderSpec, Reading


@dataclass(frozen=True, slots=True)
class Measurement:
    """One row of SenseCAP's measurement-ID list: field name, unit and canonical mapping."""

    name: str  # the list's name, snake_case
    unit: str
    quantity: str | None = None
    factor: float = 1.0  # canonical value = value * factor


MEASUREMENTS: Mapping[int, Measurement] = {
    4097: Measurement("air_temperature", "°C", "air_temperature"),
    4098: Measurement("air_humidity", "%RH", "relative_humidity"),
    4099: Measurement("light_intensity", "Lux", "illuminance"),
    4100: Measurement("co2", "ppm", "co2"),
    4101: Measurement("barometric_pressure", "Pa", "air_pressure", 0.01),
    4102: Measurement("soil_temperature", "°C", "soil_temperature"),
    4103: Measurement("soil_moisture", "%", "soil_moisture"),
    4104: Measurement("wind_direction", "°", "wind_direction"),
    4105: Measurement("wind_speed", "m/s", "wind_speed"),
    4106: Measurement("ph", "pH", "soil_ph"),
    4107: Measurement("light_quantum", "umol/m2s", "par"),
    4108: Measurement("electrical_conductivity", "dS/m", "soil_conductivity", 1000.0),
    4113: Measurement("rainfall_hourly", "mm/hour", "rainfall_rate"),
    4190: Measurement("uv_index", "", "uv_index"),
    4191: Measurement("peak_wind_gust", "m/s", "wind_gust"),
}
"""Measurement IDs of the S210x/S2120 family; other IDs decode to `measurement_<id>` fields."""

BATTERY_ID = 0x0007
VERSION_ID = 0x0000
REMOVED_ID = 0x0120
SENSOR_EUI_LOW, SENSOR_EUI_HIGH = 0x0002, 0x0003
ERROR_THRESHOLD = 2_000_000
ERROR_NAMES: Mapping[int, str] = {2_000_001: "NO_SENSOR_RESPONSE"}
PACKET = 7


def crc16_kermit(data: bytes) -> int:
    """CRC-16/KERMIT of `data`: polynomial 0x1021 reflected (0x8408), initial value 0."""
    crc = 0
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0x8408 if crc & 1 else crc >> 1
    return crc


def _version(raw: int) -> str:
    return f"{raw >> 8}.{raw & 0xFF}"


def _key(name: str, channel: int) -> str:
    return name if channel == 1 else f"{name}_{channel}"


def decode(payload: bytes, measurement_ids: frozenset[int]) -> Decoded:
    """Decode one S210x uplink; readings only for the model's own `measurement_ids`.

    Raises:
        PayloadLengthError: a length that is not whole packets plus the CRC.
    """
    if len(payload) < PACKET + 2 or (len(payload) - 2) % PACKET:
        raise PayloadLengthError(expected="7 * n + 2 (n >= 1)", got=len(payload))
    body = payload[:-2]
    warnings: list[str] = []
    if crc16_kermit(body) != bits.u16le(payload, len(body)):
        warnings.append("CRC-16 does not match the packets; decoded anyway")
    fields: dict[str, Any] = {"err": 0}
    measurements: list[dict[str, Any]] = []
    readings: list[Reading] = []
    eui: dict[int, bytes] = {}
    for offset in range(0, len(body), PACKET):
        channel = body[offset]
        ident = bits.u16le(body, offset + 1)
        data = body[offset + 3 : offset + PACKET]
        if channel == 0 and ident == BATTERY_ID:
            fields["battery"] = bits.u16le(data, 0)
            fields["interval"] = bits.u16le(data, 2) * 60
            continue
        if channel == 0 and ident == VERSION_ID:
            fields["software_version"] = _version(bits.u16le(data, 0))
            fields["hardware_version"] = _version(bits.u16le(data, 2))
            continue
        if ident == REMOVED_ID:
            fields["removed_sensor_channel"] = channel
            continue
        if ident < 0x1000:  # sensor metadata packets
            if ident in (SENSOR_EUI_LOW, SENSOR_EUI_HIGH):
                eui[ident] = data[::-1]
                fields["sensor_id_channel"] = channel
            else:
                fields[_key(f"sensor_info_{ident}", channel)] = data.hex()
            continue
        raw = int.from_bytes(data, "little", signed=True)
        value: float | None = raw / 1000
        row = MEASUREMENTS.get(ident)
        name = row.name if row else f"measurement_{ident}"
        entry: dict[str, Any] = {"channel": channel, "measurementId": ident}
        if raw >= ERROR_THRESHOLD * 1000:
            code = raw // 1000
            fields["err"] = code
            fields["errMessage"] = ERROR_NAMES.get(code, f"error {code}")
            entry["errorCode"] = code
            value = None
        entry["measurementValue"] = value
        measurements.append(entry)
        fields[_key(name, channel)] = value
        if (
            value is not None
            and row is not None
            and row.quantity is not None
            and ident in measurement_ids
            and channel >= 1
        ):
            readings.append(Reading(row.quantity, value * row.factor, channel - 1))
    if eui:
        high = eui.get(SENSOR_EUI_HIGH, b"\x00" * 4)
        low = eui.get(SENSOR_EUI_LOW, b"\x00" * 4)
        fields["sensor_id"] = (high + low).hex().upper()
    if measurements:
        fields["measurements"] = measurements
    return Decoded(fields=fields, readings=tuple(readings), warnings=tuple(warnings))


def encode(readings: Sequence[Reading], measurement_ids: frozenset[int]) -> bytes:
    """Measurement packets (sensor channel = reading channel + 1) and the CRC.

    Raises:
        ValueError: a quantity none of the model's measurement IDs carries, or out of range.
    """
    by_quantity = {
        MEASUREMENTS[i].quantity: i for i in sorted(measurement_ids) if MEASUREMENTS[i].quantity
    }
    body = bytearray()
    for reading in readings:
        ident = by_quantity.get(reading.quantity)
        if ident is None:
            raise ValueError(f"this model carries no {reading.quantity}")
        row = MEASUREMENTS[ident]
        raw = round(reading.value / row.factor * 1000)
        if not -(2**31) <= raw < ERROR_THRESHOLD * 1000:
            raise ValueError(f"{reading.quantity}={reading.value} does not fit")
        body += bytes((reading.channel + 1,)) + bits.pack_uint(ident, 2, big_endian=False)
        body += bits.pack_int(raw, 4, big_endian=False)
    return bytes(body) + bits.pack_uint(crc16_kermit(bytes(body)), 2, big_endian=False)


def quantities(measurement_ids: frozenset[int]) -> frozenset[str]:
    """The canonical quantities a model's measurement IDs produce."""
    return frozenset(q for i in measurement_ids if (q := MEASUREMENTS[i].quantity) is not None)


SOURCE = (
    "Seeed SenseCAP S210X LoRaWAN Sensor User Guide, 9.2 Packet Parsing and 9.4 Battery "
    "Information (https://files.seeedstudio.com/products/114992867/); SenseCAP API List of "
    "Measurement IDs"
)


def model_spec(
    type_id: str, model: str, category: Category, measurement_ids: frozenset[int]
) -> DecoderSpec:
    """The DecoderSpec of one S210x model, whose readings are its own measurement IDs."""

    def decode_model(payload: bytes, f_port: int) -> Decoded:  # noqa: ARG001 - any port
        return decode(payload, measurement_ids)

    def encode_model(readings: Sequence[Reading]) -> tuple[int, bytes]:
        return 1, encode(readings, measurement_ids)

    return DecoderSpec(
        type_id=type_id,
        vendor="SenseCAP",
        model=model,
        category=category,
        f_ports=frozenset(),
        quantities=quantities(measurement_ids),
        source=SOURCE,
        decode=decode_model,
        encode=encode_model,
    )

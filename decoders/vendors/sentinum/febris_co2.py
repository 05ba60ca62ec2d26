"""Sentinum Febris CO2: battery-powered indoor CO2 traffic light (CO2, climate, pressure).

Sources (Sentinum GmbH, docs.sentinum.de):
* "Febris CO2 Payload Description" (https://docs.sentinum.de/en/febris-co2-payload-description)
  gives the fields, units and the alarm levels;
* "Febris CO2/TH/SCW Dataconverter" (linked from the Febris CO2 documentation,
  https://sentinum.notion.site/Febris-CO2-TH-SCW-Dataconverter-DE-51b4d8975d874ce19eb182c169774566)
  gives the byte order per firmware version. Where the two differ, the data converter is
  followed: the description's table places the dew point at bytes 9-10 ahead of pressure
  and CO2, but the converter (and real frames: 0x03CD = 973 hPa, 0x069E = 1694 ppm) put
  humidity, pressure, CO2, alarm, then a FIFO block, then the dew point.

Telemetry on fPort 1, big-endian:

    module key (2: base id << 4 | major, minor << 4 | product version) | uplink counter (1)
    | battery (2, mV) | internal temperature (2, x / 10 - 100 °C) | humidity (1, %)
    | pressure (2, hPa) | CO2 (2, ppm)   -- zeros unless product-version bit 0 is set
    | alarm (1: 0 green, 1 yellow, 2 red) | FIFO size (1) | FIFO period (1) | 7 bytes each
    | dew point: minor >= 3 two bytes x / 10 - 100 °C; minor 2 one byte x - 100 °C (absent
      when 0) | wall temperature, thermal temperature, wall humidity if product bit 2 is set
      (same widths as the dew point; humidity one byte)

Firmware of the same major version stays compatible and may append bytes, so trailing bytes
are ignored; another major version is rejected. The FIFO holds past values (an opt-in
feature whose entry layout the documents do not give), so it is skipped.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from decoders import bits
from decoders.errors import PayloadLengthError, ReservedValueError, UnknownPortError
from decoders.model import Decoded, DecoderSpec, Reading

PORT = 1
MAJOR_VERSION = 1
HEADER = 8  # module key, counter, battery, internal temperature, humidity
FIFO_ENTRY = 7
ALARM_LEVELS = {0: "GREEN", 1: "YELLOW", 2: "RED"}
CO2_BIT, WALL_BIT = 0x01, 0x04


def decode(payload: bytes, f_port: int) -> Decoded:
    """Decode one telemetry uplink."""
    if f_port != PORT:
        raise UnknownPortError(f_port)
    if len(payload) < HEADER:
        raise PayloadLengthError(expected=f"at least {HEADER}", got=len(payload))
    major, minor, product = payload[0] & 0x0F, payload[1] >> 4, payload[1] & 0x0F
    if major != MAJOR_VERSION:
        raise ReservedValueError(f"major version {major} is not the documented version 1")
    fields: dict[str, Any] = {
        "base_id": payload[0] >> 4,
        "major_version": major,
        "minor_version": minor,
        "product_version": product,
        "up_cnt": payload[2],
        "battery_voltage": bits.u16be(payload, 3) / 1000,
        "internal_temperature": _temperature16(payload, 5),
        "humidity": payload[7],
    }
    at = HEADER
    if product & CO2_BIT:
        fields["pressure"] = bits.u16be(payload, at)
        fields["co2_ppm"] = bits.u16be(payload, at + 2)
    at += 4
    alarm = bits.u8(payload, at)
    if alarm not in ALARM_LEVELS:
        raise ReservedValueError(f"alarm level {alarm} is not 0, 1 or 2")
    fields["alarm"] = alarm
    fields["alarm_level"] = ALARM_LEVELS[alarm]
    fifo_size = bits.u8(payload, at + 1)
    at += 3 + fifo_size * FIFO_ENTRY
    if at > len(payload):
        raise PayloadLengthError(expected=f"{at} with {fifo_size} FIFO entries", got=len(payload))
    if minor >= 3:
        fields["dew_point"] = _temperature16(payload, at)
        at += 2
    elif minor == 2 and at < len(payload) and payload[at]:
        fields["dew_point"] = payload[at] - 100
        at += 1
    if product & WALL_BIT:
        at = _wall(payload, at, minor, fields)
    return Decoded(fields=fields, readings=_readings(fields))


def _temperature16(payload: bytes, at: int) -> float:
    return (bits.u16be(payload, at) - 1000) / 10  # x / 10 - 100 without float drift


def _wall(payload: bytes, at: int, minor: int, fields: dict[str, Any]) -> int:
    if minor >= 3:
        fields["wall_temperature"] = _temperature16(payload, at)
        fields["therm_temperature"] = _temperature16(payload, at + 2)
        at += 4
    else:
        fields["wall_temperature"] = bits.u8(payload, at) - 100
        fields["therm_temperature"] = bits.u8(payload, at + 1) - 100
        at += 2
    fields["wall_humidity"] = bits.u8(payload, at)
    return at + 1


_READINGS = (
    ("battery_voltage", "battery_voltage"),
    ("internal_temperature", "air_temperature"),
    ("humidity", "relative_humidity"),
    ("pressure", "air_pressure"),
    ("co2_ppm", "co2"),
    ("dew_point", "dew_point"),
    ("wall_temperature", "surface_temperature"),
)


def _readings(fields: dict[str, Any]) -> tuple[Reading, ...]:
    return tuple(
        Reading(quantity, float(fields[name])) for name, quantity in _READINGS if name in fields
    )


# what the simulator's frames carry: every reading but the optional wall temperature
ENCODED = frozenset(
    {"battery_voltage", "air_temperature", "relative_humidity", "air_pressure", "co2", "dew_point"}
)


def encode(readings: Sequence[Reading]) -> tuple[int, bytes]:
    """Build a minor-version-3 CO2 uplink that decodes to `readings` (for the simulator).

    Raises:
        ValueError: a missing or unsupported reading, or a value that does not fit.
    """
    values = {r.quantity: r.value for r in readings}
    needed = ENCODED
    if set(values) != needed:
        raise ValueError(f"Febris CO2 carries exactly {sorted(needed)}, got {sorted(values)}")
    co2 = round(values["co2"])
    alarm = 0 if co2 < 1000 else 1 if co2 < 2000 else 2
    payload = (
        bytes((0x11, 0x31, 0))  # base id 1, major 1, minor 3, product 1 (CO2), counter 0
        + bits.pack_uint(round(values["battery_voltage"] * 1000), 2)
        + bits.pack_uint(round(values["air_temperature"] * 10) + 1000, 2)
        + bits.pack_uint(round(values["relative_humidity"]), 1)
        + bits.pack_uint(round(values["air_pressure"]), 2)
        + bits.pack_uint(co2, 2)
        + bytes((alarm, 0, 0))  # no FIFO entries, period 0
        + bits.pack_uint(round(values["dew_point"] * 10) + 1000, 2)
    )
    return PORT, payload


SPEC = DecoderSpec(
    type_id="sentinum/febris-co2",
    vendor="Sentinum",
    model="Febris CO2",
    category="smart_city",
    f_ports=frozenset({PORT}),
    quantities=ENCODED | {"surface_temperature"},
    source=(
        "Sentinum Febris CO2 Payload Description "
        "(https://docs.sentinum.de/en/febris-co2-payload-description) and Febris CO2/TH/SCW "
        "Dataconverter (https://sentinum.notion.site/"
        "Febris-CO2-TH-SCW-Dataconverter-DE-51b4d8975d874ce19eb182c169774566)"
    ),
    decode=decode,
    encode=encode,
)

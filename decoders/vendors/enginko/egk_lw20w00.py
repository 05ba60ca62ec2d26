"""enginko EGK-LW20W00 ultrasonic waste-bin level sensor (EGK-LW20Wxx family).

What we read: enginko's "Data frame format" (Rev. 1.34, enginko support wiki), whose
product table lists for EGK-LW20Wxx the chapters 1.1 TIME SYNC REQUEST and 1.14 LEVEL
MEASUREMENT; the chapter texts were not available to us beyond that table, so the byte
layout below was taken from enginko's own level decoder published in the TTN device
repository (vendor/enginko/decoder-level.js, the layout only; no code taken) and checked
against the two shared akenza vectors. All multi-byte values are little-endian.

* 0x01 time sync request (fPort 2): sync id (4 bytes, hex), sync version (3 bytes,
  "xx.yy.zz"), application type (2 bytes, hex) and RFU, kept as the hex strings enginko's
  decoder shows.
* 0x14 level measurement: byte 1 selects the variant (0 distance only; 1 + fill level and
  temperature; 2 + temperature, humidity and pressure; 3 all of them), bytes 2-5 the
  device's date (seconds/2:5, minutes:6, hours:5, day:5, month:4, year-2000:7 bits from the
  least significant bit), bytes 6-7 ADC (mV), bytes 8-9 not interpreted, bytes 10-11 the
  distance (mm; above 60000 a measurement error), then per variant fill level (1 byte, %),
  temperature (int16, 0.01 °C), humidity (1 byte, 0.5 %), pressure (uint24, 0.01 hPa), and
  the battery level (1 byte, %) when one byte is left.

The date is the device clock (set by time sync), so it stays a field; readings take the
receive time.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from decoders import bits
from decoders.errors import DecodeError, PayloadLengthError
from decoders.model import Decoded, DecoderSpec, Reading

TIME_SYNC, LEVEL = 0x01, 0x14
DISTANCE_ERROR_ABOVE = 60000
PORT = 2  # enginko's uplink port; decode() accepts any port


def _date(raw: int) -> str:
    second = (raw & 0x1F) * 2
    minute = (raw >> 5) & 0x3F
    hour = (raw >> 11) & 0x1F
    day = (raw >> 16) & 0x1F
    month = (raw >> 21) & 0x0F
    year = 2000 + ((raw >> 25) & 0x7F)
    return f"{year:04d}-{month:02d}-{day:02d}T{hour:02d}:{minute:02d}:{second:02d}"


def _time_sync(payload: bytes) -> Decoded:
    if len(payload) < 10:
        raise PayloadLengthError(expected="at least 10", got=len(payload))
    text = payload.hex()
    fields = {
        "syncID": text[2:10],
        "syncVersion": f"{text[10:12]}.{text[12:14]}.{text[14:16]}",
        "applicationType": text[16:20],
        "rfu": text[20:],
    }
    return Decoded(fields=fields)


def _level(payload: bytes) -> Decoded:
    variant = payload[1]
    if variant > 3:
        raise DecodeError(f"level measurement variant {variant} is not documented")
    need = 12 + {0: 0, 1: 3, 2: 6, 3: 7}[variant]
    if len(payload) not in (need, need + 1):
        raise PayloadLengthError(expected=f"{need} or {need + 1}", got=len(payload))
    fields: dict[str, Any] = {
        "type": variant,
        "date": _date(int.from_bytes(payload[2:6], "little")),
        "ADC": bits.u16le(payload, 6),
    }
    readings: list[Reading] = []
    warnings: list[str] = []
    distance = bits.u16le(payload, 10)
    if distance > DISTANCE_ERROR_ABOVE:
        fields["distance1"] = f"distance error [{distance}]"
        warnings.append(f"distance {distance}: measurement error")
    else:
        fields["distance1"] = distance
        readings.append(Reading("distance", float(distance)))
    offset = 12
    if variant in (1, 3):
        fields["fillLevel"] = payload[offset]
        readings.append(Reading("fill_level", float(payload[offset])))
        offset += 1
    if variant:
        temperature = bits.s16le(payload, offset) / 100
        fields["temperature"] = temperature
        readings.append(Reading("air_temperature", temperature))
        offset += 2
    if variant in (2, 3):
        humidity = payload[offset] / 2
        pressure = int.from_bytes(payload[offset + 1 : offset + 4], "little") / 100
        fields |= {"humidity": humidity, "pressure": pressure}
        readings += [Reading("relative_humidity", humidity), Reading("air_pressure", pressure)]
        offset += 4
    if offset < len(payload):
        fields["battery"] = payload[offset]
        readings.append(Reading("battery_level", float(payload[offset])))
    return Decoded(fields=fields, readings=tuple(readings), warnings=tuple(warnings))


def decode(payload: bytes, f_port: int) -> Decoded:  # noqa: ARG001 - frames carry their type
    """Decode one time-sync or level-measurement frame."""
    if not payload:
        raise PayloadLengthError(expected="at least 1", got=0)
    if payload[0] == TIME_SYNC:
        return _time_sync(payload)
    if payload[0] == LEVEL:
        if len(payload) < 2:
            raise PayloadLengthError(expected="at least 12", got=len(payload))
        return _level(payload)
    raise DecodeError(f"frame type 0x{payload[0]:02x} is not one the EGK-LW20W00 sends")


def encode(readings: Sequence[Reading]) -> tuple[int, bytes]:
    """A variant-1 level frame (distance, fill level, temperature, battery), dated 2024-01-01.

    Raises:
        ValueError: a missing or unsupported reading, or a value out of range.
    """
    values = {r.quantity: r.value for r in readings}
    needed = {"distance", "fill_level", "air_temperature", "battery_level"}
    if set(values) != needed:
        raise ValueError(f"EGK-LW20W00 encode carries exactly {sorted(needed)}")
    distance = round(values["distance"])
    if not 0 <= distance <= DISTANCE_ERROR_ABOVE:
        raise ValueError(f"distance {distance} mm out of range")
    date = (24 << 25) | (1 << 21) | (1 << 16)
    return PORT, (
        bytes((LEVEL, 1))
        + date.to_bytes(4, "little")
        + bytes(4)
        + distance.to_bytes(2, "little")
        + bits.pack_uint(round(values["fill_level"]), 1)
        + bits.pack_int(round(values["air_temperature"] * 100), 2, big_endian=False)
        + bits.pack_uint(round(values["battery_level"]), 1)
    )


SPEC = DecoderSpec(
    type_id="enginko/egk-lw20w00",
    vendor="enginko",
    model="EGK-LW20W00 waste bin level sensor",
    category="smart_city",
    f_ports=frozenset(),
    quantities=frozenset(
        {
            "distance",
            "fill_level",
            "air_temperature",
            "relative_humidity",
            "air_pressure",
            "battery_level",
        }
    ),
    source="enginko Data frame format Rev. 1.34 (1.1 time sync, 1.14 level measurement), "
    "http://www.enginko.com/support/doku.php?id=data_frame_format; byte layout from enginko's "
    "decoder-level.js in the TTN device repository",
    decode=decode,
    encode=encode,
)

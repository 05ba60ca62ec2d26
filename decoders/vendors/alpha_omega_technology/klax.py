"""Alpha-Omega Technology KLAX (v1 and 2.0): optical (IR) reader for electricity meters.

What we read: the KLAX uplink documentation as reproduced in the Tesenso device library
("KLAX V2", uplink ports 3, 100, 101, 103, 104: the two header bytes, message index and
message x/y, register search and register set layouts, with its worked example
`0445C011010800010802`), and the field list of the app payloads in the TTN-KLAX decoder
wiki ("Applikationsdaten": historic, filter, now, server ID, device ID payloads). Byte
positions inside the app payloads were checked against the TTN device repository's
example (vendor/alpha-omega-technology/klax-codec.yaml) and the shared akenza vectors;
no codec code was taken. MODBUS KLAX payloads (types 4-7, port 105) are not decoded.

Every uplink starts with the same two header bytes:

* byte 0 "Payload Version / Device Type": bits 7-2 payload version, bits 1-0 device type
  (0 SML Klax, 1 MODBUS Klax);
* byte 1 "Status": bits 0-2 battery (0-5, in 20 % steps), bits 3-5 reading mode (SML,
  IEC 62056-21 mode B/C normal or battery, Logarex, eBZ, Tritschler VC3), bit 6 registers
  configured, bit 7 connection test. Payload version 0 (firmware <= 0.4) used bits 0-3 for
  the battery in 10 % steps and bits 4-5 for the mode.

fPort 3 (app data) then carries the message index, message number/total (4 bits each) and
a sequence of typed payloads:

* 1 "filter" (version >= 1, 18 bytes): bit 0 active, bits 1-2 filter id, bits 4-7 unit;
  bits 0-3 of the next byte flag which of the four values is valid; four IEEE-754 float32
  big-endian values, newest first (the TTN example's energy readings fall from first to
  last);
* 1 "historic" (version 0, 34 bytes): two registers with active/filter/valid bits and a
  unit nibble each, then four int32 values per register;
* 2 "now" (19 bytes): set and valid bits for the four filters, their unit nibbles, one
  value each (float32; int32 in version 0);
* 3 "server ID" (10 bytes, the meter's SML server id), 8 "device ID" (uint32).

fPort 100 configuration (measurement interval, minutes), 101 info (app version), 103
register search (OBIS ids found, 3 bytes each), 104 register set (active-filter bits and
the four configured OBIS ids).

Readings: the newest valid value of each register in a unit the vocabulary has (Wh as
`energy` in kWh, W `power`, V `voltage`, A `current`, Hz `frequency`), with the filter id as
channel; the battery percentage as `battery_level`. The app payload does not say which OBIS
register a filter holds (the register set uplink does), so channel 0 is whatever filter 0
was configured to read (by default 1.8.0, imported energy).
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from typing import Any

from decoders import bits
from decoders.errors import DecodeError, PayloadLengthError, UnknownPortError
from decoders.model import Decoded, DecoderSpec, Reading

APP_PORT, CONFIG_PORT, INFO_PORT, SEARCH_PORT, SET_PORT = 3, 100, 101, 103, 104
DEVICE_TYPES = ("SML Klax", "MODBUS Klax")
METER_TYPES = ("SML", "IEC 62056-21 Mode B", "IEC 62056-21 Mode C", "Logarex", "eBZ",
               "Tritschler VC3")  # fmt: skip
UNITS = ("NDEF", "Wh", "W", "V", "A", "Hz", "varh", "var", "VAh", "VA")
# unit -> (quantity, factor to the canonical unit)
QUANTITY_OF_UNIT = {
    "Wh": ("energy", 1e-3),
    "W": ("power", 1.0),
    "V": ("voltage", 1.0),
    "A": ("current", 1.0),
    "Hz": ("frequency", 1.0),
}
_F32 = struct.Struct(">f")


def _unit(nibble: int) -> str | None:
    return UNITS[nibble] if nibble < len(UNITS) else None


def _header(payload: bytes) -> dict[str, Any]:
    first, status = payload[0], payload[1]
    version = first >> 2
    if version > 0:
        battery, mode = (status & 0x07) * 20, (status >> 3) & 0x07
    else:
        battery, mode = (status & 0x0F) * 10, (status >> 4) & 0x03
    device_type = first & 0x03
    return {
        "payloadVersionDeviceType": first,
        "status": status,
        "version": version,
        "deviceType": DEVICE_TYPES[device_type] if device_type < 2 else f"unknown {device_type}",
        "batteryPerc": battery,
        "meterType": METER_TYPES[mode] if mode < len(METER_TYPES) else f"unknown {mode}",
        "configured": bool(status & 0x40),
        "connTest": bool(status & 0x80),
    }


def _msg_info(payload: bytes) -> dict[str, int]:
    return {"msgIdx": payload[2], "msgCnt": payload[3] & 0x0F, "msgNum": payload[3] >> 4}


def _values(chunk: bytes, *, as_float: bool) -> list[float]:
    if as_float:
        return [float(_F32.unpack_from(chunk, i)[0]) for i in range(0, len(chunk) - 3, 4)]
    return [float(bits.s32be(chunk, i)) for i in range(0, len(chunk) - 3, 4)]


def _filter(chunk: bytes) -> dict[str, Any]:
    valid = chunk[1] & 0x0F
    values = _values(chunk[2:18], as_float=True)
    return {
        "type": "filter",
        "register": {
            "filterActive": bool(chunk[0] & 0x01),
            "filterId": (chunk[0] >> 1) & 0x03,
            "unit": _unit(chunk[0] >> 4),
            "values": [{"value": v, "valid": bool(valid & (1 << i))} for i, v in enumerate(values)],
        },
    }


def _historic(chunk: bytes) -> dict[str, Any]:
    mask, units = chunk[0], chunk[1]
    registers = []
    for index in range(2):
        flags = mask >> (4 * index)
        if not flags & 0x01:
            continue
        values = _values(chunk[2 + 16 * index : 18 + 16 * index], as_float=False)
        valid = bool(flags & 0x08) or any(v != 0 for v in values)
        registers.append(
            {
                "filterId": (flags >> 1) & 0x03,
                "unit": _unit((units >> (4 * index)) & 0x0F),
                "dataValid": valid,
                "values": values,
            }
        )
    return {"type": "historic", "registers": registers}


def _now(chunk: bytes, *, as_float: bool) -> dict[str, Any]:
    values = _values(chunk[3:19], as_float=as_float)
    registers = []
    for index, value in enumerate(values):
        unit_byte = chunk[1 if index < 2 else 2]
        registers.append(
            {
                "filterId": index,
                "filterSet": bool(chunk[0] & (1 << index)),
                "filterValid": bool(chunk[0] & (1 << (index + 4))),
                "unit": _unit((unit_byte >> (4 * (index % 2))) & 0x0F),
                "value": value,
            }
        )
    return {"type": "now", "registers": registers}


def _app(payload: bytes, version: int) -> tuple[list[dict[str, Any]], list[str]]:
    """The typed payloads after the 4-byte app header; unknown types end the walk."""
    items: list[dict[str, Any]] = []
    warnings: list[str] = []
    offset = 4
    while offset < len(payload):
        kind = payload[offset]
        if not any(payload[offset:]):
            break  # zero padding after the last payload
        lengths = {1: 34 if version == 0 else 18, 2: 19, 3: 10, 8: 4}
        if kind not in lengths:
            warnings.append(f"payload type {kind} at byte {offset} not decoded (MODBUS/unknown)")
            break
        chunk = payload[offset + 1 : offset + 1 + lengths[kind]]
        if len(chunk) != lengths[kind]:
            raise PayloadLengthError(expected=f"{lengths[kind]} bytes for type {kind}",
                                     got=len(chunk))  # fmt: skip
        if kind == 1:
            items.append(_historic(chunk) if version == 0 else _filter(chunk))
        elif kind == 2:
            items.append(_now(chunk, as_float=version > 0))
        elif kind == 3:
            items.append({"type": "serverID", "id": chunk.hex()})
        else:
            items.append({"type": "deviceID", "id": bits.u32be(chunk, 0)})
        offset += 1 + lengths[kind]
    return items, warnings


def _readings(items: list[dict[str, Any]]) -> list[Reading]:
    """The newest valid value per (quantity, filter), first payload wins."""
    found: dict[tuple[str, int], float] = {}
    for item in items:
        candidates: list[tuple[str | None, int, float | None]] = []
        if item["type"] == "filter":
            register = item["register"]
            newest = next((v["value"] for v in register["values"] if v["valid"]), None)
            candidates.append((register["unit"], register["filterId"], newest))
        elif item["type"] == "historic":
            for register in item["registers"]:
                newest = register["values"][0] if register["dataValid"] else None
                candidates.append((register["unit"], register["filterId"], newest))
        elif item["type"] == "now":
            for register in item["registers"]:
                ok = register["filterSet"] and register["filterValid"]
                candidates.append((register["unit"], register["filterId"],
                                   register["value"] if ok else None))  # fmt: skip
        for unit, channel, value in candidates:
            if unit not in QUANTITY_OF_UNIT or value is None or value != value:  # NaN
                continue
            quantity, factor = QUANTITY_OF_UNIT[unit]
            found.setdefault((quantity, channel), value * factor)
    return [Reading(q, v, channel) for (q, channel), v in found.items()]


def _obis(chunk: bytes) -> str:
    return f"{chunk[0]}.{chunk[1]}.{chunk[2]}"


def decode(payload: bytes, f_port: int) -> Decoded:
    """Decode one KLAX uplink (ports 3, 100, 101, 103, 104)."""
    if f_port not in (APP_PORT, CONFIG_PORT, INFO_PORT, SEARCH_PORT, SET_PORT):
        raise UnknownPortError(f_port)
    minimum = 15 if f_port == SET_PORT else 4
    if len(payload) < minimum:
        raise PayloadLengthError(expected=f"at least {minimum}", got=len(payload))
    header = _header(payload)
    fields: dict[str, Any] = {"header": header}
    readings: list[Reading] = [Reading("battery_level", float(header["batteryPerc"]))]
    warnings: list[str] = []
    if header["batteryPerc"] > 100:
        raise DecodeError(f"battery field {header['batteryPerc']} % is out of range")
    if f_port == APP_PORT:
        items, warnings = _app(payload, header["version"])
        fields |= {"type": "app", "msgInfo": _msg_info(payload), "payloads": items}
        readings += _readings(items)
    elif f_port == CONFIG_PORT:
        fields |= {"type": "config", "measureIntervalMin": bits.u16be(payload, 2)}
    elif f_port == INFO_PORT:
        major, minor = payload[2], payload[3]
        fields |= {"type": "info", "appMajorVersion": major, "appMinorVersion": minor,
                   "appVersion": f"{major}.{minor}"}  # fmt: skip
    elif f_port == SEARCH_PORT:
        found = [_obis(payload[i : i + 3]) for i in range(4, len(payload) - 2, 3)]
        fields |= {"type": "registerSearch", "msgInfo": _msg_info(payload), "registers": found}
    else:
        active = payload[2] & 0x0F
        filters = [
            {"id": _obis(payload[3 + 3 * i : 6 + 3 * i]), "active": bool(active & (1 << i))}
            for i in range(4)
        ]
        fields |= {"type": "registerSet", "filters": filters}
    return Decoded(fields=fields, readings=tuple(readings), warnings=tuple(warnings))


def encode(readings: Sequence[Reading]) -> tuple[int, bytes]:
    """An fPort 3 app uplink (payload version 1, SML, configured) with one filter payload per
    energy channel 0-3, the reading as the newest of four values.

    Raises:
        ValueError: a reading this layout cannot carry, or out of range.
    """
    battery = 100.0
    energy: dict[int, float] = {}
    for reading in readings:
        if reading.quantity == "battery_level":
            battery = reading.value
        elif reading.quantity == "energy" and 0 <= reading.channel <= 3:
            energy[reading.channel] = reading.value
        else:
            raise ValueError(f"KLAX encode carries battery_level and energy#0-3, not {reading}")
    steps = round(battery / 20)
    if not 0 <= steps <= 5:
        raise ValueError(f"battery {battery} % out of range")
    out = bytearray((0x04, 0x40 | steps, 0x00, 0x11))
    for channel, kwh in sorted(energy.items()):
        if not 0 <= kwh <= 1e9:
            raise ValueError(f"energy {kwh} kWh out of range")
        value = _F32.pack(kwh * 1000)
        out += bytes((1, 0x11 | (channel << 1), 0x0F)) + value * 4
    return APP_PORT, bytes(out)


SPEC = DecoderSpec(
    type_id="alpha-omega-technology/klax",
    vendor="Alpha-Omega Technology",
    model="KLAX (SML optical reader for electricity meters)",
    category="smart_city",
    f_ports=frozenset({APP_PORT, CONFIG_PORT, INFO_PORT, SEARCH_PORT, SET_PORT}),
    quantities=frozenset({"battery_level", "energy", "power", "voltage", "current", "frequency"}),
    source="KLAX V2 uplink documentation (Tesenso device library, ports 3/100/101/103/104) "
    "and the TTN-KLAX wiki's app payload fields; https://docs.tesenso.com/tesenso-device-"
    "library/klax/klax-v2",
    decode=decode,
    encode=encode,
)

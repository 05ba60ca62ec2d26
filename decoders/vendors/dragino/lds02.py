"""Dragino LDS02: LoRaWAN door sensor (magnet contact with open counter and duration).

Source: Dragino "LDS02 - LoRaWAN Door Sensor User Manual", section 2.3 "Uplink Payload"
(https://wiki.dragino.com/xwiki/bin/view/Main/User%20Manual%20for%20LoRaWAN%20End%20Nodes/
LDS02%20-%20LoRaWAN%20Door%20Sensor%20User%20Manual/). The 10-byte uplink, big-endian:

    Status & BAT (2) | MOD (1) | Total open door events (3) | Last door open duration (3)
    | Alarm (1)

* Status & BAT: bit 15 door status (1 = open), bits 13-0 battery voltage in mV.
* MOD: working mode (1 = door sensor).
* Total open door events: 24-bit counter; last door open duration: 24-bit, in minutes.
* Alarm: bit 0, set when the door stayed open longer than the configured alarm time.

Battery: the manual's "1.2 Features" gives 2 x AAA LR03 (alkaline) cells in series, 2 x 1.5 V
= 3.0 V fresh. It states no cut-off, so the pack's 0 % is the end voltage alkaline LR03
datasheets rate their capacity to, 0.8 V per cell (Energizer E92 datasheet, "Typical
Capacity ... (to 0.8 volts)"): 1.6 V for the pair.

Working modes (byte 2, MOD): 1 door sensor (the counters above are door openings), 2 water
leak sensor (bit 14 of the first word is the leak status; the counters count leak events and
the last leak's duration, minutes), 3 door and leak status only (no counters). In EDC mode
(fPort 7) the node sends a 5-byte count frame instead: Status & BAT (2; bit 15 the contact,
"OPEN"/"CLOSE") | event count (3). MOD 2/3 and the EDC frame are laid out as Dragino's own
decoders read them (dragino-end-node-decoder LDS02 "lds01_02_Decoder_ttn_v1.5" and
"LDS02_Decoder_1.8.2"): the manual's sections on them were not in our sources.

The manual sends on fPort 10; the shared akenza reference frame arrives on fPort 2 with the
same layout, so both are accepted. Field names are Dragino's decoder output names.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from decoders import bits
from decoders.errors import PayloadLengthError, UnknownPortError
from decoders.model import BatteryPack, Decoded, DecoderSpec, Reading

EDC_PORT = 7
EDC_LENGTH = 5
PORTS = frozenset({2, 10, EDC_PORT})
BATTERY = BatteryPack(
    description="2 x AAA LR03 alkaline in series, 3.0 V",
    cutoff_v=1.6,
    full_v=3.0,
    source="Dragino LDS02 User Manual, 1.2 Features (cells); Energizer E92 datasheet (0.8 V/cell)",
)


def _edc(payload: bytes) -> Decoded:
    """The EDC-mode count frame: contact state, battery and event count."""
    if len(payload) < EDC_LENGTH:
        raise PayloadLengthError(expected=EDC_LENGTH, got=len(payload))
    status = bits.u16be(payload, 0)
    battery_v = (status & 0x3FFF) / 1000
    fields: dict[str, Any] = {
        "Node_type": "LDS02",
        "BAT_V": battery_v,
        "EDC_MODE": "OPEN" if status & 0x8000 else "CLOSE",
        "COUNT": bits.u24be(payload, 2),
    }
    readings = (
        Reading("battery_voltage", battery_v),
        Reading("door_open", float(status >> 15)),
    )
    warnings = ("trailing bytes ignored",) if len(payload) > EDC_LENGTH else ()
    return Decoded(fields=fields, readings=readings, warnings=warnings)


def decode(payload: bytes, f_port: int) -> Decoded:
    """Decode one LDS02 uplink (status frame on fPort 10/2, EDC count frame on fPort 7)."""
    if f_port not in PORTS:
        raise UnknownPortError(f_port)
    if f_port == EDC_PORT:
        return _edc(payload)
    if len(payload) != 10:
        raise PayloadLengthError(expected=10, got=len(payload))
    status = bits.u16be(payload, 0)
    battery_v = (status & 0x3FFF) / 1000
    door_open = status >> 15
    mod = payload[2]
    fields: dict[str, Any] = {"Node_type": "LDS02", "BAT_V": battery_v, "MOD": mod}
    readings = [Reading("battery_voltage", battery_v)]
    warnings: list[str] = []
    if mod == 2:
        fields["WATER_LEAK_STATUS"] = (status >> 14) & 0x01
        fields["WATER_LEAK_TIMES"] = bits.u24be(payload, 3)
        fields["LAST_WATER_LEAK_DURATION"] = bits.u24be(payload, 6)
    else:
        fields["DOOR_OPEN_STATUS"] = door_open
        readings.append(Reading("door_open", float(door_open)))
        if mod == 3:
            fields["WATER_LEAK_STATUS"] = (status >> 14) & 0x01
        else:
            fields["DOOR_OPEN_TIMES"] = bits.u24be(payload, 3)
            fields["LAST_DOOR_OPEN_DURATION"] = bits.u24be(payload, 6)
            if mod != 1:
                warnings.append(f"working mode {mod} is not documented; read as door sensor")
        fields["ALARM"] = payload[9] & 0x01
    return Decoded(fields=fields, readings=tuple(readings), warnings=tuple(warnings))


def encode(readings: Sequence[Reading]) -> tuple[int, bytes]:
    """Build the fPort 10 uplink that decodes to `readings` (for the simulator).

    Raises:
        ValueError: a reading the device does not carry, a missing one, or one out of range.
    """
    values = {r.quantity: r.value for r in readings}
    if set(values) != {"battery_voltage", "door_open"}:
        raise ValueError(f"LDS02 carries battery_voltage and door_open, got {sorted(values)}")
    battery_mv = round(values["battery_voltage"] * 1000)
    if not 0 <= battery_mv <= 0x3FFF:
        raise ValueError(f"battery {battery_mv} mV does not fit 14 bits")
    status = battery_mv | (0x8000 if round(values["door_open"]) else 0)
    return 10, bits.pack_uint(status, 2) + b"\x01" + bytes(7)


SPEC = DecoderSpec(
    type_id="dragino/lds02",
    vendor="Dragino",
    model="LDS02",
    category="smart_city",
    f_ports=PORTS,
    quantities=frozenset({"battery_voltage", "door_open"}),
    source=(
        "Dragino LDS02 LoRaWAN Door Sensor User Manual, 2.3 Uplink Payload (wiki.dragino.com); "
        "MOD 2/3 and EDC frame per Dragino's own decoder"
    ),
    decode=decode,
    encode=encode,
    battery=BATTERY,
)

"""PMX TCR radar traffic counter: vehicles/cyclists per direction and class, with speed.

Source: PMX Systems "TCR - LoRaWAN payload description" (TCR-DLI/TCR-SL). Count uplinks
arrive on one fPort per traffic class: 13 user-defined class (UDC), 14-17 classes 1-4
(e.g. bicycles, cars, vans, trucks, depending on the speed class and configuration).
10 bytes, big-endian:

    header (3) | left-to-right count (uint16) | left-to-right average speed (1, km/h)
    | right-to-left count (uint16) | right-to-left average speed (1, km/h)
    | battery voltage (1, 0.1 V)

The header is the payload id 0xA2 (counter payload V2) and the end of the measuring
interval as hour and minute; PMX reports it in "military time", hour x 100 + minute
(`interval_end`, 20:10 -> 2010). The raw header is kept too. fPort 190 carries the device
identification (payload id 0xD2): device type, feature level (licence), speed class, and
the firmware and solar-charger (SBX) versions as major.minor nibbles plus a patch byte; the
type tables come from PMX's own codec in the TTN device repository (vendor/pmx/pmx-tcr.js,
whose examples are the "vendor example" vectors). Unknown ids keep the frame raw.
Readings put left-to-right on channel 0 and right-to-left on channel 1, per class port; the
class is the port, so a device's series for one class come from one port.

There is no TTN device-repository entry for this device in the snapshot the shared vectors
were resolved against; the id `pmx/tcr` follows the repository's `vendor/model` form.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from decoders import bits
from decoders.errors import PayloadLengthError, UnknownPortError
from decoders.model import Decoded, DecoderSpec, Reading

CLASS_PORTS = {13: "udc", 14: "cat1", 15: "cat2", 16: "cat3", 17: "cat4"}
ID_PORT = 190
LENGTH = 10
DEVICE_ID = 0xD2
# fmt: off
DEVICE_TYPES = ("TCR-LS", "TCR-LSS", "TCR-HS", "TCR-HSS", "TCR-LSA", "TCR-LSB", "TCR-HSA",
                "TCR-HSB", "TCR-LSBS", "TCR-HSBS", "TCR-DLI", "TCR-DLE", "TCR-SLI", "TCR-SLE")
# fmt: on
FEATURE_LEVELS = ("BASIC", "ADVANCED", "PRO")
SPEED_CLASSES = ("P", "LS", "HS")


def _name(table: tuple[str, ...], index: int) -> str:
    return table[index] if index < len(table) else f"unknown ({index})"


def _identification(payload: bytes) -> dict[str, Any]:
    fields: dict[str, Any] = {"id_frame": payload.hex()}
    if payload[0] != DEVICE_ID or len(payload) != 8:
        return fields
    fields.update(
        typestr=_name(DEVICE_TYPES, payload[1]),
        fu_level=_name(FEATURE_LEVELS, payload[2]),
        speedclass=_name(SPEED_CLASSES, payload[3]),
        fw_version=f"{payload[4] >> 4}.{payload[4] & 0x0F}.{payload[5]}",
        sbx_version=f"{payload[6] >> 4}.{payload[6] & 0x0F}.{payload[7]}",
    )
    return fields


def decode(payload: bytes, f_port: int) -> Decoded:
    """Decode one count or identification uplink."""
    if f_port == ID_PORT:
        if not payload:
            raise PayloadLengthError(expected="at least 1", got=0)
        return Decoded(fields=_identification(payload))
    if f_port not in CLASS_PORTS:
        raise UnknownPortError(f_port)
    if len(payload) != LENGTH:
        raise PayloadLengthError(expected=LENGTH, got=len(payload))
    ltr, ltr_speed = bits.u16be(payload, 3), payload[5]
    rtl, rtl_speed = bits.u16be(payload, 6), payload[8]
    battery_v = payload[9] / 10
    fields: dict[str, Any] = {
        "traffic_class": CLASS_PORTS[f_port],
        "header": payload[:3].hex(),
        "interval_end": payload[1] * 100 + payload[2],
        "ltr_counter": ltr,
        "ltr_speed": ltr_speed,
        "rtl_counter": rtl,
        "rtl_speed": rtl_speed,
        "battery_voltage": battery_v,
    }
    readings = (
        Reading("traffic_count", float(ltr)),
        Reading("traffic_speed", float(ltr_speed)),
        Reading("traffic_count", float(rtl), 1),
        Reading("traffic_speed", float(rtl_speed), 1),
        Reading("battery_voltage", battery_v),
    )
    return Decoded(fields=fields, readings=readings)


def encode(readings: Sequence[Reading]) -> tuple[int, bytes]:
    """Build a UDC count uplink that decodes to `readings` (for the simulator).

    Raises:
        ValueError: a missing or unsupported reading, or a value out of range.
    """
    values = {(r.quantity, r.channel): r.value for r in readings}
    needed = {("traffic_count", 0), ("traffic_speed", 0), ("traffic_count", 1),
              ("traffic_speed", 1), ("battery_voltage", 0)}  # fmt: skip
    if set(values) != needed:
        raise ValueError(f"TCR carries exactly {sorted(needed)}, got {sorted(values)}")
    speeds = [round(values[("traffic_speed", c)]) for c in (0, 1)]
    battery = round(values[("battery_voltage", 0)] * 10)
    if not (all(0 <= s <= 0xFF for s in speeds) and 0 <= battery <= 0xFF):
        raise ValueError(f"TCR cannot represent {values}")
    payload = (
        b"\xa2\x14\x0a"
        + bits.pack_uint(round(values[("traffic_count", 0)]), 2)
        + bytes((speeds[0],))
        + bits.pack_uint(round(values[("traffic_count", 1)]), 2)
        + bytes((speeds[1], battery))
    )
    return 13, payload


SPEC = DecoderSpec(
    type_id="pmx/tcr",
    vendor="PMX Systems",
    model="TCR radar traffic counter",
    category="smart_city",
    f_ports=frozenset({*CLASS_PORTS, ID_PORT}),
    quantities=frozenset({"traffic_count", "traffic_speed", "battery_voltage"}),
    source="PMX Systems TCR LoRaWAN payload description (count ports 13-17, id port 190)",
    decode=decode,
    encode=encode,
)

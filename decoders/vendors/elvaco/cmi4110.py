"""Elvaco CMi4110: LoRaWAN module for Landis+Gyr UH50 / T550 (ULTRAHEAT) heat meters.

Landis+Gyr sells it as the T550's LoRaWAN radio module (the "WZU-LR" of the shared vectors):
"Landis+Gyr ULTRAHEAT T550 / ULTRACOLD T550 Technical Description", section 9.7 "Radio module
868 MHz LoRaWAN (CMi4110)" (https://manualshive.com/en/manual/landis-gyr/ultracold-t550/3514169).

Source of the layout: Elvaco "CMi4110 User's Manual" v1.3, section 6.6 "Message formats"
(https://manualshive.com/en/manual/elvaco/cmi4110/cmi4110_user-manual_2397685-14.html): one
message-type byte (0 Standard, 1 Compact, 2 JSON, 3 Scheduled - daily redundant, 4 Scheduled -
extended) followed, for the M-Bus types, by the meter's EN 13757-3 data information blocks
unchanged. Standard carries energy, volume, power, flow, forward and return temperature,
meter ID (fabrication number) and the error flags (VIF FD 17); Compact energy, meter ID and
error flags (the record lists as in the sibling CMi4130 manual's Tables 5 and 6, which code
the same fields). The record coding (EN 13757-3) is read by `decoders.mbus_records`.

The TTN device repository lists the module as `elvaco/cmi4110`; the JSON and Scheduled
types are not decoded (Scheduled packs several values behind manufacturer-specific codes).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from decoders import mbus_records
from decoders.errors import PayloadLengthError, ReservedValueError
from decoders.model import Decoded, DecoderSpec, Reading

FORMATS = {0: "STANDARD", 1: "COMPACT"}
PORT = 2  # encode() only: the shared reference frame arrived on fPort 2
J_PER_KWH = 3.6e6
FIELD_OF = {  # mbus_records name -> our field
    "energy": "energy",
    "volume": "volume",
    "power": "power",
    "volume_flow": "flow",
    "flow_temperature": "forward_temperature",
    "return_temperature": "return_temperature",
    "fabrication_number": "meter_id",
    "error_flags": "error_flags",
}
READING_OF = {
    "energy": "heat_energy",
    "volume": "water_volume",
    "power": "heat_power",
    "flow": "water_flow_rate",
    "forward_temperature": "flow_temperature",
    "return_temperature": "return_temperature",
}


def decode(payload: bytes, f_port: int) -> Decoded:  # noqa: ARG001 - the type byte decides
    """Decode one Standard or Compact message."""
    if len(payload) < 2:
        raise PayloadLengthError(
            expected="a message type and at least one record", got=len(payload)
        )
    if payload[0] not in FORMATS:
        raise ReservedValueError(f"message type {payload[0]} is not decoded (0 or 1 only)")
    fields: dict[str, Any] = {
        "message_format": payload[0],
        "message_format_name": FORMATS[payload[0]],
    }
    for record in mbus_records.parse(payload[1:]):
        if (record.function, record.storage, record.tariff) != ("instantaneous", 0, 0):
            raise ReservedValueError(f"{record.name} record is not a current value")
        if record.name not in FIELD_OF:
            raise ReservedValueError(f"{record.name} record is not part of this message type")
        name = FIELD_OF[record.name]
        if name in fields:
            raise ReservedValueError(f"{record.name} record appears twice")
        value = record.value
        if record.unit == "Wh":
            value = round(value / 1000, 6)  # kWh
        elif record.unit == "J":
            value = round(value / J_PER_KWH, 6)  # kWh
        fields[name] = value
    if len(fields) == 2:
        raise ReservedValueError("the message holds no data record")
    readings = tuple(
        Reading(quantity, float(fields[name]))
        for name, quantity in READING_OF.items()
        if name in fields
    )
    return Decoded(fields=fields, readings=readings)


def encode(readings: Sequence[Reading]) -> tuple[int, bytes]:
    """Build a Standard message in the T550's usual record coding (for the simulator).

    Energy 8-digit BCD kWh, volume 8-digit BCD 0.01 m3, power 6-digit BCD 100 W, flow 6-digit
    BCD 0.001 m3/h, temperatures 4-digit BCD 0.1 degC; meter ID 12345678, no error flags.

    Raises:
        ValueError: a missing or unsupported reading, or a value the BCD fields cannot hold.
    """
    values = {r.quantity: r.value for r in readings}
    needed = set(READING_OF.values())
    if set(values) != needed:
        raise ValueError(f"CMi4110 Standard carries exactly {sorted(needed)}, got {sorted(values)}")
    bcd = mbus_records.bcd_bytes
    payload = (
        bytes((0x00, 0x0C, 0x06))
        + bcd(round(values["heat_energy"]), 4)
        + bytes((0x0C, 0x14))
        + bcd(round(values["water_volume"] * 100), 4)
        + bytes((0x0B, 0x2D))
        + bcd(round(values["heat_power"] / 100), 3)
        + bytes((0x0B, 0x3B))
        + bcd(round(values["water_flow_rate"] * 1000), 3)
        + bytes((0x0A, 0x5A))
        + bcd(round(values["flow_temperature"] * 10), 2)
        + bytes((0x0A, 0x5E))
        + bcd(round(values["return_temperature"] * 10), 2)
        + bytes((0x0C, 0x78))
        + bcd(12345678, 4)
        + bytes((0x02, 0xFD, 0x17, 0x00, 0x00))
    )
    return PORT, payload


SPEC = DecoderSpec(
    type_id="elvaco/cmi4110",
    vendor="Elvaco",
    model="CMi4110 (Landis+Gyr T550 / UH50 LoRaWAN module)",
    category="smart_city",
    f_ports=frozenset(),
    quantities=frozenset(READING_OF.values()),
    source=(
        "Elvaco CMi4110 User's Manual v1.3, 6.6 Message formats (Standard, Compact); "
        "Landis+Gyr T550 Technical Description 9.7 (LoRaWAN module CMi4110)"
    ),
    decode=decode,
    encode=encode,
)

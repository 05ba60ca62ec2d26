"""GWF RCM-LRW10 LoRaWAN radio module for water (and gas/heat) meters.

Source: GWF "RCM-LRW10 LoRaWAN Payload Description" (protocol type 0x02, GWF Messtechnik).
The standard uplink is 18 bytes, multi-byte values little-endian (wireless M-Bus style):

    protocol type (1, 0x02) | manufacturer id (2, M-Bus manufacturer code, GWF = 0x1EE6)
    | meter id (4, BCD) | medium (1, M-Bus medium: 0x07 water, 0x06 warm water, 0x03 gas,
      0x04 heat) | status (1, M-Bus status byte) | actuality duration (2, minutes since the
      meter value was read) | VIF (1, volume unit: 0x10-0x17 = 10^(n-6) m3)
    | volume (4, signed) | additional functions (1, bit field) | battery (1)

M-Bus status byte: bits 0-1 application error (0 none, 1 busy, 2 any error, 3 abnormal),
bit 2 power low, bit 3 permanent error, bit 4 temporary error, bits 5-7 manufacturer
specific (command errors). The additional-function byte is kept raw.

Battery byte (last byte), as GWF's own codec in the TTN device repository reads it
(vendor/gwf/rcm-lrw10.js; no GWF prose description of this byte was found): bits 7-3 =
remaining battery lifetime in semesters, bit 2 = LoRa link error; the raw byte is kept too.
`battery_lifetime_months` is the semesters x 6. akenza's library reads the same five bits in
reverse order (0xE8 gives 23 semesters, 138 months, where GWF's rule gives 29 and 174).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from decoders import bits
from decoders.errors import PayloadLengthError, ReservedValueError
from decoders.model import Decoded, DecoderSpec, Reading

PROTOCOL_TYPE = 0x02
LENGTH = 18
PORT = 1  # encode() only; the layout is not port-dependent
MEDIA = {0x03: "GAS", 0x04: "HEAT", 0x06: "WARM_WATER", 0x07: "WATER"}
APP_ERRORS = {0: "NO_ERROR", 1: "BUSY", 2: "ANY_ERROR", 3: "ABNORMAL"}


def decode(payload: bytes, f_port: int) -> Decoded:  # noqa: ARG001 - the layout ignores the port
    """Decode one standard RCM-LRW10 uplink."""
    if len(payload) != LENGTH:
        raise PayloadLengthError(expected=LENGTH, got=len(payload))
    if payload[0] != PROTOCOL_TYPE:
        raise ReservedValueError(f"protocol type 0x{payload[0]:02X} is not 0x02")
    meter_bcd = payload[3:7][::-1].hex()
    if not meter_bcd.isdigit():
        raise ReservedValueError(f"meter id {meter_bcd} is not BCD")
    vif = payload[11]
    if not 0x10 <= vif <= 0x17:
        raise ReservedValueError(f"VIF 0x{vif:02X} is not a volume unit")
    volume_m3 = bits.s32be(payload[12:16][::-1], 0) * 10.0 ** ((vif & 0x07) - 6)
    volume_m3 = round(volume_m3, 6)
    status = payload[8]
    fields: dict[str, Any] = {
        "protocol_type": payload[0],
        "manufacturer_id": bits.u16le(payload, 1),
        "meter_id": int(meter_bcd),
        "meter_medium": payload[7],
        "meter_medium_name": MEDIA.get(payload[7], "OTHER"),
        "status": status,
        "app_error": APP_ERRORS[status & 0x03],
        "battery_power_low": bool(status & 0x04),
        "permanent_error": bool(status & 0x08),
        "temporary_error": bool(status & 0x10),
        "actuality_duration": bits.u16le(payload, 9),
        "vif": vif,
        "volume": volume_m3,
        "additional_functions": payload[16],
        "battery": payload[17],
        "battery_lifetime_semesters": payload[17] >> 3,
        "battery_lifetime_months": (payload[17] >> 3) * 6,
        "link_error": bool(payload[17] & 0x04),
    }
    return Decoded(fields=fields, readings=(Reading("water_volume", volume_m3),))


def encode(readings: Sequence[Reading]) -> tuple[int, bytes]:
    """Build a water-meter uplink (litre resolution) that decodes to `readings`.

    Raises:
        ValueError: anything but one water_volume reading that fits the counter.
    """
    values = {r.quantity: r.value for r in readings}
    if set(values) != {"water_volume"}:
        raise ValueError(f"RCM-LRW10 carries one water_volume, got {sorted(values)}")
    litres = round(values["water_volume"] * 1000)
    payload = (
        bytes((PROTOCOL_TYPE, 0xE6, 0x1E, 0x78, 0x56, 0x34, 0x12, 0x07, 0x00, 0x00, 0x00, 0x13))
        + bits.pack_int(litres, 4, big_endian=False)
        + b"\x00\x00"
    )
    return PORT, payload


SPEC = DecoderSpec(
    type_id="gwf/rcm-lrw10",
    vendor="GWF",
    model="RCM-LRW10",
    category="smart_city",
    f_ports=frozenset(),
    quantities=frozenset({"water_volume"}),
    source="GWF RCM-LRW10 LoRaWAN payload description, protocol type 0x02",
    decode=decode,
    encode=encode,
)

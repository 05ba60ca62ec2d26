"""ESP32 Paxcounter (open source): counts Wi-Fi and Bluetooth devices nearby (people flow).

Source: cyberman54 "ESP32-Paxcounter" README, "Payload format" (plain format, the default):
counts on fPort 1, big-endian:

    Wi-Fi devices (uint16) | BLE devices (uint16)
    [| latitude (int32, 1e-6 °) | longitude (int32, 1e-6 °) | satellites (uint8)
       | HDOP (uint16, 0.01) | altitude (int16, m)]   -- when a GPS is fitted

Readings: people_count channel 0 = Wi-Fi devices, channel 1 = BLE devices (the device
counts phones and wearables, a proxy for people).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from decoders import bits
from decoders.errors import PayloadLengthError, UnknownPortError
from decoders.model import Decoded, DecoderSpec, Reading

PORT = 1


def decode(payload: bytes, f_port: int) -> Decoded:
    """Decode one count uplink (with or without GPS)."""
    if f_port != PORT:
        raise UnknownPortError(f_port)
    if len(payload) not in (4, 17):
        raise PayloadLengthError(expected="4 or 17", got=len(payload))
    wifi, ble = bits.u16be(payload, 0), bits.u16be(payload, 2)
    fields: dict[str, Any] = {"wifi": wifi, "ble": ble, "pax": wifi + ble}
    readings = [Reading("people_count", float(wifi)), Reading("people_count", float(ble), 1)]
    if len(payload) == 17:
        latitude = bits.s32be(payload, 4) / 1e6
        longitude = bits.s32be(payload, 8) / 1e6
        fields.update(
            latitude=latitude,
            longitude=longitude,
            sats=payload[12],
            hdop=bits.u16be(payload, 13) / 100,
            altitude=bits.s16be(payload, 15),
        )
        readings += [Reading("latitude", latitude), Reading("longitude", longitude)]
    return Decoded(fields=fields, readings=tuple(readings))


def encode(readings: Sequence[Reading]) -> tuple[int, bytes]:
    """Build a plain count uplink (no GPS) that decodes to `readings` (for the simulator).

    Raises:
        ValueError: anything but people_count on channels 0 and 1 within uint16.
    """
    values = {(r.quantity, r.channel): r.value for r in readings}
    if set(values) != {("people_count", 0), ("people_count", 1)}:
        raise ValueError(f"paxcounter encodes people_count channels 0 and 1, got {sorted(values)}")
    wifi, ble = round(values[("people_count", 0)]), round(values[("people_count", 1)])
    return PORT, bits.pack_uint(wifi, 2) + bits.pack_uint(ble, 2)


SPEC = DecoderSpec(
    type_id="opensource/esp32-paxcounter",
    vendor="Open source (cyberman54)",
    model="ESP32-Paxcounter",
    category="smart_city",
    f_ports=frozenset({PORT}),
    quantities=frozenset({"people_count", "latitude", "longitude"}),
    source="ESP32-Paxcounter README, Payload format (plain), https://github.com/cyberman54/ESP32-Paxcounter",
    decode=decode,
    encode=encode,
)

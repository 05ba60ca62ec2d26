"""Dragino DDS20-LB: LoRaWAN ultrasonic liquid level sensor (mounted under a tank).

Source: Dragino "DDS20-LB/LS -- LoRaWAN Ultrasonic Liquid Level Sensor User Manual",
sections 2.3.1 "Device Status, FPORT=5" and 2.3.2 "Uplink Payload, FPORT=2"
(https://wiki.dragino.com/xwiki/bin/view/Main/User%20Manual%20for%20LoRaWAN%20End%20Nodes/
DDS20-LB%20--%20LoRaWAN%20Ultrasonic%20liquid%20level%20Sensor%20User%20Manual/).

* fPort 2, 8 bytes: the LDDS75 layout (`ldds75.py`): BAT mV, distance mm (liquid height
  seen from below; 0 = no echo), interrupt flag, DS18B20 temperature int16 / 10 °C (327.6,
  0x0CCC, when no probe is fitted), sensor flag.
* fPort 5, 7 bytes, the device status sent after joining: sensor model (1; 0x29 is the
  DDS20-LB), firmware version (2; 0x0110 is "1.1.0"), frequency band (1; 0x01 EU868, ...),
  sub-band (1; 0x00 when the band has none), BAT (2, mV; field `Bat` as on fPort 2).

Field names are Dragino's decoder output names.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from decoders import bits
from decoders.errors import PayloadLengthError, UnknownPortError
from decoders.model import Decoded, DecoderSpec, Reading
from decoders.vendors.dragino import ldds75

PORTS = frozenset({2, 5})
BANDS = {
    0x01: "EU868",
    0x02: "US915",
    0x03: "IN865",
    0x04: "AU915",
    0x05: "KZ865",
    0x06: "RU864",
    0x07: "AS923",
    0x08: "AS923-1",
    0x09: "AS923-2",
    0x0A: "AS923-3",
    0x0B: "CN470",
    0x0C: "EU433",
    0x0D: "KR920",
    0x0E: "MA869",
}
MODELS = {0x29: "DDS20-LB"}


def _status(payload: bytes) -> Decoded:
    if len(payload) != 7:
        raise PayloadLengthError(expected=7, got=len(payload))
    version = f"{bits.u16be(payload, 1):03x}"
    battery_v = bits.u16be(payload, 5) / 1000
    fields: dict[str, Any] = {
        "SENSOR_MODEL": MODELS.get(payload[0], f"0x{payload[0]:02x}"),
        "FIRMWARE_VERSION": ".".join(version),
        "FREQUENCY_BAND": BANDS.get(payload[3], f"0x{payload[3]:02x}"),
        "SUB_BAND": payload[4],
        "Bat": battery_v,
    }
    return Decoded(fields=fields, readings=(Reading("battery_voltage", battery_v),))


def decode(payload: bytes, f_port: int) -> Decoded:
    """Decode one DDS20-LB uplink (measurement on fPort 2, device status on fPort 5)."""
    if f_port == 5:
        return _status(payload)
    if f_port != 2:
        raise UnknownPortError(f_port)
    fields, readings = ldds75.decode_distance_frame(payload)
    return Decoded(fields=fields, readings=tuple(readings))


def encode(readings: Sequence[Reading]) -> tuple[int, bytes]:
    """Build the fPort 2 uplink that decodes to `readings` (for the simulator)."""
    return 2, ldds75.encode_distance_frame(readings)


SPEC = DecoderSpec(
    type_id="dragino/dds20-lb",
    vendor="Dragino",
    model="DDS20-LB",
    category="agriculture",
    f_ports=PORTS,
    quantities=frozenset({"battery_voltage", "distance"}),
    source=(
        "Dragino DDS20-LB/LS LoRaWAN Ultrasonic Liquid Level Sensor User Manual, 2.3 Uplink "
        "Payload (wiki.dragino.com)"
    ),
    decode=decode,
    encode=encode,
)

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
  sub-band (1; 0xFF, left out, when the band has none), BAT (2, mV; field `Bat` as on
  fPort 2): the frame every Dragino node shares, decoded by `probe.decode_status`.

Field names are Dragino's decoder output names.
"""

from __future__ import annotations

from collections.abc import Sequence

from decoders.errors import UnknownPortError
from decoders.model import Decoded, DecoderSpec, Reading
from decoders.vendors.dragino import ldds75, probe

PORTS = frozenset({2, 5})
MODELS = {0x29: "DDS20-LB"}


def decode(payload: bytes, f_port: int) -> Decoded:
    """Decode one DDS20-LB uplink (measurement on fPort 2, device status on fPort 5)."""
    if f_port == probe.STATUS_PORT:
        return probe.decode_status(payload, MODELS, "Bat")
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

"""Dragino LHT65N: LoRaWAN temperature and humidity sensor (successor of the LHT65).

Source: Dragino "LHT65N LoRaWAN Temperature & Humidity Sensor Manual", sections 2.4 "Uplink
Payload (Fport=2)", 2.5 "Datalog" (poll reply, FPORT=3) and "Device Status (FPORT=5)"
(https://wiki.dragino.com/xwiki/bin/view/Main/User%20Manual%20for%20LoRaWAN%20End%20Nodes/
LHT65N%20--%20LoRaWAN%20Temperature%20%26%20Humidity%20Sensor%20Manual/): the periodic uplink
and the datalog entries are the LHT65's (BAT with status bits, built-in temperature / 100 °C,
humidity / 10 %, Status & Ext, Ext value), so the layout and field names live in `lht65.py`.
fPort 5 is Dragino's shared device-status frame (`probe.decode_status`); the sensor model codes 0x0B
(LHT65N) and 0x1A (LHT65N-PIR) are the ones Dragino's own decoder (dragino-end-node-decoder,
LHT65N v1.5.6) names. The shared reference vectors have no TTN id for this model; the TTN
repository's is `dragino/lht65n`.
"""

from __future__ import annotations

from collections.abc import Sequence

from decoders.model import Decoded, DecoderSpec, Reading
from decoders.vendors.dragino import lht65, probe

PORTS = lht65.PORTS | {probe.STATUS_PORT}
MODELS = {0x0B: "LHT65N", 0x1A: "LHT65N-PIR"}


def decode(payload: bytes, f_port: int) -> Decoded:
    """Decode one LHT65N uplink (data on fPort 2, datalog on 3, device status on 5)."""
    if f_port == probe.STATUS_PORT:
        return probe.decode_status(payload, MODELS)
    return lht65.decode_frame(payload, f_port)


def encode(readings: Sequence[Reading]) -> tuple[int, bytes]:
    """Build the uplink that decodes to `readings` (for the simulator)."""
    return lht65.encode_frame(readings)


SPEC = DecoderSpec(
    type_id="dragino/lht65n",
    vendor="Dragino",
    model="LHT65N",
    category="smart_city",
    f_ports=PORTS,
    quantities=lht65.QUANTITIES,
    source=(
        "Dragino LHT65N LoRaWAN Temperature & Humidity Sensor Manual, 2.4 Uplink Payload, "
        "2.5 Datalog, Device Status FPORT=5 (wiki.dragino.com)"
    ),
    decode=decode,
    encode=encode,
)

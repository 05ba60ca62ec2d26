"""Dragino LHT65N: LoRaWAN temperature and humidity sensor (successor of the LHT65).

Source: Dragino "LHT65N LoRaWAN Temperature & Humidity Sensor Manual", section 2.4 "Uplink
Payload (Fport=2)" (https://wiki.dragino.com/xwiki/bin/view/Main/User%20Manual%20for%20LoRaWAN
%20End%20Nodes/LHT65N%20--%20LoRaWAN%20Temperature%20%26%20Humidity%20Sensor%20Manual/): the
11-byte periodic uplink is the LHT65's (BAT with status bits, built-in temperature / 100 °C,
humidity / 10 %, Ext #, Ext value), so the layout and field names live in `lht65.py`.
The shared reference vectors have no TTN id for this model; the TTN repository's is
`dragino/lht65n`.
"""

from __future__ import annotations

from collections.abc import Sequence

from decoders.model import Decoded, DecoderSpec, Reading
from decoders.vendors.dragino import lht65


def decode(payload: bytes, f_port: int) -> Decoded:
    """Decode one LHT65N uplink."""
    return lht65.decode_frame(payload, f_port)


def encode(readings: Sequence[Reading]) -> tuple[int, bytes]:
    """Build the uplink that decodes to `readings` (for the simulator)."""
    return lht65.encode_frame(readings)


SPEC = DecoderSpec(
    type_id="dragino/lht65n",
    vendor="Dragino",
    model="LHT65N",
    category="smart_city",
    f_ports=lht65.PORTS,
    quantities=lht65.QUANTITIES,
    source=(
        "Dragino LHT65N LoRaWAN Temperature & Humidity Sensor Manual, 2.4 Uplink Payload "
        "(wiki.dragino.com)"
    ),
    decode=decode,
    encode=encode,
)

"""Milesight EM300-TH: temperature and humidity sensor.

Source: Milesight "EM300 Series User Guide", section "Uplink Packets"
(https://resource.milesight.com/milesight/iot/document/em300-series-user-guide-en.pdf): the
channel format of `protocol.py` on fPort 85: 0x01 0x75 battery level (uint8, %), 0x03 0x67
temperature (int16 LE / 10, °C), 0x04 0x68 humidity (uint8 / 2, %), and the ff basic
information sent on joining (5.1 "Basic Information", `protocol.BASIC`). Firmware with data
storage replays logged records as 20 ce "Historical Data" (Milesight's EM300-TH payload
definition, SensorDecoders EM300-TH README): timestamp (uint32 s) + temperature (int16 / 10) +
humidity (uint8 / 2) + one status byte. The port carries no
meaning (the shared akenza frame arrives on fPort 1), so any port is accepted.
"""

from __future__ import annotations

from collections.abc import Sequence

from decoders.model import Decoded, DecoderSpec, Reading
from decoders.vendors.milesight_iot import protocol
from decoders.vendors.milesight_iot.protocol import Channel

TABLE: protocol.Table = {
    **protocol.BASIC,
    (0x01, 0x75): protocol.BATTERY,
    (0x03, 0x67): protocol.TEMPERATURE,
    (0x04, 0x68): protocol.HUMIDITY,
    (0x20, 0xCE): protocol.History((protocol.TEMPERATURE, protocol.HUMIDITY, Channel("status", 1))),
}


def decode(payload: bytes, f_port: int) -> Decoded:  # noqa: ARG001 - self-describing channels
    """Decode one EM300-TH uplink."""
    return protocol.decode(TABLE, payload)


def encode(readings: Sequence[Reading]) -> tuple[int, bytes]:
    """Build the fPort 85 uplink that decodes to `readings` (for the simulator)."""
    return 85, protocol.encode(TABLE, readings)


SPEC = DecoderSpec(
    type_id="milesight-iot/em300-th",
    vendor="Milesight",
    model="EM300-TH",
    category="smart_city",
    f_ports=frozenset(),
    quantities=protocol.quantities(TABLE),
    source="Milesight EM300 Series User Guide, Uplink Packets (resource.milesight.com)",
    decode=decode,
    encode=encode,
)

"""Milesight EM500-SMTC: soil moisture, temperature and electrical conductivity sensor.

Source: Milesight "EM500-SMT/SMTC User Guide", section "Uplink Packets"
(https://resource.milesight.com/milesight/iot/document/em500-smt-user-guide-en.pdf): the
channel format of `protocol.py` on fPort 85: 0x01 0x75 battery level (uint8, %), 0x03 0x67
soil temperature (int16 LE / 10, °C), 0x04 0x68 soil moisture (uint8 / 2, % volumetric),
0x05 0x7F electrical conductivity (uint16 LE, µS/cm). Milesight's EM500-SMTC payload definition
(SensorDecoders EM500-SMTC README; the resolutions from Milesight's own decoder there, read for
the layout) adds 0x04 0xCA soil moisture at 0.01 % (uint16, newer firmware), 0x83 0xD7
temperature alarm (temperature int16 / 10 + change int16 / 10 + alarm type: 0 threshold alarm,
1 threshold alarm release, 2 mutation alarm) and 0x20 0xCE historical data: timestamp (uint32
s) + EC (uint16) + temperature (int16 / 10) + moisture (uint16 / 100). The ff basic information
sent on joining is read too (`protocol.BASIC`). Any port is accepted (the shared
akenza frame arrives on fPort 1).
"""

from __future__ import annotations

from collections.abc import Sequence

from decoders.model import Decoded, DecoderSpec, Reading
from decoders.vendors.milesight_iot import protocol
from decoders.vendors.milesight_iot.protocol import Channel

TEMPERATURE = Channel("temperature", 2, signed=True, divisor=10, quantity="soil_temperature")
MOISTURE = Channel("moisture", 2, divisor=100, quantity="soil_moisture")
EC = Channel("ec", 2, quantity="soil_conductivity")

TABLE: protocol.Table = {
    **protocol.BASIC,
    (0x01, 0x75): protocol.BATTERY,
    (0x03, 0x67): TEMPERATURE,
    (0x04, 0x68): Channel("moisture", 1, divisor=2, quantity="soil_moisture"),
    (0x04, 0xCA): MOISTURE,
    (0x05, 0x7F): EC,
    (0x83, 0xD7): (
        TEMPERATURE,
        Channel("temperature_change", 2, signed=True, divisor=10),
        Channel("temperature_alarm", 1),
    ),
    (0x20, 0xCE): protocol.History((EC, TEMPERATURE, MOISTURE)),
}


def decode(payload: bytes, f_port: int) -> Decoded:  # noqa: ARG001 - self-describing channels
    """Decode one EM500-SMTC uplink."""
    return protocol.decode(TABLE, payload)


def encode(readings: Sequence[Reading]) -> tuple[int, bytes]:
    """Build the fPort 85 uplink that decodes to `readings` (for the simulator)."""
    return 85, protocol.encode(TABLE, readings)


SPEC = DecoderSpec(
    type_id="milesight-iot/em500-smtc",
    vendor="Milesight",
    model="EM500-SMTC",
    category="agriculture",
    f_ports=frozenset(),
    quantities=protocol.quantities(TABLE),
    source="Milesight EM500-SMT/SMTC User Guide, Uplink Packets (resource.milesight.com)",
    decode=decode,
    encode=encode,
)

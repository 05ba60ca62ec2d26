"""Milesight EM500-CO2: CO2, temperature, humidity and barometric pressure sensor.

Source: Milesight "EM500-CO2 User Guide", section "Uplink Packets"
(https://resource.milesight.com/milesight/iot/document/em500-co2-user-guide-en.pdf): the
channel format of `protocol.py` on fPort 85: 0x01 0x75 battery level (uint8, %), 0x03 0x67
temperature (int16 LE / 10, °C), 0x04 0x68 humidity (uint8 / 2, %), 0x05 0x7D CO2
(uint16 LE, ppm), 0x06 0x73 barometric pressure (uint16 LE / 10, hPa). Milesight's EM500-CO2
payload definition (SensorDecoders EM500-CO2 README) adds 0x83 0xD7 temperature alarm:
temperature (int16 / 10) + temperature change (int16 / 10) + alarm type (0 threshold alarm,
1 threshold alarm release, 2 mutation alarm), and 0x20 0xCE historical data: timestamp
(uint32 s) + CO2 + pressure + temperature + humidity, each as in its live channel. The ff basic
information sent on joining is read too (`protocol.BASIC`). Any port is accepted (the
shared akenza frame arrives on fPort 1).
"""

from __future__ import annotations

from collections.abc import Sequence

from decoders.model import Decoded, DecoderSpec, Reading
from decoders.vendors.milesight_iot import protocol
from decoders.vendors.milesight_iot.protocol import Channel

CO2 = Channel("co2", 2, quantity="co2")
PRESSURE = Channel("pressure", 2, divisor=10, quantity="air_pressure")

TABLE: protocol.Table = {
    **protocol.BASIC,
    (0x01, 0x75): protocol.BATTERY,
    (0x03, 0x67): protocol.TEMPERATURE,
    (0x04, 0x68): protocol.HUMIDITY,
    (0x05, 0x7D): CO2,
    (0x06, 0x73): PRESSURE,
    (0x83, 0xD7): (
        protocol.TEMPERATURE,
        Channel("temperature_change", 2, signed=True, divisor=10),
        Channel("temperature_alarm", 1),
    ),
    (0x20, 0xCE): protocol.History((CO2, PRESSURE, protocol.TEMPERATURE, protocol.HUMIDITY)),
}


def decode(payload: bytes, f_port: int) -> Decoded:  # noqa: ARG001 - self-describing channels
    """Decode one EM500-CO2 uplink."""
    return protocol.decode(TABLE, payload)


def encode(readings: Sequence[Reading]) -> tuple[int, bytes]:
    """Build the fPort 85 uplink that decodes to `readings` (for the simulator)."""
    return 85, protocol.encode(TABLE, readings)


SPEC = DecoderSpec(
    type_id="milesight-iot/em500-co2",
    vendor="Milesight",
    model="EM500-CO2",
    category="smart_city",
    f_ports=frozenset(),
    quantities=protocol.quantities(TABLE),
    source="Milesight EM500-CO2 User Guide, Uplink Packets (resource.milesight.com)",
    decode=decode,
    encode=encode,
)

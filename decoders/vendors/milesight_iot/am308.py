"""Milesight AM308: indoor ambience monitor (temperature, humidity, PIR, light, CO2, TVOC,
pressure, HCHO, PM2.5, PM10, O3).

Source: Milesight "AM300 Series User Guide", section "Uplink Packets" (https://resource.
milesight.com/milesight/iot/document/am300-series-user-guide-en.pdf), the channel format of
`protocol.py`, little-endian, on fPort 85: 01 75 battery (%), 03 67 temperature (int16 / 10
°C), 04 68 humidity (uint8 / 2 %), 05 00 PIR (0 idle, 1 triggered; 05 6a activity level,
uint16, in early firmware), 06 cb light level (0-5), 07 7d CO2 (ppm), 08 7d TVOC (IAQ level,
uint16 / 100), 09 73 barometric pressure (uint16 / 10 hPa), 0a 7d HCHO (uint16 / 100 mg/m3),
0b 7d PM2.5 (ug/m3), 0c 7d PM10 (ug/m3), 0d 7d O3 (uint16 / 100 ppm), 0e 01 buzzer status,
ff basic information. Milesight's AM300 (v2) payload definition (SensorDecoders AM300_v2
README; details from Milesight's own AM308 v2 decoder there, read for the layout) adds 08 e6
TVOC in ug/m3 (uint16) and 20 ce historical data: timestamp (uint32 s) + temperature (int16 /
10) + humidity (uint16 / 2) + PIR + light level + CO2 + TVOC (IAQ / 100) + pressure (/ 10) +
PM2.5 + PM10; 21 ce is the same record with TVOC in ug/m3. The README's example shows 08 7d
2500 as "tvoc": 37 while its own table (and the TTN example, 0700 -> 0.07) read uint16 / 100;
we follow the table. TVOC and O3 are an index and ppm, which the vocabulary's ppb/ug/m3
quantities do not take without assumptions, so they stay fields.
"""

from __future__ import annotations

from collections.abc import Sequence

from decoders.model import Decoded, DecoderSpec, Reading
from decoders.vendors.milesight_iot import protocol
from decoders.vendors.milesight_iot.protocol import Channel


def _history(tvoc: Channel) -> tuple[Channel, ...]:
    """The AM308 record after its timestamp; `tvoc` in the unit the record's type names."""
    return (
        protocol.TEMPERATURE,
        Channel("humidity", 2, divisor=2, quantity="relative_humidity"),
        Channel("pir", 1),
        Channel("light_level", 1),
        Channel("co2", 2, quantity="co2"),
        tvoc,
        Channel("pressure", 2, divisor=10, quantity="air_pressure"),
        Channel("pm2_5", 2, quantity="pm2_5"),
        Channel("pm10", 2, quantity="pm10"),
    )


TABLE: protocol.Table = {
    **protocol.BASIC,
    (0x01, 0x75): protocol.BATTERY,
    (0x03, 0x67): protocol.TEMPERATURE,
    (0x04, 0x68): protocol.HUMIDITY,
    (0x05, 0x00): Channel("pir", 1),
    (0x05, 0x6A): Channel("activity", 2),
    (0x06, 0xCB): Channel("light_level", 1),
    (0x07, 0x7D): Channel("co2", 2, quantity="co2"),
    (0x08, 0x7D): Channel("tvoc", 2, divisor=100),
    (0x09, 0x73): Channel("pressure", 2, divisor=10, quantity="air_pressure"),
    (0x0A, 0x7D): Channel("hcho", 2, divisor=100),
    (0x0B, 0x7D): Channel("pm2_5", 2, quantity="pm2_5"),
    (0x0C, 0x7D): Channel("pm10", 2, quantity="pm10"),
    (0x0D, 0x7D): Channel("o3", 2, divisor=100),
    (0x0E, 0x01): Channel("beep", 1),
    (0x08, 0xE6): Channel("tvoc_ugm3", 2),
    (0x20, 0xCE): protocol.History(_history(Channel("tvoc", 2, divisor=100))),
    (0x21, 0xCE): protocol.History(_history(Channel("tvoc_ugm3", 2))),
}


def decode(payload: bytes, f_port: int) -> Decoded:  # noqa: ARG001 - self-describing channels
    """Decode one AM308 uplink."""
    return protocol.decode(TABLE, payload)


def encode(readings: Sequence[Reading]) -> tuple[int, bytes]:
    """Build the fPort 85 uplink that decodes to `readings` (for the simulator)."""
    return 85, protocol.encode(TABLE, readings)


SPEC = DecoderSpec(
    type_id="milesight-iot/am308",
    vendor="Milesight",
    model="AM308",
    category="smart_city",
    f_ports=frozenset(),
    quantities=protocol.quantities(TABLE),
    source="Milesight AM300 Series User Guide, Uplink Packets (resource.milesight.com)",
    decode=decode,
    encode=encode,
)

"""Milesight WTS506: ultrasonic weather station (wind, rain, temperature, humidity, pressure).

Source: Milesight "WTS506 User Guide", section "Uplink Packets" (https://resource.milesight.
com/milesight/iot/document/wts506-user-guide-en.pdf), the channel format of `protocol.py`,
little-endian, on fPort 85: 01 75 battery (%), 03 67 temperature (int16 / 10 °C), 04 68
humidity (uint8 / 2 %), 05 84 wind direction (int16 / 10 degrees), 06 73 barometric pressure
(uint16 / 10 hPa), 07 92 wind speed (uint16 / 10 m/s), 08 77 rainfall: total (uint16 / 100
mm) and counter (uint8, counts the total's resets), ff basic information. The rainfall total
is cumulative since the last reset, so it stays a field (as the Decentlab rain gauge's
cumulative counter does); a weather station in forest and field microclimate monitoring.
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
    (0x05, 0x84): Channel("wind_direction", 2, signed=True, divisor=10, quantity="wind_direction"),
    (0x06, 0x73): Channel("pressure", 2, divisor=10, quantity="air_pressure"),
    (0x07, 0x92): Channel("wind_speed", 2, divisor=10, quantity="wind_speed"),
    (0x08, 0x77): (Channel("rainfall_total", 2, divisor=100), Channel("rainfall_counter", 1)),
}


def decode(payload: bytes, f_port: int) -> Decoded:  # noqa: ARG001 - self-describing channels
    """Decode one WTS506 uplink."""
    return protocol.decode(TABLE, payload)


def encode(readings: Sequence[Reading]) -> tuple[int, bytes]:
    """Build the fPort 85 uplink that decodes to `readings` (for the simulator)."""
    return 85, protocol.encode(TABLE, readings)


SPEC = DecoderSpec(
    type_id="milesight-iot/wts506",
    vendor="Milesight",
    model="WTS506",
    category="forestry",
    f_ports=frozenset(),
    quantities=protocol.quantities(TABLE),
    source="Milesight WTS506 User Guide, Uplink Packets (resource.milesight.com)",
    decode=decode,
    encode=encode,
)

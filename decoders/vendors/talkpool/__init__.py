"""Talkpool OY1xxx devices: shared packing of temperature and humidity in three bytes.

Talkpool's OY1100/OY1110/OY1700 manuals pack one temperature and one relative humidity
sample into 3 bytes: T = byte0 (high 8 bits) + high nibble of byte2, RH = byte1 (high 8 bits)
+ low nibble of byte2, both 12-bit unsigned with 0.1 resolution and an offset:
temperature = T / 10 - 80 °C, relative humidity = RH / 10 - 25 %.
"""

from __future__ import annotations

TEMPERATURE_OFFSET = 80.0
HUMIDITY_OFFSET = 25.0


def unpack_climate(payload: bytes, offset: int = 0) -> tuple[float, float]:
    """(temperature °C, relative humidity %) from the 3 bytes at `offset`."""
    b0, b1, b2 = payload[offset], payload[offset + 1], payload[offset + 2]
    temperature = ((b0 << 4) | (b2 >> 4)) / 10 - TEMPERATURE_OFFSET
    humidity = ((b1 << 4) | (b2 & 0x0F)) / 10 - HUMIDITY_OFFSET
    return round(temperature, 1), round(humidity, 1)


def pack_climate(temperature: float, humidity: float) -> bytes:
    """The 3 bytes for one sample; ValueError if a value does not fit 12 bits."""
    t = round((temperature + TEMPERATURE_OFFSET) * 10)
    h = round((humidity + HUMIDITY_OFFSET) * 10)
    if not (0 <= t <= 0xFFF and 0 <= h <= 0xFFF):
        raise ValueError(f"temperature {temperature} / humidity {humidity} out of range")
    return bytes((t >> 4, h >> 4, ((t & 0x0F) << 4) | (h & 0x0F)))

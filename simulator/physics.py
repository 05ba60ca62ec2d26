"""Seeded values per quantity: a diurnal cycle around a typical level, plus noise.

First slice: enough to make charts move plausibly; the full physics (rain events,
seasons, occupancy, floods) is issue #4.
"""

from __future__ import annotations

import math
import random
from datetime import datetime

from decoders import QUANTITIES, Reading

# quantity -> (typical level, diurnal amplitude, noise sd, phase hours after midnight of the peak)
TYPICAL: dict[str, tuple[float, float, float, float]] = {
    "air_temperature": (11.0, 6.0, 0.3, 15.0),
    "soil_temperature": (10.0, 2.0, 0.1, 17.0),
    "water_temperature": (12.0, 1.0, 0.1, 17.0),
    "relative_humidity": (72.0, -15.0, 1.0, 15.0),
    "soil_moisture": (28.0, 0.0, 0.3, 0.0),
    "soil_conductivity": (350.0, 0.0, 10.0, 0.0),
    "air_pressure": (1008.0, 1.0, 0.3, 10.0),
    "co2": (650.0, 250.0, 20.0, 11.0),
    "battery_voltage": (3.3, 0.0, 0.005, 0.0),
    "battery_level": (90.0, 0.0, 0.2, 0.0),
    "water_level": (1.4, 0.0, 0.01, 0.0),
    "water_pressure": (1.15, 0.0, 0.005, 0.0),
    "illuminance": (8000.0, 8000.0, 200.0, 13.0),
    "pm2_5": (12.0, 4.0, 1.0, 8.0),
    "pm10": (18.0, 6.0, 1.5, 8.0),
    "pm1": (8.0, 3.0, 0.8, 8.0),
    "distance": (1.2, 0.0, 0.01, 0.0),
}


def value_at(quantity: str, when: datetime, rng: random.Random) -> float:
    q = QUANTITIES[quantity]
    level, amplitude, noise, peak_hour = TYPICAL.get(
        quantity, (q.minimum + (q.maximum - q.minimum) * 0.25, 0.0, 0.0, 0.0)
    )
    hour = when.hour + when.minute / 60
    value = level + amplitude * math.cos((hour - peak_hour) / 24 * 2 * math.pi)
    value += rng.gauss(0, noise) if noise else 0.0
    return min(max(value, q.minimum), q.maximum)


def readings_for(quantities: frozenset[str], when: datetime, rng: random.Random) -> list[Reading]:
    return [Reading(quantity=name, value=value_at(name, when, rng)) for name in sorted(quantities)]

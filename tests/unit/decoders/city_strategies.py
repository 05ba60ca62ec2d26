"""Hypothesis strategies for the smart-city vendor decoders (meters, counters, trackers, ...).

Each strategy yields (readings, tolerance by (quantity, channel)), as `test_properties`
expects; the tolerance is half the format's resolution in the canonical unit.
"""

from __future__ import annotations

from hypothesis import strategies as st

from decoders import Reading

Sample = tuple[list[Reading], dict[tuple[str, int], float]]
Range = tuple[float, float, float]  # low, high, resolution (canonical unit)
EPS = 1e-9


def fixed(ranges: dict[str | tuple[str, int], Range]) -> st.SearchStrategy[Sample]:
    """Every listed (quantity[, channel]) once, uniformly within its range."""

    @st.composite
    def build(draw: st.DrawFn) -> Sample:
        readings, tolerance = [], {}
        for key, (low, high, resolution) in ranges.items():
            quantity, channel = (key, 0) if isinstance(key, str) else key
            readings.append(Reading(quantity, draw(st.floats(low, high)), channel))
            tolerance[(quantity, channel)] = resolution / 2 + EPS
        return readings, tolerance

    return build()


def states(quantity: str) -> st.SearchStrategy[Sample]:
    """One 0/1 reading of `quantity`."""
    return st.sampled_from([0.0, 1.0]).map(lambda v: ([Reading(quantity, v)], {(quantity, 0): EPS}))


CLIMATE_12BIT = {"air_temperature": (-80.0, 329.5, 0.1), "relative_humidity": (-25.0, 384.5, 0.1)}

CITY_STRATEGIES: dict[str, st.SearchStrategy[Sample]] = {
    "abeeway/abeeway-compact-tracker": fixed(
        {
            "battery_level": (1.0, 254.0, 1.0),
            "latitude": (-90.0, 90.0, 2.56e-5),
            "longitude": (-180.0, 180.0, 2.56e-5),
        }
    ),
    "adeunis/pulse-4": fixed(
        {("pulse_count", 0): (0.0, 4294967295.0, 1.0), ("pulse_count", 1): (0.0, 4294967295.0, 1.0)}
    ),
    "bosch/tps110": states("parking_occupied"),
    "browan/cd10": fixed(
        {
            "battery_voltage": (2.1, 3.6, 0.1),
            "air_temperature": (-128.0, 127.0, 1.0),
            "relative_humidity": (0.0, 100.0, 1.0),
            "co2": (1.0, 65535.0, 1.0),
        }
    ),
    "browan/tbsl100": fixed(
        {
            "battery_voltage": (2.5, 4.0, 0.1),
            "air_temperature": (-32.0, 95.0, 1.0),
            "noise_level": (0.0, 254.0, 1.0),
        }
    ),
    "gwf/rcm-lrw10": fixed({"water_volume": (-2147483.648, 2147483.647, 0.001)}),
    "imbuildings/imbuildings-people-counter": fixed(
        {
            "battery_voltage": (0.0, 655.35, 0.01),
            ("people_count", 0): (0.0, 65535.0, 1.0),
            ("people_count", 1): (0.0, 65535.0, 1.0),
        }
    ),
    "mclimate/ht-sensor": fixed(
        {
            "air_temperature": (-40.0, 6513.5, 0.1),
            "relative_humidity": (0.0, 99.6, 100 / 256 + 0.01),  # the decoder rounds to 0.01
            "battery_voltage": (1.6, 3.64, 0.008),
        }
    ),
    "netvox/r711": fixed(
        {
            "battery_voltage": (0.0, 12.7, 0.1),
            "air_temperature": (-327.68, 327.67, 0.01),
            "relative_humidity": (0.0, 655.35, 0.01),
        }
    ),
    "netvox/ra02a": fixed({"battery_voltage": (0.0, 12.7, 0.1)}).flatmap(
        lambda sample: states("smoke_alarm").map(
            lambda extra: (sample[0] + extra[0], sample[1] | extra[1])
        )
    ),
    "opensource/esp32-paxcounter": fixed(
        {("people_count", 0): (0.0, 65535.0, 1.0), ("people_count", 1): (0.0, 65535.0, 1.0)}
    ),
    "pmx/tcr": fixed(
        {
            ("traffic_count", 0): (0.0, 65535.0, 1.0),
            ("traffic_speed", 0): (0.0, 255.0, 1.0),
            ("traffic_count", 1): (0.0, 65535.0, 1.0),
            ("traffic_speed", 1): (0.0, 255.0, 1.0),
            "battery_voltage": (0.0, 25.5, 0.1),
        }
    ),
    "talkpool/oy1110": fixed(dict(CLIMATE_12BIT)),
    "talkpool/oy1700": fixed(
        {
            **CLIMATE_12BIT,
            "pm1": (0.0, 65535.0, 1.0),
            "pm2_5": (0.0, 65535.0, 1.0),
            "pm10": (0.0, 65535.0, 1.0),
        }
    ),
    "tektelic/t000489x-smart-room-base": fixed(
        {
            "battery_voltage": (-327.68, 327.67, 0.01),
            "air_temperature": (-3276.8, 3276.7, 0.1),
            "relative_humidity": (0.0, 127.5, 0.5),
        }
    ),
    "vega/vegapuls-air-41": fixed(
        {
            "distance": (0.0, 30000.0, 0.002),
            "battery_level": (0.0, 100.0, 1.0),
            "air_temperature": (-40.0, 80.0, 0.1),
        }
    ),
}

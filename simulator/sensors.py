"""From physics to a device's readings: each `(quantity, channel)` its type reports, at time t.

The device kind's physics model says what an ambiguous quantity means (a `distance` is a
bin's fill, a tank's level or a river under a bridge; an `air_temperature` is outdoors or in
a room). Quantities no model covers repeat the vendor example's value, so a new catalogue
type never breaks the simulation.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from decoders import Reading
from simulator.devicetypes import Template
from simulator.physics import Place, Region, civil_hour

BIN_EMPTY_MM = 1150.0  # ultrasonic sensor under the lid of a 1100 l container
BIN_FULL_MM = 180.0
TANK_TOP_MM = 250.0  # sensor above the full mark of a 2.5 m tank
TANK_DEPTH_MM = 2500.0
BRIDGE_MM = 9000.0  # radar above the gauge datum
PROBE_CM = 20.0  # submerged pressure probe above the gauge datum


def measure(
    region: Region, place: Place, template: Template, t: float, interval_s: float
) -> list[Reading]:
    """The readings a device of `template` at `place` reports at `t` (covering `interval_s`)."""
    return [
        Reading(q, _value(region, place, template, q, ch, t, interval_s), channel=ch)
        for q, ch in template.keys
    ]


def _value(
    region: Region,
    p: Place,
    template: Template,
    quantity: str,
    channel: int,
    t: float,
    interval_s: float,
) -> float:
    model = p.physics
    indoor = model in ("indoor",)
    depth = p.depth_cm + 10.0 * channel
    if quantity == "air_temperature":
        if indoor:
            out = region.air_temperature(p, t)
            occ = region.occupancy(t)
            return round(20.5 + 1.3 * occ + 0.05 * (out - 10.0) + 0.1 * region.noise(p, t, 40), 2)
        if channel:  # an external probe: a few cm into the ground
            return round(region.soil_temperature(p, t, 5.0), 2)
        return round(region.air_temperature(p, t), 2)
    if quantity == "relative_humidity":
        if indoor:
            return round(38.0 + 12.0 * region.occupancy(t) + region.noise(p, t, 41), 1)
        return round(region.relative_humidity(p, t), 1)
    if quantity == "air_pressure":
        return round(region.air_pressure(p, t), 1)
    if quantity in ("wind_speed", "wind_gust", "wind_direction"):
        speed, gust, direction = region.wind(p, t)
        return round(
            {"wind_speed": speed, "wind_gust": gust, "wind_direction": direction}[quantity], 2
        )
    if quantity == "rainfall":
        mm = region.rain_mm(p.site_key, t - interval_s, t)
        return round(math.floor(mm / 0.2) * 0.2, 1)  # tipping bucket, 0.2 mm per tip
    if quantity == "solar_radiation":
        return round(region.solar_radiation(p, t), 1)
    if quantity == "par":
        return round(2.02 * region.solar_radiation(p, t), 1)
    if quantity == "illuminance":
        ghi = region.solar_radiation(p, t)
        lux = min(ghi * 3.0, 900.0) + 300.0 * region.occupancy(t) if indoor else ghi * 60.0
        return float(round(min(lux, 60000.0)))
    if quantity == "soil_moisture":
        return round(region.soil_moisture(p, t, depth), 2)
    if quantity == "soil_temperature":
        return round(region.soil_temperature(p, t, depth), 2)
    if quantity == "soil_conductivity":
        return float(round(40.0 + 9.0 * region.soil_moisture(p, t, depth)))
    if quantity == "soil_water_tension":
        m = region.soil_moisture(p, t, depth)
        return round(min(1500.0 * math.exp(-(m - 4.0) / 5.5), 1200.0), 1)
    if quantity == "co2":
        return float(round(region.co2(p, t)))
    if quantity == "tvoc":
        return float(round(80.0 + 250.0 * region.occupancy(t) + 10.0 * abs(region.noise(p, t, 42))))
    if quantity == "presence":
        return region.presence(p, t)
    if quantity == "door_open":
        return region.door(p, t)
    if quantity == "motion_count":
        return float(round(40.0 * region.occupancy(t) * interval_s / 600.0))
    if quantity == "parking_occupied":
        return region.parking_occupied(p, t)
    if quantity == "noise_level":
        return round(region.noise_level(p, t), 1)
    if quantity == "people_count":
        rate = 240.0 * region.pedestrians(t) * (interval_s / 3600.0)
        share = 0.5 + 0.04 * region.noise(p, t, 43 + channel)
        return float(max(0, round(rate * share * (1.0 + 0.1 * region.noise(p, t, 45 + channel)))))
    if quantity == "traffic_count":
        per_hour = (420.0 if channel == 0 else 90.0) * region.traffic(t)
        return float(
            max(
                0,
                round(
                    per_hour * interval_s / 3600.0 * (1.0 + 0.1 * region.noise(p, t, 46 + channel))
                ),
            )
        )
    if quantity == "traffic_speed":
        base = 46.0 - 16.0 * min(region.traffic(t), 1.0) ** 2 if channel == 0 else 17.0
        return round(max(base + 1.5 * region.noise(p, t, 48 + channel), 3.0), 1)
    if quantity in ("pm2_5", "pm10", "pm1"):
        pm = region.pm2_5(p, t)
        return round({"pm2_5": pm, "pm10": 1.45 * pm + 2.0, "pm1": 0.72 * pm}[quantity], 1)
    if quantity == "distance":
        return float(round(_distance(region, p, template, t)))
    if quantity == "water_level":
        return round(region.river_level_cm(p, t), 1)
    if quantity == "water_pressure":
        return round(max(region.river_level_cm(p, t) - PROBE_CM, 0.0) / 1019.7, 4)
    if quantity == "water_temperature":
        return round(region.water_temperature(p, t), 2)
    if quantity == "stem_diameter_change":
        return round(region.stem_diameter_change(p, t, channel), 1)
    if quantity == "sap_flow":
        return round(region.sap_flow(p, t, channel), 2)
    if quantity == "smoke_alarm":
        return region.smoke(p, t)
    if quantity == "battery_voltage":
        nominal = template.nominal("battery_voltage", 3.6)
        nominal = nominal if 2.4 <= nominal <= 4.2 else 3.6
        return round(region.battery_voltage(p, t, nominal), 3)
    if quantity == "battery_level":
        return float(round(100.0 * region.battery_fraction(p, t)))
    if quantity in ("latitude", "longitude"):
        lat, lon = region.position(p, t)
        return lat if quantity == "latitude" else lon
    if quantity == "altitude":
        return round(p.elevation_m + 2.0 * region.noise(p, t, 50), 1)
    if quantity in _CUMULATIVE:
        per_day, scale = _CUMULATIVE[quantity]
        return float(round(_cumulative(region, p, t, per_day * (1 + channel)) * scale))
    return template.nominal(quantity, 0.0)


# quantity -> (mean use per day in the meter's unit, scale to the reported unit)
_CUMULATIVE: dict[str, tuple[float, float]] = {
    "water_volume": (0.6, 1.0),
    "pulse_count": (0.6, 100.0),  # 10 l per pulse
    "energy": (8.0, 1.0),
}


def _cumulative(region: Region, p: Place, t: float, per_day: float) -> float:
    """A meter reading that only goes up: mean use plus a daily rhythm (never negative)."""
    days = t / 86_400.0
    start = 500.0 + 4000.0 * region.noise(p, 0.0, 60) ** 2
    rhythm = 0.8 / (2 * math.pi) * math.sin(2 * math.pi * (days - 0.3))
    return start + per_day * (days - 19_700.0 + rhythm)


def _distance(region: Region, p: Place, template: Template, t: float) -> float:
    noise = region.noise(p, t, 51)
    if p.physics == "bin":
        fill = region.bin_fill(p, t)
        return BIN_EMPTY_MM - (BIN_EMPTY_MM - BIN_FULL_MM) * fill + 8.0 * noise
    if p.physics == "tank":
        return TANK_TOP_MM + TANK_DEPTH_MM * (1.0 - region.tank_level(p, t)) + 5.0 * noise
    if p.physics == "river":
        return BRIDGE_MM - 10.0 * region.river_level_cm(p, t) + 3.0 * noise
    hour = civil_hour(t)
    return template.nominal("distance", 1000.0) * (1.0 + 0.01 * math.sin(hour))


Measure = Callable[[Region, Place, Template, float, float], list[Reading]]

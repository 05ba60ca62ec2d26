"""What the sensors measure: the region's weather, soils, rivers, trees, towns and batteries.

Every value is a pure function of (seed, place, time): randomness comes from `simulator.rand`
keyed by time slots, never from a stateful generator. So a backfill and a live run agree,
any hour can be computed on its own, and a seed reproduces the region exactly.

Models (deliberately simple, shaped like the real curves):
- air temperature: seasonal cycle (coldest around 20 January, warmest around 21 July, mean
  9.8 degC as in Leipzig), synoptic weather as slow waves of a few days, a diurnal cycle
  peaking mid-afternoon whose amplitude grows in summer and shrinks under clouds, lapse
  rate with elevation, an urban heat island, damped swings under the forest canopy;
- humidity from a dew point that follows the daily mean, hence anti-correlated with the
  diurnal temperature swing; wetter in forests and during rain;
- rain as a seeded event process (per day: whether, when, how long, how hard), scaled per
  site and day for local showers; rain gauges report the amount since their last report;
- soil moisture per depth: a base level (wetter in winter and deeper down) plus every past
  rain event's infiltration, arriving later and weaker at depth and draining exponentially
  (faster in summer), saturating towards field capacity: falls between rains, jumps after;
- occupancy of buildings by weekday and hour; CO2 follows it with the room's lag;
- parking, pedestrians, road traffic and noise by weekday and hour; particulates higher in
  the heating season, at rush hours and in calm nights;
- waste bins filling at a per-bin rate and emptied on their weekly collection day;
- water tanks drawn down and refilled; rivers with a seasonal level, a response to the rain
  and a flood wave per river once per `flood_period_days`, staggered between rivers;
- trees growing over the season with a daily shrink (afternoon) and swell (night);
- batteries draining over a multi-year life and replaced when flat.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

from simulator import rand

DAY = 86_400.0
YEAR_DAYS = 365.2425
T_REF = 1_704_067_200.0  # 2024-01-01T00:00:00Z: devices are installed around then

# salt per process, so that different processes never share random draws
_RAIN, _SITE_RAIN, _CLOUD, _NOISE, _PARK, _BIN, _TANK, _FLOOD, _FIRE, _DOOR, _BATT = range(11)
_SYN, _PRESENCE, _TRACK = 11, 12, 13


@dataclass(frozen=True, slots=True)
class Place:
    """Where a sensor is and what it is about, as far as physics is concerned."""

    key: int  # stable id of the device (for per-device draws)
    site_key: int  # stable id of the site (local showers, fire)
    site_kind: str  # town | farm | forest | river
    latitude: float
    longitude: float
    elevation_m: float
    physics: str  # the kind's physics model (see simulator.scenario.Physics)
    depth_cm: float = 10.0
    river_key: int = 0
    river_index: int = 0
    river_count: int = 1
    river_mean_cm: float = 150.0
    river_flood_cm: float = 300.0
    radius_km: float = 1.0
    site_latitude: float = 0.0
    site_longitude: float = 0.0


# -- calendar --------------------------------------------------------------------------------
def day_of_year(t: float) -> float:
    return ((t / DAY) - 0.0) % YEAR_DAYS  # 1970-01-01 was day 0; drift < 1 day per century


def summer(t: float) -> float:
    """0 in late January, 1 in late July."""
    return 0.5 - 0.5 * math.cos(2 * math.pi * (day_of_year(t) - 20.0) / YEAR_DAYS)


def civil_hour(t: float) -> float:
    """Local clock time in Central Europe (CET/CEST, DST roughly end of March to October)."""
    doy = day_of_year(t)
    offset = 2.0 if 86 <= doy < 301 else 1.0
    return ((t / 3600.0) + offset) % 24.0


def weekday(t: float) -> int:
    """0 = Monday, local date."""
    doy = day_of_year(t)
    offset = 2.0 if 86 <= doy < 301 else 1.0
    return int((t + offset * 3600.0) // DAY + 3) % 7  # 1970-01-01 was a Thursday


def solar_hour(t: float, longitude: float) -> float:
    return ((t % DAY) / 3600.0 + longitude / 15.0) % 24.0


def _bump(x: float, centre: float, width: float) -> float:
    return math.exp(-(((x - centre) / width) ** 2))


def _logistic(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(min(x, 50.0), -50.0)))


class Region:
    """The physical state of a region for one seed."""

    def __init__(self, seed: int, flood_period_days: float = 21.0) -> None:
        self.seed = seed
        self.flood_period_days = flood_period_days
        self._phases = [rand.uniform(seed, _SYN, i) * 2 * math.pi for i in range(8)]

    # -- weather -------------------------------------------------------------------------------
    def synoptic(self, t: float) -> float:
        """Large-scale weather as slow waves, roughly -1..1."""
        days = t / DAY
        p = self._phases
        return (
            0.5 * math.sin(2 * math.pi * days / 3.3 + p[0])
            + 0.3 * math.sin(2 * math.pi * days / 6.1 + p[1])
            + 0.2 * math.sin(2 * math.pi * days / 11.7 + p[2])
        )

    @functools.lru_cache(maxsize=4096)  # noqa: B019 - bounded, per region, keyed by day
    def rain_events(self, day: int) -> tuple[tuple[float, float, float], ...]:
        """Rain events starting on UTC day `day`: (start, end, intensity mm/h)."""
        t = day * DAY
        s = summer(t)
        if rand.uniform(self.seed, _RAIN, day, 0) > 0.38 + 0.06 * s:
            return ()
        count = 1 + (rand.uniform(self.seed, _RAIN, day, 1) < 0.35)
        events = []
        for i in range(count):
            start = t + rand.uniform(self.seed, _RAIN, day, 2, i) * DAY
            hours = 0.5 + 5.5 * rand.uniform(self.seed, _RAIN, day, 3, i) ** 1.5
            mean = 0.8 + 1.8 * s  # summer showers are heavier
            intensity = 0.2 + mean * -math.log(1 - rand.uniform(self.seed, _RAIN, day, 4, i))
            events.append((start, start + hours * 3600.0, min(intensity, 25.0)))
        return tuple(events)

    @functools.lru_cache(maxsize=65536)  # noqa: B019 - bounded, per region
    def site_rain(self, site_key: int, day: int) -> tuple[tuple[float, float, float], ...]:
        """The day's rain events at a site: the regional events scaled for local showers."""
        factor = 0.6 + 0.8 * rand.uniform(self.seed, _SITE_RAIN, site_key, day)
        return tuple((s, e, i * factor) for s, e, i in self.rain_events(day))

    def events_between(
        self, site_key: int, t0: float, t1: float
    ) -> list[tuple[float, float, float]]:
        """Rain events overlapping [t0, t1] with the site's local intensity."""
        found = []
        for day in range(int(t0 // DAY) - 1, int(t1 // DAY) + 1):
            for start, end, intensity in self.site_rain(site_key, day):
                if end > t0 and start < t1:
                    found.append((start, end, intensity))
        return found

    def rain_mm(self, site_key: int, t0: float, t1: float) -> float:
        total = 0.0
        for start, end, intensity in self.events_between(site_key, t0, t1):
            total += intensity * (min(end, t1) - max(start, t0)) / 3600.0
        return total

    def raining(self, site_key: int, t: float) -> bool:
        return bool(self.events_between(site_key, t - 1.0, t))

    def cloud(self, site_key: int, t: float) -> float:
        """Cloud cover 0..1: slow waves, overcast while it rains."""
        days = t / DAY
        c = (
            0.5
            + 0.3 * math.sin(2 * math.pi * days / 2.3 + self._phases[3])
            + 0.15 * math.sin(2 * math.pi * days / 0.77 + self._phases[4])
            - 0.15 * self.synoptic(t)
        )
        if self.raining(site_key, t):
            c = 0.95
        return min(max(c, 0.0), 1.0)

    def daily_mean_temperature(self, p: Place, t: float) -> float:
        season = 9.8 - 9.6 * math.cos(2 * math.pi * (day_of_year(t) - 20.0) / YEAR_DAYS)
        value = season + 3.5 * self.synoptic(t) - 0.0065 * (p.elevation_m - 110.0)
        if p.site_kind == "town":
            value += 0.8
        elif p.site_kind == "forest":
            value -= 0.4
        return value

    def diurnal_amplitude(self, p: Place, t: float) -> float:
        amp = (2.5 + 3.5 * summer(t)) * (1.0 - 0.55 * self.cloud(p.site_key, t))
        if p.site_kind == "forest":
            amp *= 0.6
        elif p.site_kind == "town":
            amp *= 0.85
        return amp

    def air_temperature(self, p: Place, t: float) -> float:
        hour = solar_hour(t, p.longitude)
        value = self.daily_mean_temperature(p, t) + self.diurnal_amplitude(p, t) * math.cos(
            2 * math.pi * (hour - 15.0) / 24.0
        )
        return value + 0.15 * self.noise(p, t, 1)

    def relative_humidity(self, p: Place, t: float) -> float:
        temp = self.air_temperature(p, t)
        spread = 2.0 + 5.0 * summer(t) * (1.0 - self.cloud(p.site_key, t))
        if self.raining(p.site_key, t):
            spread = 0.3
        if p.site_kind == "forest":
            spread *= 0.7
        dew = self.daily_mean_temperature(p, t) - spread
        rh = 100.0 * _saturation(min(dew, temp)) / _saturation(temp)
        return min(max(rh + 1.0 * self.noise(p, t, 2), 12.0), 98.0)  # sensors saturate

    def air_pressure(self, p: Place, t: float) -> float:
        sea = 1014.0 + 9.0 * self.synoptic(t) + 3.0 * math.sin(2 * math.pi * t / (9.1 * DAY))
        return sea - p.elevation_m / 8.3 + 0.15 * self.noise(p, t, 3)

    def wind(self, p: Place, t: float) -> tuple[float, float, float]:
        """(speed m/s, gust m/s, direction deg)."""
        hour = solar_hour(t, p.longitude)
        base = 3.2 + 1.2 * (1 - summer(t)) - 1.8 * self.synoptic(t)
        base += 1.0 * max(0.0, math.cos(2 * math.pi * (hour - 14.0) / 24.0))
        if p.site_kind == "forest":
            base *= 0.45
        speed = max(0.2, base + 0.7 * self.noise(p, t, 4))
        gust = speed * (1.35 + 0.3 * rand.uniform(self.seed, _NOISE, p.key, 5, int(t // 60)))
        direction = 245.0 + 70.0 * math.sin(2 * math.pi * t / (4.1 * DAY) + self._phases[5])
        direction += 15.0 * self.noise(p, t, 6)
        return speed, gust, direction % 360.0

    def solar_radiation(self, p: Place, t: float) -> float:
        """Global horizontal irradiance, W/m2."""
        doy = day_of_year(t)
        decl = math.radians(23.44) * math.sin(2 * math.pi * (doy - 81.0) / 365.0)
        hour_angle = math.radians(15.0 * (solar_hour(t, p.longitude) - 12.0))
        lat = math.radians(p.latitude)
        sin_el = math.sin(lat) * math.sin(decl) + math.cos(lat) * math.cos(decl) * math.cos(
            hour_angle
        )
        if sin_el <= 0:
            return 0.0
        clear = 1050.0 * math.pow(sin_el, 1.2)
        return max(0.0, clear * (1.0 - 0.72 * self.cloud(p.site_key, t)))

    # -- soil ----------------------------------------------------------------------------------
    def soil_moisture(self, p: Place, t: float, depth_cm: float) -> float:
        """Volumetric water content, %."""
        s = summer(t)
        base = 17.0 + 9.0 * (1.0 - s) + 0.06 * depth_cm
        lag = 3600.0 * (1.0 + depth_cm / 6.0)
        tau = DAY * (2.5 + 7.0 * (1.0 - s)) * (1.0 + depth_cm / 35.0)
        weight = 1.0 / (1.0 + depth_cm / 30.0)
        wet = 0.0
        for start, end, intensity in self.events_between(p.site_key, t - 30 * DAY, t):
            if start >= t:
                continue
            stop = min(end, t)
            age = t - (start + stop) / 2.0 - lag  # the water reaches the depth after `lag`
            if age <= 0:
                continue
            amount = intensity * (stop - start) / 3600.0
            rise = 1.0 - math.exp(-age / (lag / 3.0 + 1800.0))
            wet += amount * weight * rise * math.exp(-age / tau)
        texture = -6.0 if p.site_kind == "forest" else 0.0  # sandy Dübener Heide soils
        value = base + texture + 24.0 * (1.0 - math.exp(-wet / 14.0))
        return min(max(value + 0.2 * self.noise(p, t, 7), 4.0), 48.0)

    def soil_temperature(self, p: Place, t: float, depth_cm: float) -> float:
        doy = day_of_year(t)
        damping = math.exp(-depth_cm / 300.0)
        season = 10.0 - 9.0 * damping * math.cos(
            2 * math.pi * (doy - 25.0 - 0.35 * depth_cm) / YEAR_DAYS
        )
        hour = solar_hour(t, p.longitude)
        amp = self.diurnal_amplitude(p, t) * 0.7 * math.exp(-depth_cm / 9.0)
        daily = amp * math.cos(2 * math.pi * (hour - 15.0 - 0.3 * depth_cm) / 24.0)
        weather = 2.5 * self.synoptic(t - depth_cm * 3600.0) * math.exp(-depth_cm / 25.0)
        return season + daily + weather + 0.05 * self.noise(p, t, 8)

    # -- buildings and towns ---------------------------------------------------------------------
    @staticmethod
    def occupancy(t: float) -> float:
        """Share of a public building's (school, office, library) people present."""
        hour, day = civil_hour(t), weekday(t)
        if day >= 5:
            return 0.04
        if hour < 7.0 or hour >= 18.5:
            return 0.0
        if hour < 9.0:
            return (hour - 7.0) / 2.0
        if hour < 12.0:
            return 1.0
        if hour < 13.0:
            return 0.6
        if hour < 16.0:
            return 0.9
        return 0.9 * (18.5 - hour) / 2.5

    def co2(self, p: Place, t: float) -> float:
        """CO2 in a ventilated room, ppm: follows occupancy with the room's time constant."""
        lagged = sum(self.occupancy(t - k * 600.0) * 0.8**k for k in range(6)) / sum(
            0.8**k for k in range(6)
        )
        size = 700.0 + 500.0 * rand.uniform(self.seed, _NOISE, p.key, 9)
        return 420.0 + size * lagged + 12.0 * self.noise(p, t, 10)

    @staticmethod
    def traffic(t: float) -> float:
        """Road traffic relative to the weekday peak."""
        hour, day = civil_hour(t), weekday(t)
        if day == 6:
            return 0.1 + 0.3 * _bump(hour, 14.0, 4.0)
        if day == 5:
            return 0.1 + 0.55 * _bump(hour, 13.0, 4.0)
        return (
            0.08
            + 0.9 * _bump(hour, 7.6, 1.2)
            + 0.55 * _bump(hour, 12.5, 3.0)
            + 0.9 * _bump(hour, 16.9, 1.5)
        )

    @staticmethod
    def pedestrians(t: float) -> float:
        hour, day = civil_hour(t), weekday(t)
        if day == 6:
            return 0.02 + 0.25 * _bump(hour, 14.5, 3.0)
        if day == 5:
            return 0.03 + 1.0 * _bump(hour, 13.0, 3.0)
        return (
            0.02
            + 0.45 * _bump(hour, 8.0, 1.0)
            + 0.7 * _bump(hour, 12.8, 1.5)
            + 0.6 * _bump(hour, 17.2, 1.5)
        )

    @staticmethod
    def parking_demand(t: float) -> float:
        """Probability that an on-street space in a town centre is taken."""
        hour, day = civil_hour(t), weekday(t)
        if day == 6:
            return 0.3 + 0.25 * _bump(hour, 15.0, 3.5)
        if day == 5:
            return 0.3 + 0.6 * _bump(hour, 13.0, 3.5)
        daytime = _logistic((hour - 7.5) * 2.0) * _logistic((18.5 - hour) * 1.5)
        return 0.22 + 0.68 * daytime + 0.2 * _bump(hour, 20.0, 1.5) * (1 - daytime)

    def parking_occupied(self, p: Place, t: float) -> float:
        slot = int(t // 2700)  # a parked car stays for 45 minutes
        return float(rand.uniform(self.seed, _PARK, p.key, slot) < self.parking_demand(t))

    def noise_level(self, p: Place, t: float) -> float:
        return 40.0 + 24.0 * min(self.traffic(t), 1.0) + 1.5 * self.noise(p, t, 11)

    def pm2_5(self, p: Place, t: float) -> float:
        hour = civil_hour(t)
        speed, _, _ = self.wind(p, t)
        inversion = (1.0 if hour < 7.0 or hour > 21.0 else 0.3) * max(0.0, 1.0 - speed / 4.0)
        value = 5.0 + 9.0 * (1.0 - summer(t)) + 7.0 * self.traffic(t) + 9.0 * inversion
        if self.raining(p.site_key, t):
            value *= 0.55
        return max(1.0, value * (1.0 + 0.08 * self.noise(p, t, 12)))

    # -- containers, water, rivers ---------------------------------------------------------------
    def bin_fill(self, p: Place, t: float) -> float:
        """Fill of a waste bin, 0..1: filling at its own rate, emptied weekly."""
        rate = 0.09 + 0.16 * rand.uniform(self.seed, _BIN, p.key, 0)  # of the bin per day
        collection_day = int(rand.uniform(self.seed, _BIN, p.key, 1) * 5)  # Monday..Friday
        collection_hour = 6.5 + 4.0 * rand.uniform(self.seed, _BIN, p.key, 2)
        day, hour = weekday(t), civil_hour(t)
        days_since = (day - collection_day) % 7 + (hour - collection_hour) / 24.0
        if days_since < 0:
            days_since += 7.0
        weekend_boost = 1.25 if p.site_kind == "town" else 1.0
        fill = rate * days_since * (1.0 + (weekend_boost - 1.0) * (days_since > 4))
        return min(fill, 1.0)

    def tank_level(self, p: Place, t: float) -> float:
        """Fill of a farm water tank, 0..1: drawn down daily, refilled when low."""
        use = (0.12 + 0.1 * rand.uniform(self.seed, _TANK, p.key, 0)) * (0.8 + 0.6 * summer(t))
        period = 0.75 / use * DAY
        phase = rand.uniform(self.seed, _TANK, p.key, 1) * period
        return 0.95 - 0.75 * (((t + phase) % period) / period)

    def river_level_cm(self, p: Place, t: float) -> float:
        """Water level at a gauge, cm above its datum."""
        doy = day_of_year(t)
        level = p.river_mean_cm * (1.0 + 0.25 * math.cos(2 * math.pi * (doy - 75.0) / YEAR_DAYS))
        response = 0.0
        for start, end, intensity in self.events_between(p.site_key, t - 20 * DAY, t):
            amount = intensity * (min(end, t) - start) / 3600.0
            age = (t - end) / DAY
            if age > 0:  # catchment response: rises over a day, recedes over days
                response += 2.5 * amount * (age / 1.2) * math.exp(1.0 - age / 1.2)
        period = self.flood_period_days
        offset = rand.uniform(self.seed, _FLOOD, 0) * period
        offset += p.river_index * period / max(p.river_count, 1)
        x = (t / DAY - offset) % period
        cycle = int((t / DAY - offset) // period)
        peak = period / 2.0
        width = 0.9 if x < peak else 2.2
        size = 0.6 + 0.6 * rand.uniform(self.seed, _FLOOD, p.river_key, cycle)
        flood = p.river_flood_cm * size * math.exp(-(((x - peak) / width) ** 2))
        return level + response + flood + 0.4 * self.noise(p, t, 13)

    def water_temperature(self, p: Place, t: float) -> float:
        doy = day_of_year(t)
        hour = solar_hour(t, p.longitude)
        return (
            11.0
            - 9.0 * math.cos(2 * math.pi * (doy - 35.0) / YEAR_DAYS)
            + 0.6 * math.cos(2 * math.pi * (hour - 17.0) / 24.0)
            + 0.05 * self.noise(p, t, 14)
        )

    # -- trees and forest ---------------------------------------------------------------------
    def stem_diameter_change(self, p: Place, t: float, channel: int) -> float:
        """Dendrometer reading, um since installation: seasonal growth, daily shrink and swell."""
        growth = 1500.0 + 2500.0 * rand.uniform(self.seed, _NOISE, p.key, 20, channel)
        years = (t - T_REF) / (YEAR_DAYS * DAY)
        whole = math.floor(years)
        season = _logistic((day_of_year(t) - 160.0) / 18.0)
        grown = growth * (whole + season)
        hour = solar_hour(t, p.longitude)
        swing = 25.0 + 90.0 * summer(t) * (1.0 - self.cloud(p.site_key, t))
        daily = swing * math.cos(2 * math.pi * (hour - 6.5) / 24.0)  # swollen at dawn
        return grown + daily + 2.0 * self.noise(p, t, 21 + channel)

    def sap_flow(self, p: Place, t: float, channel: int) -> float:
        doy = day_of_year(t)
        leaves = _logistic((doy - 120.0) / 8.0) * _logistic((290.0 - doy) / 8.0)
        flow = 1.0 + 18.0 * leaves * self.solar_radiation(p, t) / 900.0
        return flow * (1.0 - 0.2 * channel) + 0.2 * self.noise(p, t, 22 + channel)

    def smoke(self, p: Place, t: float) -> float:
        """A smoke detector in the forest: rare fires on hot, dry summer afternoons."""
        day = int(t // DAY)
        if rand.uniform(self.seed, _FIRE, p.site_key, day) > 0.012 * summer(t):
            return 0.0
        start = day * DAY + (11.0 + 5.0 * rand.uniform(self.seed, _FIRE, p.site_key, day, 1)) * 3600
        hours = 1.0 + 3.0 * rand.uniform(self.seed, _FIRE, p.site_key, day, 2)
        near = rand.uniform(self.seed, _FIRE, p.key, day) < 0.6  # smoke reaches this detector
        return float(near and start <= t < start + hours * 3600.0)

    # -- the device itself ---------------------------------------------------------------------
    def battery_fraction(self, p: Place, t: float) -> float:
        """Remaining charge 0..1 over a 2-6 year life, replaced when flat."""
        life = (2.0 + 4.0 * rand.uniform(self.seed, _BATT, p.key, 0)) * YEAR_DAYS * DAY
        installed = T_REF - rand.uniform(self.seed, _BATT, p.key, 1) * life
        age = ((t - installed) % life) / life
        return 1.0 - age

    def battery_voltage(self, p: Place, t: float, nominal: float) -> float:
        left = self.battery_fraction(p, t)
        cold = 0.004 * min(self.daily_mean_temperature(p, t) - 15.0, 0.0)
        return nominal * (1.0 - 0.06 * (1.0 - left) - 0.15 * (1.0 - left) ** 12) + cold

    def door(self, p: Place, t: float) -> float:
        slot = int(t // 600)
        return float(rand.uniform(self.seed, _DOOR, p.key, slot) < 0.02 + 0.3 * self.occupancy(t))

    def presence(self, p: Place, t: float) -> float:
        slot = int(t // 600)
        return float(rand.uniform(self.seed, _PRESENCE, p.key, slot) < self.occupancy(t))

    def position(self, p: Place, t: float) -> tuple[float, float]:
        """A tractor or a municipal vehicle: rounds during working hours, parked otherwise."""
        hour, day = civil_hour(t), weekday(t)
        radius_km = min(max(p.radius_km, 0.3), 2.5) * 0.7
        lat0, lon0 = p.site_latitude or p.latitude, p.site_longitude or p.longitude
        if day < 5 and 6.5 <= hour < 18.0:
            angle = 2 * math.pi * t / 5400.0 + rand.uniform(self.seed, _TRACK, p.key) * 6.283
            dx, dy = radius_km * math.cos(angle), radius_km * 0.6 * math.sin(2 * angle)
        else:
            dx, dy = 0.05, -0.03  # the yard
        jitter = 0.004 * self.noise(p, t, 30)
        lat = lat0 + (dy + jitter) / 111.0
        lon = lon0 + (dx + jitter) / (111.0 * math.cos(math.radians(lat0)))
        return round(lat, 6), round(lon, 6)

    def noise(self, p: Place, t: float, salt: int) -> float:
        """Sensor noise: standard normal, fresh every minute."""
        return rand.gauss(self.seed, _NOISE, p.key, salt, int(t // 60))


def _saturation(temp_c: float) -> float:
    """Saturation vapour pressure (Magnus formula), hPa."""
    return 6.112 * math.exp(17.62 * temp_c / (243.12 + temp_c))

"""Statistics of the physics: the curves a hydrologist or a town planner would expect."""

from __future__ import annotations

import itertools
import statistics

from simulator.fleet import Fleet
from simulator.physics import Region, civil_hour, weekday
from simulator.sensors import measure
from simulator.traffic import Stats, uplinks
from tests.unit.simulator.support import DAY, JANUARY, JULY, place

HOUR = 3600.0


def _daily_range(region: Region, start: float, days: int) -> list[float]:
    p = place()
    ranges = []
    for d in range(days):
        temps = [region.air_temperature(p, start + d * DAY + h * 1800) for h in range(48)]
        ranges.append(max(temps) - min(temps))
    return ranges


def test_temperature_has_a_diurnal_and_a_seasonal_cycle(region: Region) -> None:
    p = place()
    july, january = _daily_range(region, JULY, 14), _daily_range(region, JANUARY, 14)
    assert 5.0 < statistics.mean(july) < 15.0
    assert statistics.mean(january) < statistics.mean(july)
    warmest = []
    for d in range(14):
        temps = {h: region.air_temperature(p, JULY + d * DAY + h * HOUR) for h in range(24)}
        warmest.append(max(temps, key=lambda h: temps[h]) + 11.65 / 15)  # solar hour
    assert 12.0 <= statistics.median(warmest) <= 17.0
    july_mean = statistics.mean(region.air_temperature(p, JULY + h * HOUR) for h in range(24 * 14))
    jan_mean = statistics.mean(region.air_temperature(p, JANUARY + h * HOUR) for h in range(336))
    assert 14.0 < july_mean < 24.0 and -6.0 < jan_mean < 5.0


def test_humidity_is_anticorrelated_with_temperature(region: Region) -> None:
    p = place()
    times = [JULY + h * 1800 for h in range(48 * 7)]
    temps = [region.air_temperature(p, t) for t in times]
    humid = [region.relative_humidity(p, t) for t in times]
    assert statistics.correlation(temps, humid) < -0.5
    assert all(10 <= h <= 100 for h in humid)


def test_soil_moisture_jumps_after_rain_and_dries_between() -> None:
    region = Region(seed=2)
    p = place("soil")
    rises, falls = [], []
    for day in range(int(JULY // DAY) - 60, int(JULY // DAY) + 60):
        for start, end, intensity in region.site_rain(p.site_key, day):
            amount = intensity * (end - start) / HOUR
            if amount < 5:
                continue
            before = region.soil_moisture(p, start - 60, 10)
            after = region.soil_moisture(p, end + 6 * HOUR, 10)
            rises.append(after - before)
        t0 = day * DAY
        if not region.events_between(p.site_key, t0 - DAY, t0 + 2 * DAY):
            falls.append(
                region.soil_moisture(p, t0 + 2 * DAY, 10) - region.soil_moisture(p, t0, 10)
            )
    assert len(rises) >= 3 and len(falls) >= 5
    assert statistics.mean(rises) > 2.0 and min(rises) > 0
    assert max(falls) < 0.5 and statistics.mean(falls) < 0  # dries on dry days (noise aside)
    # deeper soil reacts later and less
    assert region.soil_moisture(p, JULY, 60) != region.soil_moisture(p, JULY, 10)


def test_rain_is_an_event_process_with_dry_and_wet_days(region: Region) -> None:
    daily = [region.rain_mm(7, JULY + d * DAY, JULY + (d + 1) * DAY) for d in range(-90, 90)]
    dry = sum(1 for mm in daily if mm == 0)
    assert 60 < dry < 150  # Leipzig: about half the days without rain
    assert 250 < sum(daily) < 1000  # mm in half a year around summer (about 300 in reality)


def test_co2_follows_occupancy_and_parking_follows_the_week(region: Region) -> None:
    room = place("indoor", "town")
    wednesday = JULY
    morning = statistics.mean(region.co2(room, wednesday + h * HOUR) for h in (8, 9))  # 10-11 h
    night = region.co2(room, wednesday + 1 * HOUR)
    weekend = region.co2(room, wednesday + 3 * DAY + 9 * HOUR)
    assert morning > 900 > 600 > night and weekend < 600
    assert weekday(wednesday) == 2 and civil_hour(wednesday) == 2.0

    def taken(t: float) -> float:
        spaces = [place("city", "town", key=k) for k in range(300)]
        return statistics.mean(region.parking_occupied(s, t) for s in spaces)

    noon = taken(wednesday + 10 * HOUR)  # 12:00 CEST
    assert noon > 0.75
    assert taken(wednesday + 1 * HOUR) < 0.4  # 03:00
    assert taken(wednesday + 4 * DAY + 10 * HOUR) < noon - 0.2  # Sunday noon


def test_bins_fill_and_are_emptied_weekly(region: Region) -> None:
    p = place("bin", "town", key=42)
    fills = [region.bin_fill(p, JULY + h * HOUR) for h in range(24 * 14)]
    emptied = [i for i in range(1, len(fills)) if fills[i] < fills[i - 1] - 0.3]
    assert len(emptied) == 2 and emptied[1] - emptied[0] == 7 * 24
    assert max(fills) > 0.6 and min(fills) < 0.05


def test_rivers_have_a_flood_wave_within_any_week(full_fleet: Fleet) -> None:
    region = full_fleet.region
    gauges = {d.place.river_key: d.place for d in full_fleet.devices if d.site_kind == "river"}
    assert len(gauges) == 3
    for week in range(6):
        start = JULY + week * 7 * DAY
        peaks = [
            max(region.river_level_cm(p, start + h * HOUR) for h in range(0, 7 * 24, 2))
            - p.river_mean_cm
            for p in gauges.values()
        ]
        assert max(peaks) > 150, week  # some river rises by metres
    p = next(iter(gauges.values()))
    normal = statistics.median(region.river_level_cm(p, JULY + h * 6 * HOUR) for h in range(84))
    assert 0.5 * p.river_mean_cm < normal < 2 * p.river_mean_cm


def test_trees_grow_in_summer_and_shrink_in_the_afternoon(region: Region) -> None:
    tree = place("tree", "forest")
    may, september = JULY - 60 * DAY, JULY + 60 * DAY
    assert (
        region.stem_diameter_change(tree, september, 0)
        > region.stem_diameter_change(tree, may, 0) + 500
    )
    shrink = []
    for d in range(10):
        dawn = region.stem_diameter_change(tree, JULY + d * DAY + 5.5 * HOUR, 0)
        afternoon = region.stem_diameter_change(tree, JULY + d * DAY + 13.5 * HOUR, 0)
        shrink.append(dawn - afternoon)
    assert statistics.mean(shrink) > 20


def test_batteries_drain(region: Region) -> None:
    p = place(key=77)
    levels = [region.battery_fraction(p, JULY + m * 30 * DAY) for m in range(12)]
    drops = sum(1 for a, b in itertools.pairwise(levels) if b < a)
    assert drops >= 10  # one replacement a year at most
    assert 2.9 < region.battery_voltage(p, JULY, 3.6) <= 3.6


def test_every_value_fits_its_encoder_across_the_year(full_fleet: Fleet) -> None:
    """No uplink of the whole region over sampled days of a year needs the fallback."""
    for day in range(0, 365, 61):
        stats = Stats()
        start = JANUARY + day * DAY
        for _ in uplinks(full_fleet, start, start + 3 * HOUR, stats):
            pass
        assert stats.encode_fallbacks == 0, day
    for device in full_fleet.devices[:50]:
        readings = measure(full_fleet.region, device.place, device.template, JULY, 900.0)
        assert {(r.quantity, r.channel) for r in readings} == set(device.template.keys)

"""Municipality: devices on the map, air quality, noise, parking, bins, rivers, stale devices."""

from __future__ import annotations

from grafana.boards.common import variables
from grafana.build import Dashboard, Json, bargauge, geomap, stat, table, thresholds, timeseries
from grafana.sql import WATER_LEVEL_CM, domain, quantities, scope, series

CITY = domain("municipality")

# Example warning levels (cm at the gauge) in the style of Saxony's flood warning
# stages; a real gauge's levels come from its water authority.
RIVER_STAGES = thresholds(
    (None, "green"), (250, "yellow"), (350, "orange"), (450, "red"), (550, "dark-red")
)
SILENCE = thresholds((None, "green"), (3600, "orange"), (86400, "red"))


def dashboard() -> Json:
    d = Dashboard(
        uid="smartregion-municipality",
        title="smartregion · Municipality",
        description="A town's sensors: where they are, the air, noise, parking, waste bins "
        "and rivers, and which devices went quiet.",
        tags=["smartregion", "municipality"],
        variables=variables("municipality"),
    )
    d.row("Devices")
    d.add(
        geomap(
            "Devices",
            "Every device of the selection with a known position (registered, or a "
            "tracker's newest GPS fix); colour = minutes since its last uplink.",
            f"""
SELECT d.device_name, d.dev_eui, d.device_type,
       coalesce(d.latitude, gps.latitude) AS latitude,
       coalesce(d.longitude, gps.longitude) AS longitude,
       d.last_seen_at, round(extract(epoch FROM now() - d.last_seen_at) / 60) AS minutes_silent
FROM v_devices d
LEFT JOIN (
    SELECT device_id,
           max(value) FILTER (WHERE quantity = 'latitude') AS latitude,
           max(value) FILTER (WHERE quantity = 'longitude') AS longitude
    FROM v_readings_latest
    WHERE quantity IN ('latitude', 'longitude')
    GROUP BY device_id
) gps ON gps.device_id = d.device_id
WHERE coalesce(d.latitude, gps.latitude) IS NOT NULL
  AND coalesce(d.longitude, gps.longitude) IS NOT NULL
  AND {scope(domain("municipality", "d"), alias="d")}""",
            layer="Devices",
            color_field="minutes_silent",
            thresholds_=thresholds((None, "green"), (60, "orange"), (1440, "red")),
            width=14,
        ),
        table(
            "Stale devices (longest silent first)",
            "Devices ordered by time since their last uplink; orange after an hour, red "
            "after a day. Never-seen devices come first.",
            f"""
SELECT device_name, device_type, site, last_seen_at,
       extract(epoch FROM now() - last_seen_at) AS silent_for, battery_level
FROM v_devices
WHERE {scope(CITY)}
ORDER BY last_seen_at ASC NULLS FIRST
LIMIT 25""",
            overrides=[
                {
                    "matcher": {"id": "byName", "options": "silent_for"},
                    "properties": [
                        {"id": "unit", "value": "s"},
                        {"id": "thresholds", "value": SILENCE},
                        {"id": "custom.cellOptions", "value": {"type": "color-background"}},
                    ],
                }
            ],
            width=10,
            height=12,
        ),
    )
    d.add(
        stat(
            "Devices reporting in the last hour",
            "Devices with an uplink in the last 60 minutes, of all devices in the selection.",
            f"""
SELECT count(*) FILTER (WHERE last_seen_at > now() - interval '1 hour') AS reporting,
       count(*) AS registered
FROM v_devices
WHERE {scope(CITY)}""",
        ),
    )
    d.add(
        table(
            "Batteries (lowest first)",
            "Newest battery reading per device: level in % or voltage in V, as the "
            "device reports it.",
            f"""
SELECT device_name, device_type, quantity, value, unit, time AS updated
FROM v_readings_latest
WHERE {quantities("battery_level", "battery_voltage")} AND {scope(CITY)}
ORDER BY quantity, value
LIMIT 50""",
            width=18,
            height=8,
        ),
    )
    d.row("Air quality")
    d.add(
        timeseries(
            "Particulate matter",
            "PM2.5 and PM10 per sensor (EU annual limits: 25 and 40 µg/m³).",
            series(
                ["pm2_5", "pm10"],
                within="municipality",
                metric="device_name || ' ' || replace(quantity, '_', '.')",
            ),
            "conμgm3",
            thresholds_=thresholds((None, "green"), (25, "yellow"), (40, "red")),
            threshold_lines=True,
        ),
        timeseries(
            "CO₂",
            "Carbon dioxide per sensor; above 1000 ppm indoor air needs airing.",
            series(["co2"], within="municipality"),
            "ppm",
            thresholds_=thresholds((None, "green"), (1000, "yellow"), (1400, "red")),
            threshold_lines=True,
        ),
    )
    d.add(
        table(
            "Air quality now",
            "The newest value of each air-quality quantity per sensor.",
            f"""
SELECT device_name,
       max(value) FILTER (WHERE quantity = 'pm2_5') AS "PM2.5 µg/m³",
       max(value) FILTER (WHERE quantity = 'pm10') AS "PM10 µg/m³",
       max(value) FILTER (WHERE quantity = 'co2') AS "CO₂ ppm",
       max(value) FILTER (WHERE quantity = 'no2') AS "NO₂ µg/m³",
       max(time) AS updated
FROM v_readings_latest
WHERE {quantities("pm2_5", "pm10", "co2", "no2")} AND {scope(CITY)}
GROUP BY device_name
ORDER BY 2 DESC NULLS LAST, 4 DESC NULLS LAST""",
            width=12,
        ),
        timeseries(
            "Noise",
            "Sound level per sensor (night limit in residential areas: 45 dB(A)).",
            series(["noise_level"], within="municipality"),
            "dB",
            thresholds_=thresholds((None, "green"), (55, "yellow"), (65, "red")),
        ),
    )
    d.row("Parking and people")
    d.add(
        timeseries(
            "Parking occupancy",
            "Share of monitored parking spaces occupied.",
            series(
                ["parking_occupied"],
                within="municipality",
                metric="'occupied'",
                scale=" * 100",
            ),
            "percent",
            width=12,
        ),
        stat(
            "Parking spaces occupied now",
            "Occupied and monitored spaces, from each space sensor's newest reading.",
            f"""
SELECT count(*) FILTER (WHERE value >= 0.5) AS occupied, count(*) AS spaces
FROM v_readings_latest
WHERE quantity = 'parking_occupied' AND {scope(CITY)}""",
        ),
        stat(
            "People counted in range",
            "Sum of people counted by all counters in the time range.",
            f"""
SELECT coalesce(sum(value), 0) AS people
FROM v_readings
WHERE $__timeFilter(time) AND quantity = 'people_count' AND NOT flagged AND {scope(CITY)}""",
        ),
    )
    d.row("Waste and water")
    d.add(
        bargauge(
            "Bin fill levels",
            "Newest fill level per waste bin sensor.",
            f"""
SELECT device_name, value AS fill_level
FROM v_readings_latest
WHERE quantity = 'fill_level' AND {scope(CITY)}
ORDER BY value DESC""",
            unit="percent",
            thresholds_=thresholds((None, "green"), (70, "orange"), (90, "red")),
            minimum=0,
            maximum=100,
            width=8,
        ),
        timeseries(
            "Ultrasonic distance to surface (bins, tanks, shafts)",
            "Distance sensors measure down to the fill surface: falling means filling.",
            series(["distance"], within="municipality", scale=" / 1000"),
            "lengthm",
            width=8,
        ),
        timeseries(
            "Bin fill level over time",
            "Fill level per bin; a drop to near zero is an emptying.",
            series(["fill_level"], within="municipality"),
            "percent",
            width=8,
        ),
    )
    d.add(
        timeseries(
            "River levels",
            "Water level at each gauge, with example warning stages 1-4 (250/350/450/550 "
            "cm). Pressure probes count as the water column above the probe.",
            series(
                ["water_level", "water_pressure"],
                within="municipality",
                transform=WATER_LEVEL_CM,
            ),
            "suffix: cm",
            thresholds_=RIVER_STAGES,
            threshold_lines=True,
            width=16,
        ),
        table(
            "River gauges now",
            "Newest level per gauge and the warning stage it is in.",
            f"""
SELECT device_name, level_cm, updated,
       CASE WHEN level_cm >= 550 THEN 4 WHEN level_cm >= 450 THEN 3
            WHEN level_cm >= 350 THEN 2 WHEN level_cm >= 250 THEN 1 ELSE 0 END AS warning_stage
FROM (
    SELECT device_name, {WATER_LEVEL_CM.format(v="value")} AS level_cm, time AS updated
    FROM v_readings_latest
    WHERE {quantities("water_level", "water_pressure")} AND {scope(CITY)}
) gauges
ORDER BY level_cm DESC""",
            width=8,
        ),
    )
    return d.to_json()

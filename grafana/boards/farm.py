"""Farm: per field, soil moisture at depths, soil temperature, rain, leaf wetness, frost."""

from __future__ import annotations

from grafana.boards.common import variables
from grafana.build import Dashboard, Json, query_variable, stat, table, thresholds, timeseries
from grafana.sql import ALL_TEXT, FIELD, ORGANIZATION, domain, quantities, scope, series

FARM = domain("farm")
FROST = thresholds((None, "red"), (0, "orange"), (2, "green"))


def dashboard() -> Json:
    field_variable = query_variable(
        "field",
        "Field",
        f"SELECT DISTINCT site FROM v_devices WHERE {ORGANIZATION} AND {FARM} ORDER BY 1",
        ALL_TEXT,
    )
    d = Dashboard(
        uid="smartregion-farm",
        title="smartregion · Farm",
        description="Per field: soil moisture at each probe depth, soil temperature, rain, "
        "leaf wetness and frost warnings. A field is a device's `field` (or `site`) tag, "
        "else its network-server application.",
        tags=["smartregion", "farm", "agriculture"],
        variables=[*variables("farm"), field_variable],
    )
    in_field = (FARM, FIELD)
    d.row("Field $field", repeat="field")
    d.add(
        timeseries(
            "Soil moisture at depths",
            "Volumetric water content per probe; one series per depth (channel).",
            series(
                ["soil_moisture"],
                metric="device_name || ' · depth ' || channel",
                extra=in_field,
            ),
            "percent",
            thresholds_=thresholds((None, "red"), (15, "yellow"), (25, "green")),
        ),
        timeseries(
            "Soil temperature",
            "Soil temperature per probe and depth.",
            series(
                ["soil_temperature"],
                metric="device_name || ' · depth ' || channel",
                extra=in_field,
            ),
            "celsius",
        ),
    )
    d.add(
        timeseries(
            "Rain",
            "Precipitation summed per interval.",
            series(["rainfall"], metric="device_name", agg="sum", extra=in_field),
            "lengthmm",
            bars=True,
            width=8,
        ),
        timeseries(
            "Leaf wetness",
            "Share of the time the leaf sensor is wet; long wet spells favour fungal disease.",
            series(["leaf_wetness"], extra=in_field),
            "percent",
            width=8,
        ),
        timeseries(
            "Air temperature and soil water tension",
            "Weather-station air temperature (°C) and tensiometer suction (kPa).",
            series(
                ["air_temperature", "soil_water_tension"],
                metric="device_name || ' ' || quantity",
                extra=in_field,
            ),
            width=8,
        ),
    )
    d.add(
        table(
            "Frost warnings",
            "Per sensor: lowest air or soil temperature in the range, readings at or below "
            "0 °C and when the last one was. Red = frost seen, orange = below 2 °C.",
            f"""
SELECT device_name, site, quantity,
       min(value) AS lowest,
       count(*) FILTER (WHERE value <= 0) AS frost_readings,
       max(time) FILTER (WHERE value <= 0) AS last_frost
FROM v_readings
WHERE $__timeFilter(time) AND NOT flagged
  AND {quantities("air_temperature", "soil_temperature")}
  AND {scope(*in_field)}
GROUP BY device_name, site, quantity
ORDER BY lowest""",
            overrides=[
                {
                    "matcher": {"id": "byName", "options": "lowest"},
                    "properties": [
                        {"id": "unit", "value": "celsius"},
                        {"id": "thresholds", "value": FROST},
                        {"id": "custom.cellOptions", "value": {"type": "color-background"}},
                    ],
                }
            ],
            width=16,
        ),
        stat(
            "Sensors near frost now",
            "Air and soil temperature sensors whose newest reading is at or below 2 °C.",
            f"""
SELECT count(*) FILTER (WHERE value <= 2) AS near_frost, count(*) AS sensors
FROM v_readings_latest
WHERE {quantities("air_temperature", "soil_temperature")} AND {scope(*in_field)}""",
            thresholds_=thresholds((None, "green"), (1, "red")),
            width=8,
            height=8,
        ),
    )
    d.add(
        table(
            "Field sensors",
            "The devices in the field, newest uplink first.",
            f"""
SELECT device_name, device_type, site, last_seen_at,
       extract(epoch FROM now() - last_seen_at) AS silent_for
FROM v_devices
WHERE {scope(*in_field)}
ORDER BY last_seen_at DESC NULLS LAST""",
            overrides=[
                {
                    "matcher": {"id": "byName", "options": "silent_for"},
                    "properties": [{"id": "unit", "value": "s"}],
                }
            ],
            width=24,
            height=6,
        ),
    )
    return d.to_json()

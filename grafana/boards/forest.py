"""Forest: microclimate, fire-risk indicators, tree growth."""

from __future__ import annotations

from grafana.boards.common import variables
from grafana.build import Dashboard, Json, table, thresholds, timeseries
from grafana.sql import Source, domain, quantities, rollup, scope, series

FOREST = domain("forest")

# Angström fire index I = RH/20 + (27 - T)/10 (T in °C, RH in %): below 2.5 fire is very
# likely, 2.5-4 likely, above 4 unlikely (as used by the Swedish and German services).
ANGSTROM = thresholds((None, "red"), (2.5, "orange"), (4, "green"))
T, RH = "quantity = 'air_temperature'", "quantity = 'relative_humidity'"


def angstrom_series() -> str:
    def branch(s: Source) -> str:
        return f"""
SELECT $__timeGroupAlias(time, $__interval), device_name AS metric,
       {s.avg(RH)} / 20 + (27 - {s.avg(T)}) / 10 AS value
FROM {s.table}
WHERE $__timeFilter(time) AND {s.guard}
  AND {quantities("air_temperature", "relative_humidity")} AND {scope(FOREST)}
GROUP BY 1, 2
HAVING count(*) FILTER (WHERE {T}) > 0 AND count(*) FILTER (WHERE {RH}) > 0"""

    return rollup(branch)


def dashboard() -> Json:
    d = Dashboard(
        uid="smartregion-forest",
        title="smartregion · Forest",
        description="Forest microclimate, fire-risk indicators (Angström index, dryness, "
        "wind) and tree growth from dendrometers and sap-flow sensors.",
        tags=["smartregion", "forest", "forestry"],
        variables=variables("forest"),
    )
    d.row("Microclimate")
    d.add(
        timeseries(
            "Air temperature",
            "Air temperature under the canopy.",
            series(["air_temperature"], within="forest"),
            "celsius",
            width=8,
        ),
        timeseries(
            "Relative humidity",
            "Relative humidity under the canopy.",
            series(["relative_humidity"], within="forest"),
            "humidity",
            width=8,
        ),
        timeseries(
            "Soil temperature",
            "Forest-floor temperature.",
            series(["soil_temperature"], within="forest"),
            "celsius",
            width=8,
        ),
    )
    d.row("Fire risk")
    d.add(
        timeseries(
            "Fire risk: Angström index",
            "RH/20 + (27 - T)/10 per station; below 2.5 (red) fire is very likely.",
            angstrom_series(),
            thresholds_=ANGSTROM,
            threshold_lines=True,
        ),
        table(
            "Fire risk now",
            "Newest temperature, humidity and Angström index per station, riskiest first.",
            f"""
SELECT t.device_name, t.value AS air_temperature, h.value AS relative_humidity,
       h.value / 20 + (27 - t.value) / 10 AS angstrom_index,
       greatest(t.time, h.time) AS updated
FROM v_readings_latest t
JOIN v_readings_latest h ON h.device_id = t.device_id AND h.quantity = 'relative_humidity'
WHERE t.quantity = 'air_temperature' AND {scope(domain("forest", "t"), alias="t")}
ORDER BY angstrom_index""",
            overrides=[
                {
                    "matcher": {"id": "byName", "options": "angstrom_index"},
                    "properties": [
                        {"id": "thresholds", "value": ANGSTROM},
                        {"id": "custom.cellOptions", "value": {"type": "color-background"}},
                    ],
                }
            ],
        ),
    )
    d.add(
        timeseries(
            "Wind",
            "Wind speed and gusts: wind drives a fire's spread.",
            series(
                ["wind_speed", "wind_gust"],
                within="forest",
                metric="device_name || ' ' || replace(quantity, '_', ' ')",
                agg="max",
            ),
            "velocityms",
        ),
        timeseries(
            "Rain",
            "Rain per interval at forest stations: long dry spells raise the fire risk.",
            series(["rainfall"], within="forest", agg="sum"),
            "lengthmm",
            bars=True,
        ),
    )
    d.row("Tree growth")
    d.add(
        timeseries(
            "Stem diameter change",
            "Dendrometer readings: daily shrink and swell on top of the season's growth.",
            series(["stem_diameter_change"], within="forest"),
            "suffix: µm",
        ),
        table(
            "Growth in the time range",
            "Per dendrometer: last minus first stem diameter change in the range, and the "
            "daily amplitude (a water-stress signal).",
            f"""
SELECT device_name,
       (array_agg(value ORDER BY time DESC))[1] - (array_agg(value ORDER BY time))[1]
           AS growth_um,
       max(value) - min(value) AS range_um,
       count(*) AS readings
FROM v_readings
WHERE $__timeFilter(time) AND NOT flagged AND quantity = 'stem_diameter_change'
  AND {scope(FOREST)}
GROUP BY device_name
ORDER BY growth_um DESC""",
            width=6,
        ),
        timeseries(
            "Sap flow",
            "Sap flow velocity: transpiration, and with it the tree's water use.",
            series(["sap_flow"], within="forest"),
            "suffix: cm/h",
            width=6,
        ),
    )
    return d.to_json()

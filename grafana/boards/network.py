"""Network (TTN community): gateways, uplinks heard, RSSI and SNR, online state, coverage."""

from __future__ import annotations

from grafana.boards.common import variables
from grafana.build import (
    Dashboard,
    Json,
    bargauge,
    geomap,
    piechart,
    stat,
    table,
    thresholds,
    timeseries,
)
from grafana.sql import scope

HEARD = f"$__timeFilter(time) AND {scope()}"
RSSI = thresholds((None, "red"), (-120, "orange"), (-105, "green"))
SNR = thresholds((None, "red"), (-10, "orange"), (0, "green"))


def per_gateway(value: str) -> str:
    return f"""
SELECT $__timeGroupAlias(time, $__interval), gateway_name AS metric, {value} AS value
FROM v_receptions
WHERE {HEARD}
GROUP BY 1, 2
ORDER BY 1, 2"""


def dashboard() -> Json:
    d = Dashboard(
        uid="smartregion-network",
        title="smartregion · Network",
        description="The community LoRaWAN network: gateways, what they hear, link quality "
        "and coverage. Device filters narrow the traffic counted.",
        tags=["smartregion", "network", "ttn"],
        variables=variables(),
    )
    d.row("Gateways")
    d.add(
        geomap(
            "Gateways",
            "Gateways with a known position; green = heard an uplink in the last 15 minutes.",
            """
SELECT gateway_name, gateway_eui, latitude, longitude, altitude, antenna_height_m,
       last_heard_at, CASE WHEN online THEN 1 ELSE 0 END AS online
FROM v_gateways
WHERE latitude IS NOT NULL AND longitude IS NOT NULL""",
            layer="Gateways",
            color_field="online",
            thresholds_=thresholds((None, "red"), (1, "green")),
        ),
        table(
            "Gateways: uplinks and devices heard, link quality, state",
            "Per gateway in the time range: uplinks heard, distinct devices heard, mean "
            "RSSI and SNR, and whether it was heard from in the last 15 minutes.",
            f"""
SELECT g.gateway_name, g.gateway_eui, g.online, g.last_heard_at,
       coalesce(s.uplinks, 0) AS uplinks_heard, coalesce(s.devices, 0) AS devices_heard,
       s.rssi_avg, s.snr_avg
FROM v_gateways g
LEFT JOIN (
    SELECT gateway_id, count(*) AS uplinks, count(DISTINCT device_id) AS devices,
           avg(rssi) AS rssi_avg, avg(snr) AS snr_avg
    FROM v_receptions
    WHERE {HEARD}
    GROUP BY gateway_id
) s ON s.gateway_id = g.gateway_id
ORDER BY uplinks_heard DESC, g.gateway_name""",
            overrides=[
                {
                    "matcher": {"id": "byName", "options": "rssi_avg"},
                    "properties": [{"id": "unit", "value": "dBm"}, {"id": "decimals", "value": 1}],
                },
                {
                    "matcher": {"id": "byName", "options": "snr_avg"},
                    "properties": [{"id": "unit", "value": "dB"}, {"id": "decimals", "value": 1}],
                },
            ],
        ),
    )
    d.add(
        stat(
            "Gateways online",
            "Gateways heard from in the last 15 minutes, of all visible gateways.",
            """
SELECT count(*) FILTER (WHERE online) AS online, count(*) AS gateways
FROM v_gateways""",
        ),
        bargauge(
            "Devices heard per gateway",
            "Distinct devices each gateway heard in the time range.",
            f"""
SELECT gateway_name, count(DISTINCT device_id) AS devices
FROM v_receptions
WHERE {HEARD}
GROUP BY gateway_name
ORDER BY devices DESC""",
            width=10,
        ),
        piechart(
            "Spreading factors",
            "Receptions per spreading factor: many SF11/SF12 links mean a thin network.",
            f"""
SELECT 'SF' || coalesce(spreading_factor::text, '?') AS spreading_factor, count(*) AS receptions
FROM v_receptions
WHERE {HEARD}
GROUP BY 1
ORDER BY 1""",
            width=8,
        ),
    )
    d.row("Traffic and link quality")
    d.add(
        timeseries(
            "Uplinks heard per gateway",
            "Receptions per gateway and interval (one uplink heard by three gateways counts "
            "once for each).",
            per_gateway("count(*)"),
            "short",
            bars=True,
            width=24,
        ),
        timeseries(
            "RSSI per gateway",
            "Mean received signal strength of the uplinks each gateway heard.",
            per_gateway("avg(rssi)"),
            "dBm",
            thresholds_=RSSI,
        ),
        timeseries(
            "SNR per gateway",
            "Mean signal-to-noise ratio; LoRa decodes down to about -20 dB at SF12.",
            per_gateway("avg(snr)"),
            "dB",
            thresholds_=SNR,
        ),
    )
    d.row("Coverage")
    d.add(
        geomap(
            "Coverage: best signal at each device position",
            "Where devices were heard from, coloured by the best RSSI any gateway measured "
            "(devices with a known position), and each gateway with how many devices it "
            "heard and its farthest link.",
            f"""
SELECT device_latitude AS latitude, device_longitude AS longitude,
       max(rssi) AS best_rssi, count(DISTINCT gateway_id) AS gateways
FROM v_receptions
WHERE {HEARD} AND device_latitude IS NOT NULL AND device_longitude IS NOT NULL
GROUP BY 1, 2""",
            layer="Best RSSI",
            color_field="best_rssi",
            thresholds_=RSSI,
            width=14,
        ).with_target(
            f"""
SELECT g.gateway_name, g.latitude, g.longitude, count(DISTINCT x.device_id) AS devices_heard,
       max(x.rssi) AS best_rssi, max(x.distance_m) AS farthest_m
FROM v_gateways g
JOIN v_receptions x ON x.gateway_id = g.gateway_id
WHERE $__timeFilter(x.time) AND {scope(alias="x")}
  AND g.latitude IS NOT NULL AND g.longitude IS NOT NULL
GROUP BY g.gateway_name, g.latitude, g.longitude""",
            layer="Gateways (devices heard)",
        ),
        table(
            "Signal by distance",
            "Mean RSSI and SNR of receptions by device-gateway distance (km, rounded).",
            f"""
SELECT round((distance_m / 1000)::numeric) AS distance_km, count(*) AS receptions,
       avg(rssi) AS rssi_avg, avg(snr) AS snr_avg
FROM v_receptions
WHERE {HEARD} AND distance_m IS NOT NULL
GROUP BY 1
ORDER BY 1""",
            width=10,
            height=12,
        ),
    )
    return d.to_json()

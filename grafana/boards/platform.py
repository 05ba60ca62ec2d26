"""Platform health: ingest rate, ingest lag, dead letters, decode errors by device type."""

from __future__ import annotations

from grafana.boards.common import variables
from grafana.build import Dashboard, Json, bargauge, stat, table, thresholds, timeseries
from grafana.sql import scope

UPLINKS = f"$__timeFilter(time) AND {scope()}"
LAG = thresholds((None, "green"), (5, "orange"), (60, "red"))

# Zero-filled buckets: an empty interval is a measured zero, not a gap.
BUCKETS = """generate_series(
           time_bucket('$__interval'::interval, $__timeFrom()::timestamptz),
           $__timeTo()::timestamptz, '$__interval'::interval) AS b(time)"""


def dashboard() -> Json:
    d = Dashboard(
        uid="smartregion-platform-health",
        title="smartregion · Platform health",
        description="Is data arriving, how late, and what is failing: ingest rate and lag, "
        "dead letters, decode errors by device type. Dead letters belong to no "
        "organisation and are visible to platform-wide roles only.",
        tags=["smartregion", "platform", "operations"],
        variables=variables(),
        time_from="now-24h",
    )
    d.row("Ingest")
    d.add(
        timeseries(
            "Ingest rate",
            "Uplinks stored per second, by network-server format (by the network's receive time).",
            f"""
SELECT $__timeGroupAlias(time, $__interval), source AS metric,
       count(*) / ($__interval_ms / 1000.0) AS value
FROM v_uplinks
WHERE {UPLINKS}
GROUP BY 1, 2
ORDER BY 1, 2""",
            "reqps",
        ),
        timeseries(
            "Ingest lag",
            "Time from the network server receiving an uplink to its row being committed "
            "(median, 95th percentile, maximum). Backfilled history shows as old data "
            "arriving late.",
            f"""
SELECT $__timeGroupAlias(time, $__interval),
       percentile_cont(0.5) WITHIN GROUP (ORDER BY ingest_lag_s) AS p50,
       percentile_cont(0.95) WITHIN GROUP (ORDER BY ingest_lag_s) AS p95,
       max(ingest_lag_s) AS max
FROM v_uplinks
WHERE {UPLINKS} AND ingest_lag_s IS NOT NULL
GROUP BY 1
ORDER BY 1""",
            "s",
            thresholds_=LAG,
        ),
    )
    d.add(
        stat(
            "Uplinks in range",
            "Uplinks stored in the time range.",
            f"SELECT count(*) AS uplinks FROM v_uplinks WHERE {UPLINKS}",
        ),
        stat(
            "Devices reporting",
            "Distinct devices with an uplink in the time range.",
            f"SELECT count(DISTINCT device_id) AS devices FROM v_uplinks WHERE {UPLINKS}",
        ),
        stat(
            "Ingest lag p95",
            "95th percentile of receive-to-commit time over the range.",
            f"""
SELECT percentile_cont(0.95) WITHIN GROUP (ORDER BY ingest_lag_s) AS p95_lag
FROM v_uplinks
WHERE {UPLINKS}""",
            unit="s",
            thresholds_=LAG,
        ),
        stat(
            "Uplinks kept raw",
            "Uplinks stored without a decoder (device type unknown yet): `smartregion "
            "reprocess` decodes them once the type is set.",
            f"""
SELECT count(*) FILTER (WHERE decoded_as IS NULL) AS raw_only
FROM v_uplinks
WHERE {UPLINKS}""",
            thresholds_=thresholds((None, "green"), (1, "orange")),
        ),
    )
    d.row("Dead letters")
    d.add(
        timeseries(
            "Dead letters",
            "Messages that could not be parsed (malformed envelopes, refused rows), per interval.",
            f"""
SELECT b.time AS time, count(l.time) AS dead_letters
FROM {BUCKETS}
LEFT JOIN v_dead_letters l
       ON l.time >= b.time AND l.time < b.time + '$__interval'::interval
GROUP BY 1
ORDER BY 1""",
            "short",
            bars=True,
            thresholds_=thresholds((None, "green"), (1, "red")),
        ),
        stat(
            "Dead letters in range",
            "Dead letters received in the time range.",
            "SELECT count(*) AS dead_letters FROM v_dead_letters WHERE $__timeFilter(time)",
            thresholds_=thresholds((None, "green"), (1, "red")),
        ),
        table(
            "Dead letters by reason",
            "Dead letters in the range by reason, most frequent first.",
            """
SELECT reason_kind, count(*) AS dead_letters, max(time) AS last_seen,
       min(reason) AS example
FROM v_dead_letters
WHERE $__timeFilter(time)
GROUP BY reason_kind
ORDER BY dead_letters DESC""",
            width=6,
        ),
    )
    d.row("Decoding")
    d.add(
        bargauge(
            "Decode errors by device type",
            "Share of each device type's uplinks whose payload did not decode.",
            f"""
SELECT device_type,
       100.0 * count(*) FILTER (WHERE decode_error_count > 0) / count(*) AS error_rate
FROM v_uplinks
WHERE {UPLINKS}
GROUP BY device_type
ORDER BY error_rate DESC, device_type""",
            unit="percent",
            thresholds_=thresholds((None, "green"), (0.1, "orange"), (5, "red")),
            minimum=0,
            width=8,
            height=10,
        ),
        timeseries(
            "Decode errors",
            "Uplinks with decode errors per interval, all device types together.",
            f"""
SELECT b.time AS time, count(e.time) AS decode_errors
FROM {BUCKETS}
LEFT JOIN v_decode_errors e
       ON e.time >= b.time AND e.time < b.time + '$__interval'::interval
      AND {scope(alias="e")}
GROUP BY 1
ORDER BY 1""",
            "short",
            bars=True,
            width=8,
            height=10,
        ),
        table(
            "Decode errors by device type and message",
            "What went wrong, per device type: the decoder's error text and how often.",
            f"""
SELECT device_type, error, count(*) AS uplinks, count(DISTINCT device_id) AS devices,
       max(time) AS last_seen
FROM v_decode_errors
WHERE {UPLINKS}
GROUP BY device_type, error
ORDER BY uplinks DESC""",
            width=8,
            height=10,
        ),
    )
    return d.to_json()

"""Hourly and daily rollups of readings.

Continuous aggregates need TimescaleDB's Community licence; the Apache edition (what
Debian builds) refuses them. Both editions get objects with the same names and columns,
so readers never branch: continuous aggregates with a refresh policy where the licence
allows, plain views over `readings` otherwise.
"""

from typing import Any

from yoyo import step

__depends__ = {"0002_timeseries"}
__transactional__ = (
    False  # CREATE MATERIALIZED VIEW ... WITH (timescaledb.continuous) refuses a transaction
)

ROLLUPS = (
    ("readings_hourly", "1 hour", "3 hours", "1 hour"),
    ("readings_daily", "1 day", "3 days", "1 hour"),
)

SELECT_TEMPLATE = """
    SELECT time_bucket(INTERVAL '{width}', time) AS bucket,
           device_id, quantity_id, channel,
           avg(value) AS value_avg, min(value) AS value_min, max(value) AS value_max,
           count(*) AS samples
    FROM readings
    WHERE NOT flagged
    GROUP BY bucket, device_id, quantity_id, channel
"""


def license_of(conn: Any) -> str:
    cursor = conn.cursor()
    cursor.execute("SELECT current_setting('timescaledb.license', true)")
    row = cursor.fetchone()
    return str(row[0]) if row and row[0] else "apache"


def apply(conn: Any) -> None:
    cursor = conn.cursor()
    community = license_of(conn) == "timescale"
    for name, width, start_offset, schedule in ROLLUPS:
        select = SELECT_TEMPLATE.format(width=width)
        if community:
            cursor.execute(
                f"CREATE MATERIALIZED VIEW {name} WITH (timescaledb.continuous) AS {select} "
                "WITH NO DATA"
            )
            cursor.execute(
                f"SELECT add_continuous_aggregate_policy('{name}', "
                f"start_offset => INTERVAL '{start_offset}', end_offset => INTERVAL '{width}', "
                f"schedule_interval => INTERVAL '{schedule}')"
            )
            cursor.execute(
                f"ALTER MATERIALIZED VIEW {name} SET (timescaledb.materialized_only = false)"
            )
        else:
            cursor.execute(f"CREATE VIEW {name} AS {select}")


def rollback(conn: Any) -> None:
    cursor = conn.cursor()
    community = license_of(conn) == "timescale"
    for name, *_ in ROLLUPS:
        kind = "MATERIALIZED VIEW" if community else "VIEW"
        cursor.execute(f"DROP {kind} IF EXISTS {name}")


steps = [step(apply, rollback)]

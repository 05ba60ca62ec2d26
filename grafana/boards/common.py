"""Template variables every dashboard has: organisation, device type, device."""

from __future__ import annotations

from grafana.build import Json, query_variable
from grafana.sql import ALL_ID, ALL_TEXT, DEVICE_TYPE, ORGANIZATION, domain


def variables(within: str | None = None) -> list[Json]:
    """Organisation, then device type and device narrowed by the choices before them."""
    in_domain = f" AND {domain(within)}" if within else ""
    return [
        query_variable(
            "organization",
            "Organisation",
            "SELECT organization AS __text, organization_id AS __value "
            "FROM v_organizations ORDER BY 1",
            ALL_ID,
        ),
        query_variable(
            "device_type",
            "Device type",
            f"SELECT DISTINCT device_type FROM v_devices WHERE {ORGANIZATION}{in_domain} "
            "ORDER BY 1",
            ALL_TEXT,
        ),
        query_variable(
            "device",
            "Device",
            "SELECT device_name AS __text, device_id AS __value FROM v_devices "
            f"WHERE {ORGANIZATION} AND {DEVICE_TYPE}{in_domain} ORDER BY 1",
            ALL_ID,
        ),
    ]

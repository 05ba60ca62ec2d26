"""Idempotent upload of the data source and dashboards to a running Grafana (grafana-client).

The data source is the one in `provisioning/datasources/smartregion.yaml`, with `${VAR}`
expanded the way Grafana's file provisioning expands it; the dashboards are the committed
`dashboards/*.json`. A second run changes nothing: the data source is written with the
same content (its password cannot be read back to compare), and a dashboard is only
saved when it differs from what Grafana holds, so no new dashboard versions pile up.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from grafana_client.api import GrafanaApi
from grafana_client.client import GrafanaClientError

logger = logging.getLogger(__name__)

HERE = Path(__file__).parent
DATASOURCE_FILE = HERE / "provisioning" / "datasources" / "smartregion.yaml"
DASHBOARDS = HERE / "dashboards"
FOLDER_UID = "smartregion"
FOLDER_TITLE = "smartregion"
ENV = re.compile(r"\$\{(\w+)\}|\$(\w+)")
# grafana-client's element methods carry no annotations; its API object is used untyped.
Api = Any
# Grafana adds these when it stores a dashboard; they are not part of its content.
VOLATILE = ("id", "version")


class ProvisionError(Exception):
    """The definition cannot be uploaded as it stands (missing setting, Grafana refused)."""


@dataclass
class Report:
    """What one run did, by object."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


def expand_env(value: Any, env: Mapping[str, str]) -> Any:
    """`$VAR` / `${VAR}` in every string, as Grafana provisioning does; unset is an error."""
    if isinstance(value, str):

        def replace(match: re.Match[str]) -> str:
            name = match.group(1) or match.group(2)
            if name not in env:
                raise ProvisionError(f"{name} is not set")
            return env[name]

        return ENV.sub(replace, value)
    if isinstance(value, dict):
        return {k: expand_env(v, env) for k, v in value.items()}
    if isinstance(value, list):
        return [expand_env(v, env) for v in value]
    return value


def load_datasource(env: Mapping[str, str], path: Path = DATASOURCE_FILE) -> dict[str, Any]:
    """The data source as the HTTP API takes it."""
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    (source,) = doc["datasources"]
    return dict(expand_env(source, env))


def load_dashboards(folder: Path = DASHBOARDS) -> list[dict[str, Any]]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.json"))]


def _missing(exc: GrafanaClientError) -> bool:
    return bool(exc.status_code == 404)


def _content(dashboard: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in dashboard.items() if k not in VOLATILE}


def upsert_datasource(api: Api, datasource: Mapping[str, Any], report: Report) -> None:
    uid = datasource["uid"]
    try:
        api.datasource.get_datasource_by_uid(uid)
    except GrafanaClientError as exc:
        if not _missing(exc):
            raise
        api.datasource.create_datasource(dict(datasource))
        report.created.append(f"datasource {uid}")
        return
    api.datasource.update_datasource_by_uid(uid, dict(datasource))
    report.updated.append(f"datasource {uid}")


def ensure_folder(api: Api, report: Report) -> None:
    try:
        api.folder.get_folder(FOLDER_UID)
    except GrafanaClientError as exc:
        if not _missing(exc):
            raise
        api.folder.create_folder(FOLDER_TITLE, uid=FOLDER_UID)
        report.created.append(f"folder {FOLDER_UID}")
        return
    report.unchanged.append(f"folder {FOLDER_UID}")


def upsert_dashboard(api: Api, dashboard: Mapping[str, Any], report: Report) -> None:
    uid = dashboard["uid"]
    try:
        stored = api.dashboard.get_dashboard(uid)
    except GrafanaClientError as exc:
        if not _missing(exc):
            raise
        stored = None
    if stored is not None:
        same_folder = stored.get("meta", {}).get("folderUid") == FOLDER_UID
        if same_folder and _content(stored.get("dashboard", {})) == _content(dashboard):
            report.unchanged.append(f"dashboard {uid}")
            return
    api.dashboard.update_dashboard(
        {
            "dashboard": {**_content(dashboard), "id": None},
            "folderUid": FOLDER_UID,
            "overwrite": True,
            "message": "smartregion grafana provision",
        }
    )
    (report.created if stored is None else report.updated).append(f"dashboard {uid}")


def provision(
    api: Api,
    datasource: Mapping[str, Any],
    dashboards: list[dict[str, Any]],
) -> Report:
    """Data source, folder, dashboards; safe to repeat."""
    report = Report()
    upsert_datasource(api, datasource, report)
    ensure_folder(api, report)
    for dashboard in dashboards:
        upsert_dashboard(api, dashboard, report)
    logger.info(
        "grafana provisioned",
        extra={"grafana_created": report.created, "grafana_updated": report.updated},
    )
    return report


def connect(url: str, token: str, organization_id: int | None = None) -> Api:
    api = GrafanaApi.from_url(url, credential=token, timeout=10.0)
    if organization_id is not None:  # from_url has no parameter for it; the client's header
        api.client.organization_id = organization_id
        api.client.s.headers["X-Grafana-Org-Id"] = str(organization_id)
    return api

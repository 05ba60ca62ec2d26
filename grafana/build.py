"""A small builder for Grafana dashboard JSON: panels, queries, variables, grid layout.

Only what our dashboards use, as plain functions returning dicts, so the generated JSON
is exactly what a reviewer reads in `grafana/dashboards/*.json` (schemaVersion 39,
Grafana 10.4 and later).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

DATASOURCE_UID = "smartregion"
DATASOURCE_TYPE = "grafana-postgresql-datasource"
DATASOURCE = {"type": DATASOURCE_TYPE, "uid": DATASOURCE_UID}
SCHEMA_VERSION = 39

Json = dict[str, Any]


def target(sql: str, fmt: str = "time_series", ref_id: str = "A") -> Json:
    """One raw-SQL query of a panel; `fmt` is Grafana's `time_series` or `table`."""
    return {
        "datasource": DATASOURCE,
        "editorMode": "code",
        "format": fmt,
        "rawQuery": True,
        "rawSql": sql.strip(),
        "refId": ref_id,
    }


def thresholds(*steps: tuple[float | None, str]) -> Json:
    """Absolute threshold steps; the first step's value must be None (the base colour)."""
    return {"mode": "absolute", "steps": [{"color": c, "value": v} for v, c in steps]}


GREEN = thresholds((None, "green"))


@dataclass
class Panel:
    """A panel before layout: the grid position is assigned by `Dashboard.add`."""

    kind: str
    title: str
    description: str
    targets: list[Json]
    width: int = 12
    height: int = 8
    unit: str | None = None
    thresholds: Json | None = None
    options: Json = field(default_factory=dict)
    custom: Json = field(default_factory=dict)
    overrides: list[Json] = field(default_factory=list)
    interval: str | None = None

    def with_target(self, sql: str, *, layer: str) -> Panel:
        """A geomap's next query, drawn as its own marker layer (refId B, C, ...)."""
        ref_id = chr(ord("A") + len(self.targets))
        self.targets.append(target(sql, "table", ref_id))
        first = self.options["layers"][0]
        self.options["layers"].append(
            {
                **first,
                "name": layer,
                "filterData": {"id": "byRefId", "options": ref_id},
                "config": {
                    **first["config"],
                    "style": {
                        **first["config"]["style"],
                        "color": {"fixed": "blue"},
                        "symbol": {"fixed": "img/icons/marker/triangle.svg"},
                    },
                },
            }
        )
        first.setdefault("filterData", {"id": "byRefId", "options": "A"})
        return self

    def to_json(self, panel_id: int, x: int, y: int) -> Json:
        defaults: Json = {"thresholds": self.thresholds or GREEN}
        if self.unit:
            defaults["unit"] = self.unit
        if self.custom:
            defaults["custom"] = self.custom
        out: Json = {
            "id": panel_id,
            "type": self.kind,
            "title": self.title,
            "description": self.description,
            "datasource": DATASOURCE,
            "gridPos": {"h": self.height, "w": self.width, "x": x, "y": y},
            "fieldConfig": {"defaults": defaults, "overrides": self.overrides},
            "options": self.options,
            "targets": self.targets,
        }
        if self.interval:
            out["interval"] = self.interval
        return out


def timeseries(
    title: str,
    description: str,
    sql: str,
    unit: str | None = None,
    *,
    bars: bool = False,
    thresholds_: Json | None = None,
    threshold_lines: bool = False,
    width: int = 12,
    height: int = 8,
) -> Panel:
    custom: Json = {
        "drawStyle": "bars" if bars else "line",
        "lineWidth": 1,
        "fillOpacity": 60 if bars else 10,
        "spanNulls": 3_600_000,
        "showPoints": "never",
    }
    if threshold_lines:
        custom["thresholdsStyle"] = {"mode": "line+area"}
    return Panel(
        "timeseries",
        title,
        description,
        [target(sql)],
        width,
        height,
        unit=unit,
        thresholds=thresholds_,
        custom=custom,
        options={
            "legend": {"displayMode": "list", "placement": "bottom", "showLegend": True},
            "tooltip": {"mode": "multi", "sort": "desc"},
        },
    )


def table(
    title: str,
    description: str,
    sql: str,
    *,
    unit: str | None = None,
    thresholds_: Json | None = None,
    overrides: list[Json] | None = None,
    width: int = 12,
    height: int = 8,
) -> Panel:
    return Panel(
        "table",
        title,
        description,
        [target(sql, "table")],
        width,
        height,
        unit=unit,
        thresholds=thresholds_,
        overrides=overrides or [],
        options={"showHeader": True, "cellHeight": "sm", "footer": {"show": False}},
    )


def stat(
    title: str,
    description: str,
    sql: str,
    *,
    unit: str | None = None,
    thresholds_: Json | None = None,
    width: int = 6,
    height: int = 4,
) -> Panel:
    return Panel(
        "stat",
        title,
        description,
        [target(sql, "table")],
        width,
        height,
        unit=unit,
        thresholds=thresholds_,
        options={
            "reduceOptions": {"calcs": ["lastNotNull"], "fields": "", "values": False},
            "colorMode": "value",
            "graphMode": "none",
            "textMode": "value_and_name",
        },
    )


def bargauge(
    title: str,
    description: str,
    sql: str,
    *,
    unit: str | None = None,
    thresholds_: Json | None = None,
    minimum: float | None = None,
    maximum: float | None = None,
    width: int = 12,
    height: int = 8,
) -> Panel:
    panel = Panel(
        "bargauge",
        title,
        description,
        [target(sql, "table")],
        width,
        height,
        unit=unit,
        thresholds=thresholds_,
        options={
            "displayMode": "gradient",
            "orientation": "horizontal",
            "reduceOptions": {"calcs": ["lastNotNull"], "fields": "", "values": True},
            "showUnfilled": True,
        },
    )
    if minimum is not None or maximum is not None:
        panel.overrides.append(
            {
                "matcher": {"id": "byType", "options": "number"},
                "properties": [
                    {"id": "min", "value": minimum},
                    {"id": "max", "value": maximum},
                ],
            }
        )
    return panel


def piechart(title: str, description: str, sql: str, *, width: int = 6, height: int = 8) -> Panel:
    return Panel(
        "piechart",
        title,
        description,
        [target(sql, "table")],
        width,
        height,
        options={
            "reduceOptions": {"calcs": ["lastNotNull"], "fields": "", "values": True},
            "legend": {"displayMode": "table", "placement": "right", "values": ["value"]},
            "pieType": "donut",
        },
    )


def geomap(
    title: str,
    description: str,
    sql: str,
    *,
    layer: str,
    color_field: str | None = None,
    thresholds_: Json | None = None,
    width: int = 12,
    height: int = 12,
) -> Panel:
    """Markers at `latitude`/`longitude` columns, centred on the Leipzig-Halle region."""
    color: Json = {"field": color_field, "fixed": "green"} if color_field else {"fixed": "green"}
    return Panel(
        "geomap",
        title,
        description,
        [target(sql, "table")],
        width,
        height,
        thresholds=thresholds_,
        options={
            "view": {"id": "coords", "lat": 51.38, "lon": 12.2, "zoom": 9},
            "controls": {"showZoom": True, "mouseWheelZoom": True},
            "basemap": {"type": "default", "name": "Basemap"},
            "layers": [
                {
                    "type": "markers",
                    "name": layer,
                    "location": {
                        "mode": "coords",
                        "latitude": "latitude",
                        "longitude": "longitude",
                    },
                    "config": {
                        "showLegend": True,
                        "style": {"color": color, "size": {"fixed": 6}, "opacity": 0.8},
                    },
                    "tooltip": True,
                }
            ],
            "tooltip": {"mode": "details"},
        },
    )


def query_variable(
    name: str,
    label: str,
    sql: str,
    all_value: str,
    *,
    multi: bool = True,
) -> Json:
    """A multi-value query variable with 'All' selected.

    `allValue` is a sentinel each query tests for (`-1 IN ($organization) OR ...`), so
    'All' never depends on the option list (which Grafana would otherwise inline).
    """
    return {
        "name": name,
        "label": label,
        "type": "query",
        "datasource": DATASOURCE,
        "query": sql.strip(),
        "definition": sql.strip(),
        "refresh": 2,
        "multi": multi,
        "includeAll": True,
        "allValue": all_value,
        "current": {"selected": True, "text": ["All"], "value": ["$__all"]},
        "options": [],
        "sort": 1,
        "hide": 0,
    }


@dataclass
class Dashboard:
    """Panels are placed left to right, wrapping at Grafana's 24 columns."""

    uid: str
    title: str
    description: str
    tags: list[str]
    variables: list[Json]
    time_from: str = "now-7d"
    items: list[Json] = field(default_factory=list)
    _x: int = 0
    _y: int = 0
    _row_height: int = 0

    def row(self, title: str, repeat: str | None = None) -> None:
        self._newline()
        row: Json = {
            "id": len(self.items) + 1,
            "type": "row",
            "title": title,
            "collapsed": False,
            "gridPos": {"h": 1, "w": 24, "x": 0, "y": self._y},
            "panels": [],
        }
        if repeat:
            row["repeat"] = repeat
        self.items.append(row)
        self._y += 1

    def add(self, *panels: Panel) -> None:
        for panel in panels:
            if self._x + panel.width > 24:
                self._newline()
            self.items.append(panel.to_json(len(self.items) + 1, self._x, self._y))
            self._x += panel.width
            self._row_height = max(self._row_height, panel.height)

    def _newline(self) -> None:
        self._y += self._row_height
        self._x, self._row_height = 0, 0

    def to_json(self) -> Json:
        return {
            "uid": self.uid,
            "title": self.title,
            "description": self.description,
            "tags": self.tags,
            "timezone": "browser",
            "editable": True,
            "graphTooltip": 1,
            "schemaVersion": SCHEMA_VERSION,
            "version": 1,
            "refresh": "5m",
            "time": {"from": self.time_from, "to": "now"},
            "timepicker": {},
            "fiscalYearStartMonth": 0,
            "liveNow": False,
            "annotations": {"list": []},
            "links": [
                {
                    "type": "dashboards",
                    "tags": ["smartregion"],
                    "asDropdown": True,
                    "title": "smartregion",
                    "includeVars": True,
                    "keepTime": True,
                }
            ],
            "templating": {"list": self.variables},
            "panels": self.items,
        }

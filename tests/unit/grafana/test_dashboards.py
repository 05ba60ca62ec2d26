"""The committed dashboards: generated, within the supported macros, on public views only."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from grafana.generate import DASHBOARDS, differences, render, write
from grafana.macros import unsupported

FILES = sorted(DASHBOARDS.glob("*.json"))
# Relations a query reads: after FROM or JOIN, not a sub-select or a function call.
RELATION = re.compile(r"\b(?:FROM|JOIN)\s+([a-z_][a-z0-9_.]*)(\s*\()?", re.IGNORECASE)


def boards() -> dict[str, dict[str, Any]]:
    return {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in FILES}


def all_panels(board: dict[str, Any]) -> list[dict[str, Any]]:
    return [p for top in board["panels"] for p in (top, *top.get("panels", []))]


def all_sql(board: dict[str, Any]) -> list[str]:
    panel_sql = [t["rawSql"] for p in all_panels(board) for t in p.get("targets", [])]
    return panel_sql + [v["query"] for v in board["templating"]["list"]]


def test_committed_json_is_what_the_generator_writes() -> None:
    assert differences() == [], "run `make grafana` and commit grafana/dashboards/"


def test_write_is_stable_and_removes_stale_files(tmp_path: Path) -> None:
    (tmp_path / "old.json").write_text("{}")
    assert len(write(tmp_path)) == len(render()) + 1
    assert write(tmp_path) == []
    assert sorted(p.name for p in tmp_path.glob("*.json")) == sorted(render())


def test_enough_dashboards_and_queries() -> None:
    queries = [sql for board in boards().values() for p in all_panels(board)
               for sql in (t["rawSql"] for t in p.get("targets", []))]  # fmt: skip
    assert len(FILES) >= 5
    assert len(queries) >= 20


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_dashboard_shape(path: Path) -> None:
    board = json.loads(path.read_text(encoding="utf-8"))
    assert board["uid"].startswith("smartregion-") and "id" not in board
    names = [v["name"] for v in board["templating"]["list"]]
    assert names[:3] == ["organization", "device_type", "device"]
    ids = [p["id"] for p in all_panels(board)]
    assert len(ids) == len(set(ids))
    for panel in all_panels(board):
        if panel["type"] == "row":
            continue
        grid = panel["gridPos"]
        assert grid["x"] >= 0 and grid["x"] + grid["w"] <= 24
        assert panel["targets"], panel["title"]
        for t in panel["targets"]:
            assert t["datasource"] == {"type": "grafana-postgresql-datasource",
                                       "uid": "smartregion"}  # fmt: skip
            assert t["rawQuery"] and t["format"] in ("time_series", "table")


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_queries_use_supported_macros_and_public_views_only(path: Path) -> None:
    for sql in all_sql(json.loads(path.read_text(encoding="utf-8"))):
        assert unsupported(sql) == [], sql
        for relation, call in RELATION.findall(sql):
            if call or relation.upper() == "LATERAL":
                continue  # generate_series(...), extract(epoch FROM now() ...)
            assert relation.lower().startswith("v_"), (relation, sql)


def test_unique_uids() -> None:
    uids = [b["uid"] for b in boards().values()]
    assert len(uids) == len(set(uids))

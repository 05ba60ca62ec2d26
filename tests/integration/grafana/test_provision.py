"""`smartregion grafana provision` against a local stand-in for Grafana's HTTP API.

Grafana itself cannot be installed on these machines; the stand-in implements the few
endpoints grafana-client calls, keeps their state, and records every request.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from typer.testing import CliRunner

from cli.main import app
from grafana.provision import FOLDER_UID, connect, load_dashboards, load_datasource, provision

TOKEN = "glsa_test_token"
ENV = {
    "SMARTREGION_GRAFANA_DB_HOST": "db.example:5432",
    "SMARTREGION_GRAFANA_DB_NAME": "smartregion",
    "SMARTREGION_GRAFANA_DB_USER": "grafana_reader",
    "SMARTREGION_GRAFANA_DB_SSLMODE": "require",
    "SMARTREGION_GRAFANA_DB_PASSWORD": "s3cret",
}


@dataclass
class Call:
    method: str
    path: str
    body: Any
    headers: dict[str, str]


@dataclass
class State:
    calls: list[Call] = field(default_factory=list)
    datasources: dict[str, Any] = field(default_factory=dict)
    folders: dict[str, Any] = field(default_factory=dict)
    dashboards: dict[str, dict[str, Any]] = field(default_factory=dict)

    def writes(self) -> list[tuple[str, str]]:
        return [(c.method, c.path) for c in self.calls if c.method != "GET"]


class Handler(BaseHTTPRequestHandler):
    state: State

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _reply(self, status: int, body: Any) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body: Any = json.loads(self.rfile.read(length)) if length else None
        s = self.state
        s.calls.append(Call(self.command, self.path, body, dict(self.headers)))
        if self.headers.get("Authorization") != f"Bearer {TOKEN}":
            return self._reply(401, {"message": "Unauthorized"})
        parts = self.path.split("?")[0].strip("/").split("/")
        match (self.command, parts):
            case ("GET", ["api", "datasources", "uid", uid]):
                if uid in s.datasources:
                    return self._reply(200, s.datasources[uid])
            case ("POST", ["api", "datasources"]):
                s.datasources[body["uid"]] = body
                return self._reply(200, {"message": "Datasource added", "id": 1})
            case ("PUT", ["api", "datasources", "uid", uid]) if uid in s.datasources:
                s.datasources[uid] = body
                return self._reply(200, {"message": "Datasource updated"})
            case ("GET", ["api", "folders", uid]):
                if uid in s.folders:
                    return self._reply(200, s.folders[uid])
            case ("POST", ["api", "folders"]):
                s.folders[body["uid"]] = {"uid": body["uid"], "title": body["title"], "id": 1}
                return self._reply(200, s.folders[body["uid"]])
            case ("GET", ["api", "dashboards", "uid", uid]):
                if uid in s.dashboards:
                    return self._reply(200, s.dashboards[uid])
            case ("POST", ["api", "dashboards", "db"]):
                board = body["dashboard"]
                old = s.dashboards.get(board["uid"])
                version = old["dashboard"]["version"] + 1 if old else 1
                stored = {**board, "id": 7, "version": version}
                s.dashboards[board["uid"]] = {
                    "dashboard": stored,
                    "meta": {"folderUid": body.get("folderUid", "")},
                }
                return self._reply(200, {"status": "success", "uid": board["uid"],
                                         "version": version})  # fmt: skip
            case _:
                return self._reply(400, {"message": f"unexpected {self.command} {self.path}"})
        return self._reply(404, {"message": "not found"})

    do_GET = do_POST = do_PUT = _handle


@pytest.fixture
def grafana() -> Iterator[tuple[str, State]]:
    state = State()
    handler = type("RecordingHandler", (Handler,), {"state": state})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def test_first_run_creates_then_nothing_changes(grafana: tuple[str, State]) -> None:
    url, state = grafana
    dashboards = load_dashboards()
    first = provision(connect(url, TOKEN), load_datasource(ENV), dashboards)
    assert len(first.created) == 2 + len(dashboards)  # data source, folder, dashboards
    ds = state.datasources["smartregion"]
    assert ds["type"] == "grafana-postgresql-datasource"
    assert ds["url"] == "db.example:5432" and ds["user"] == "grafana_reader"
    assert ds["jsonData"]["timescaledb"] is True and ds["jsonData"]["sslmode"] == "require"
    assert ds["secureJsonData"] == {"password": "s3cret"}
    assert set(state.dashboards) == {d["uid"] for d in dashboards}
    assert all(d["meta"]["folderUid"] == FOLDER_UID for d in state.dashboards.values())
    assert all(c.headers["Authorization"] == f"Bearer {TOKEN}" for c in state.calls)

    state.calls.clear()
    second = provision(connect(url, TOKEN), load_datasource(ENV), dashboards)
    assert second.created == [] and len(second.unchanged) == 1 + len(dashboards)
    assert state.writes() == [("PUT", "/api/datasources/uid/smartregion")]
    assert all(d["dashboard"]["version"] == 1 for d in state.dashboards.values())


def test_a_dashboard_changed_in_grafana_is_put_back(grafana: tuple[str, State]) -> None:
    url, state = grafana
    dashboards = load_dashboards()
    provision(connect(url, TOKEN), load_datasource(ENV), dashboards)
    uid = dashboards[0]["uid"]
    state.dashboards[uid]["dashboard"]["title"] = "edited in the UI"
    state.calls.clear()
    report = provision(connect(url, TOKEN), load_datasource(ENV), dashboards)
    assert report.updated == ["datasource smartregion", f"dashboard {uid}"]
    assert state.dashboards[uid]["dashboard"]["title"] == dashboards[0]["title"]
    assert ("POST", "/api/dashboards/db") in state.writes()


def test_cli_provision(grafana: tuple[str, State], monkeypatch: pytest.MonkeyPatch) -> None:
    url, state = grafana
    for name, value in ENV.items():
        monkeypatch.setenv(name, value)
    runner = CliRunner()
    result = runner.invoke(app, ["grafana", "provision", "--url", url, "--token", TOKEN,
                                 "--org-id", "3"])  # fmt: skip
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout.strip().splitlines()[-1])
    assert "datasource smartregion" in out["created"]
    assert all(c.headers.get("X-Grafana-Org-Id") == "3" for c in state.calls)
    again = runner.invoke(app, ["grafana", "provision", "--url", url, "--token", TOKEN])
    assert (
        again.exit_code == 0 and json.loads(again.stdout.strip().splitlines()[-1])["created"] == []
    )


def test_cli_needs_the_password_and_a_valid_token(
    grafana: tuple[str, State], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, state = grafana
    monkeypatch.delenv("SMARTREGION_GRAFANA_DB_PASSWORD", raising=False)
    runner = CliRunner()
    result = runner.invoke(app, ["grafana", "provision", "--url", url, "--token", TOKEN])
    assert result.exit_code == 2 and "SMARTREGION_GRAFANA_DB_PASSWORD" in result.output
    assert state.calls == []
    monkeypatch.setenv("SMARTREGION_GRAFANA_DB_PASSWORD", "x")
    refused = runner.invoke(app, ["grafana", "provision", "--url", url, "--token", "wrong"])
    assert refused.exit_code == 1 and "Grafana at" in refused.output

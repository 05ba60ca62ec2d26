"""`smartregion demo`: database, broker, ingestor, API and a publishing fleet, no configuration."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import typer

from cli.localstack import LocalStackError, free_port, start_mosquitto, start_postgres
from simulator.fleet import build_fleet
from storage.migrate import migrate
from storage.registry import DeviceImport, create_api_key, find_organization, import_devices

SEED = 1
# Owner per scenario site kind: the towns own their sensors and river gauges, a farm
# cooperative its fields, a forestry its woods (names as in the Grafana fixtures).
OWNERS = {
    "town": ("Stadt Leipzig", "municipality"),
    "river": ("Stadt Leipzig", "municipality"),
    "farm": ("Agrargenossenschaft Muldental", "farm"),
    "forest": ("Forstbetrieb Dübener Heide", "forestry"),
}


def _register_fleet(url: str, devices: int) -> tuple[str, str]:
    """Register the simulated irmd devices with type, position and owner (every other one
    open data); returns (admin key, farm member key)."""
    fleet = build_fleet(devices, SEED, "irmd")
    with psycopg.connect(url) as conn:
        for name, kind in sorted(set(OWNERS.values())):
            conn.execute(
                "INSERT INTO organizations (name, kind) VALUES (%s, %s) ON CONFLICT DO NOTHING",
                (name, kind),
            )
        for site_kind, (name, _) in OWNERS.items():
            org = find_organization(conn, name)
            import_devices(
                conn,
                [
                    DeviceImport(
                        dev_eui=d.dev_eui, name=d.name, type_id=d.type_id,
                        latitude=d.latitude, longitude=d.longitude,
                        altitude=d.place.elevation_m, open_data=d.index % 2 == 0,
                        tags={"site": d.site, "kind": d.kind, "district": d.district},
                    )
                    for d in fleet.devices
                    if d.site_kind == site_kind
                ],
                org.id,
            )  # fmt: skip
        admin = create_api_key(conn, find_organization(conn, "platform").id, "admin", "demo")
        farm = find_organization(conn, OWNERS["farm"][0])
        member = create_api_key(conn, farm.id, "member", "demo")
    return admin, member


def run_demo(
    data_dir: Path, api_port: int, devices: int, history_days: float, speed: float
) -> None:
    data_dir.mkdir(parents=True, exist_ok=True)
    stack: list[object] = []
    children: list[subprocess.Popen[bytes]] = []
    try:
        url = os.environ.get("SMARTREGION_DATABASE_URL")
        if not url:
            typer.echo("starting PostgreSQL+TimescaleDB ...")
            pg = start_postgres(data_dir / "postgres")
            stack.append(pg)
            url = pg.url
        typer.echo("starting Mosquitto ...")
        broker = start_mosquitto(data_dir / "mosquitto")
        stack.append(broker)
        migrate(url)
        admin_key, member_key = _register_fleet(url, devices)
        api_port = free_port(api_port)
        env = {
            **os.environ,
            "SMARTREGION_DATABASE_URL": url,
            "SMARTREGION_MQTT_URL": broker.url,
            "SMARTREGION_MQTT_CLIENT_ID": "smartregion-demo-ingest",
            "SMARTREGION_API_PORT": str(api_port),
        }
        exe = [sys.executable, "-m", "cli.main"]
        logs = data_dir / "logs"
        logs.mkdir(exist_ok=True)
        for name, args in (
            ("ingest", ["ingest"]),
            ("api", ["api", "--host", "127.0.0.1", "--port", str(api_port)]),
            ("simulate", ["simulate", "--scenario", "irmd", "--mqtt-url", broker.url,
                          "--devices", str(devices), "--seed", str(SEED),
                          "--backfill-days", str(history_days), "--speed", str(speed),
                          "--faults", "dup=0.01,malformed=0.002", "--no-progress"]),
        ):  # fmt: skip
            with (logs / f"{name}.log").open("ab") as log:
                children.append(subprocess.Popen([*exe, *args], env=env, stdout=log, stderr=log))
        time.sleep(2)
        base = f"http://127.0.0.1:{api_port}"
        typer.echo(
            f"""
smartregion demo is running: {devices} simulated devices of the Innovationsregion
Mitteldeutschland, {history_days:g} days of history, then live at {speed:g}x real time.

  API docs      {base}/docs
  open data     {base}/v1/devices            (no key: open data only)
  map view      {base}/v1/readings/latest
  admin key     {admin_key}
  farm member   {member_key}
  example       curl -H 'Authorization: Bearer {admin_key}' {base}/v1/devices
  database      {url}
  MQTT broker   {broker.url}
  logs          {logs}

Ctrl-C stops everything.
"""
        )
        signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
        while all(c.poll() is None for c in children):
            time.sleep(1)
        failed = [c.args for c in children if c.poll() is not None]
        typer.echo(f"a demo process stopped: {failed}; see {logs}", err=True)
    except LocalStackError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    except KeyboardInterrupt:
        typer.echo("stopping ...")
    finally:
        for child in reversed(children):
            child.send_signal(signal.SIGTERM)
        for child in reversed(children):
            try:
                child.wait(timeout=20)
            except subprocess.TimeoutExpired:
                child.kill()
        for service in reversed(stack):
            service.stop()  # type: ignore[attr-defined]

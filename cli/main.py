"""The `smartregion` command. Each command builds its settings, then calls one entry point."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from cli.bench import bench_app
from cli.grafana import grafana_app
from cli.logging import configure_logging

app = typer.Typer(
    name="smartregion",
    help="LoRaWAN data platform for the Innovationsregion Mitteldeutschland.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
devices_app = typer.Typer(help="Device registry.", no_args_is_help=True)
orgs_app = typer.Typer(help="Organisations.", no_args_is_help=True)
keys_app = typer.Typer(help="API keys.", no_args_is_help=True)
decoders_app = typer.Typer(help="Payload decoders.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(devices_app, name="devices")
app.add_typer(orgs_app, name="orgs")
app.add_typer(keys_app, name="keys")
app.add_typer(decoders_app, name="decoders")
app.add_typer(bench_app, name="bench")
app.add_typer(grafana_app, name="grafana")


class OrgKind(StrEnum):
    municipality = "municipality"
    farm = "farm"
    forestry = "forestry"
    community = "community"
    company = "company"


class Role(StrEnum):
    admin = "admin"
    org_admin = "org_admin"
    member = "member"


def fail(message: str, code: int = 2) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code)


def database_url() -> str:
    url = os.environ.get("SMARTREGION_DATABASE_URL", "").strip()
    if not url:
        raise fail(
            "SMARTREGION_DATABASE_URL is not set "
            "(e.g. postgresql://postgres@127.0.0.1:5432/smartregion)"
        )
    return url


@app.callback()
def main(
    log_level: Annotated[str, typer.Option(envvar="SMARTREGION_LOG_LEVEL")] = "INFO",
    log_json: Annotated[bool, typer.Option(envvar="SMARTREGION_LOG_JSON")] = False,
) -> None:
    """LoRaWAN data platform for the Innovationsregion Mitteldeutschland."""
    configure_logging(log_level, json=log_json)


# -- database ------------------------------------------------------------------------------
@db_app.command("migrate")
def db_migrate() -> None:
    """Apply pending schema migrations (a no-op when up to date)."""
    import psycopg

    from storage.migrate import migrate

    try:
        applied = migrate(database_url())
    except psycopg.OperationalError as exc:
        raise fail(f"cannot reach the database: {str(exc).splitlines()[0]}") from None
    typer.echo(
        f"applied {len(applied)} migration(s)" + (f": {', '.join(applied)}" if applied else "")
    )


@db_app.command("maintain")
def db_maintain(
    full: Annotated[bool, typer.Option(help="Recompute every rollup bucket.")] = False,
    deep: Annotated[bool, typer.Option(help="Also recompute the last 7 days.")] = False,
) -> None:
    """Refresh the rollup stores once (the API also does it every minute)."""
    from storage.maintenance import _main as refresh

    report = asyncio.run(refresh(database_url(), full=full, deep=deep))
    typer.echo(
        json.dumps(
            {
                "materialized": report.materialized,
                "skipped": report.skipped,
                "hourly_until": str(report.hourly_until),
                "daily_until": str(report.daily_until),
                "seconds": report.seconds,
            }
        )
    )


# -- services ------------------------------------------------------------------------------
@app.command()
def ingest() -> None:
    """Consume uplinks from MQTT into TimescaleDB until SIGTERM, then drain."""
    from pydantic import ValidationError

    from ingestor.service import run, tune_gc
    from ingestor.settings import IngestSettings

    try:
        settings = IngestSettings()
    except ValidationError as exc:
        raise fail(_settings_problem(exc)) from None
    if settings.ingest_workers > 1:
        from ingestor.workers import supervise

        raise typer.Exit(supervise(settings))
    tune_gc()  # a process-wide choice, so made here and not by the library
    asyncio.run(run(settings))


@app.command()
def api(
    host: Annotated[str | None, typer.Option(help="Interface to bind.")] = None,
    port: Annotated[int | None, typer.Option(help="TCP port (SMARTREGION_API_PORT).")] = None,
) -> None:
    """Serve the HTTP API."""
    import uvicorn
    from pydantic import ValidationError

    from api.app import create_app
    from api.settings import ApiSettings

    overrides: dict[str, Any] = {}
    if host is not None:
        overrides["api_host"] = host
    if port is not None:
        overrides["api_port"] = port
    try:
        settings = ApiSettings(**overrides)
    except ValidationError as exc:
        raise fail(_settings_problem(exc)) from None
    uvicorn.run(
        create_app(settings), host=settings.api_host, port=settings.api_port, log_config=None
    )


def _settings_problem(exc: Any) -> str:
    parts = []
    for err in exc.errors():
        name = "SMARTREGION_" + "_".join(str(p) for p in err["loc"]).upper()
        parts.append(f"{name}: {err['msg']}")
    return "; ".join(parts)


# -- decoders ------------------------------------------------------------------------------
def _decoded_json(decoded: Any) -> dict[str, Any]:
    from decoders.quantities import QUANTITIES

    readings = []
    for r in decoded.readings:
        item: dict[str, Any] = {
            "quantity": r.quantity,
            "value": r.value,
            "unit": QUANTITIES[r.quantity].unit if r.quantity in QUANTITIES else None,
        }
        if r.channel:
            item["channel"] = r.channel
        if r.time is not None:
            item["time"] = r.time.isoformat()
        readings.append(item)
    return {
        "data": dict(decoded.fields),
        "readings": readings,
        "warnings": list(decoded.warnings),
        "errors": list(decoded.errors),
        "notes": list(decoded.notes),
    }


def _hex_bytes(text: str) -> bytes:
    cleaned = "".join(text.split()).removeprefix("0x")
    try:
        return bytes.fromhex(cleaned)
    except ValueError:
        raise fail(f"--hex {text!r} is not hexadecimal") from None


@app.command()
def decode(
    type_id: Annotated[
        str | None, typer.Option("--type", help="Device type, vendor/model.")
    ] = None,
    fport: Annotated[int | None, typer.Option("--fport", min=0, max=255)] = None,
    hex_payload: Annotated[str | None, typer.Option("--hex", help="Payload as hex.")] = None,
    batch: Annotated[
        Path | None, typer.Option("--batch", help="JSONL of {fport, hex[, type]}.")
    ] = None,
    codec_js: Annotated[
        Path | None,
        typer.Option("--codec-js", help="Decode with this TTN/ChirpStack JavaScript codec."),
    ] = None,
) -> None:
    """Decode payloads and print JSON: {data, readings, warnings, errors, notes}.

    `warnings` are the decoder's or codec's own; `notes` the platform's (plausibility).
    """
    import decoders

    if codec_js is not None:
        _decode_with_codec(codec_js, type_id, fport, hex_payload, batch)
        return
    if batch is None:
        if type_id is None or fport is None or hex_payload is None:
            raise fail("give --type, --fport and --hex, or --batch FILE.jsonl")
        _require_type(type_id)
        result = decoders.decode(type_id, fport, _hex_bytes(hex_payload))
        typer.echo(json.dumps(_decoded_json(result), ensure_ascii=False))
        return

    def decode_line(item: dict[str, Any], port: int, payload: bytes) -> Any:
        line_type = item.get("type", type_id)
        if line_type is None:
            return "no type and no --type"
        return decoders.decode(line_type, port, payload)

    _decode_batch(batch, decode_line)


def _decode_batch(batch: Path, decode_line: Callable[[dict[str, Any], int, bytes], Any]) -> None:
    """One output object per input line, in order; a bad line answers with its error."""
    try:
        lines = batch.read_text().splitlines()
    except OSError as exc:
        raise fail(f"cannot read {batch}: {exc.strerror}") from None
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            payload = bytes.fromhex(item["hex"])
            port = int(item["fport"])
            result = decode_line(item, port, payload)
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            result = f"not {{fport, hex}}: {exc}"
        if isinstance(result, str):
            out = {
                "data": {}, "readings": [], "warnings": [], "errors": [f"line {n}: {result}"],
                "notes": [],
            }  # fmt: skip
            typer.echo(json.dumps(out))
        else:
            typer.echo(json.dumps(_decoded_json(result), ensure_ascii=False))


def _decode_with_codec(
    codec_js: Path,
    type_id: str | None,
    fport: int | None,
    hex_payload: str | None,
    batch: Path | None,
) -> None:
    """`decode --codec-js FILE`: the same output, decoded by a JavaScript codec in QuickJS."""
    from datetime import UTC, datetime

    from decoders.js import JsCodec

    if type_id is not None:
        raise fail("give --type or --codec-js, not both")
    if batch is None and (fport is None or hex_payload is None):
        raise fail("give --codec-js FILE with --fport and --hex, or with --batch FILE.jsonl")
    try:
        codec = JsCodec.from_file(codec_js)
    except (OSError, UnicodeDecodeError) as exc:
        raise fail(f"cannot read {codec_js}: {exc}") from None
    if batch is None:
        assert fport is not None and hex_payload is not None
        result = codec.decode(fport, _hex_bytes(hex_payload), recv_time=datetime.now(UTC))
        typer.echo(json.dumps(_decoded_json(result), ensure_ascii=False))
        return
    _decode_batch(
        batch, lambda _item, port, payload: codec.decode(port, payload, recv_time=datetime.now(UTC))
    )


def _require_type(type_id: str) -> None:
    import decoders

    if type_id not in decoders.CATALOG:
        close = [t for t in decoders.CATALOG if t.split("/")[-1] in type_id or type_id in t]
        hint = f"; did you mean {', '.join(sorted(close)[:5])}?" if close else ""
        raise fail(f"no decoder for {type_id!r}{hint} (see `smartregion decoders list`)")


@decoders_app.command("list")
def decoders_list() -> None:
    """JSON list of the decoders: id, vendor, model, category, f_ports, quantities."""
    import decoders

    typer.echo(json.dumps(decoders.list_decoders(), indent=2, ensure_ascii=False))


# -- registry ------------------------------------------------------------------------------
@orgs_app.command("create")
def orgs_create(
    name: str, kind: Annotated[OrgKind, typer.Option(help="What kind of organisation.")]
) -> None:
    """Create an organisation."""
    import psycopg

    from storage.errors import ConflictError
    from storage.registry import create_organization

    with psycopg.connect(database_url()) as conn:
        try:
            org = create_organization(conn, name, kind.value)
        except ConflictError as exc:
            raise fail(str(exc), 1) from None
    typer.echo(f"created organisation {org.name} ({org.kind}), id {org.id}")


def _organization(conn: Any, name: str) -> Any:
    """The named organisation, created (kind community, with a note) when it is missing."""
    from storage.errors import NotFoundError
    from storage.registry import create_organization, find_organization

    try:
        return find_organization(conn, name)
    except NotFoundError:
        typer.echo(
            f"note: created organisation {name!r} (kind community; "
            "`smartregion orgs create` sets another kind)",
            err=True,
        )
        return create_organization(conn, name, "community")


@keys_app.command("create")
def keys_create(
    org: Annotated[str, typer.Option(help="Organisation the key belongs to.")],
    role: Annotated[Role, typer.Option(help="admin is platform-wide.")],
    name: Annotated[str | None, typer.Option(help="A label for the key.")] = None,
) -> None:
    """Create an API key; it is printed once, last on its line, and stored only hashed."""
    import psycopg

    from storage.registry import create_api_key

    with psycopg.connect(database_url()) as conn:
        organization = _organization(conn, org)
        key = create_api_key(conn, organization.id, role.value, name)
    typer.echo(f"{role.value} key for {organization.name} (shown once, store it now): {key}")


@keys_app.command("list")
def keys_list(
    org: Annotated[str | None, typer.Option(help="Only this organisation's keys.")] = None,
) -> None:
    """JSON list of API keys (never the keys themselves: only their first characters)."""
    import psycopg
    from psycopg.rows import dict_row

    with psycopg.connect(database_url(), row_factory=dict_row) as conn:
        rows = conn.execute(
            "SELECT k.id, o.name AS organization, k.role, k.key_prefix, k.name, "
            "k.created_at, k.last_used_at, k.revoked_at FROM api_keys k "
            "JOIN organizations o ON o.id = k.organization_id "
            "WHERE %(org)s::text IS NULL OR o.name = %(org)s ORDER BY k.id",
            {"org": org},
        ).fetchall()
    typer.echo(json.dumps(rows, default=str, indent=2))


@keys_app.command("revoke")
def keys_revoke(key_id: Annotated[int, typer.Argument(help="The key's id (`keys list`).")]) -> None:
    """Revoke an API key from now on."""
    import psycopg

    with psycopg.connect(database_url()) as conn:
        row = conn.execute(
            "UPDATE api_keys SET revoked_at = coalesce(revoked_at, now()) WHERE id = %s "
            "RETURNING key_prefix",
            (key_id,),
        ).fetchone()
    if row is None:
        raise fail(f"no API key with id {key_id} (see `smartregion keys list`)", 1)
    typer.echo(f"revoked key {key_id} ({row[0]}…)")


@devices_app.command("import")
def devices_import(
    file: Annotated[
        Path, typer.Argument(help="CSV (dev_eui,name,type,latitude,longitude,open_data) or JSON.")
    ],
    org: Annotated[
        str | None, typer.Option(help="Owner; default: the first-sight organisation.")
    ] = None,
) -> None:
    """Register or update devices from a file; all rows are checked before any is written."""
    import psycopg

    import decoders
    from cli.device_file import DeviceFileError, read_device_file
    from storage.registry import import_devices

    try:
        devices = read_device_file(file)
    except DeviceFileError as exc:
        raise fail(f"{file}: nothing imported:\n{exc}", 1) from None
    org_name = org or os.environ.get("SMARTREGION_DEFAULT_ORGANIZATION", "community")
    with psycopg.connect(database_url()) as conn:
        created, updated = import_devices(conn, devices, _organization(conn, org_name).id)
    for t in sorted(
        {d.type_id for d in devices if d.type_id and d.type_id not in decoders.CATALOG}
    ):
        typer.echo(
            f"warning: no decoder for type {t!r} yet; its uplinks are kept raw "
            "(decode them later with `smartregion reprocess`)",
            err=True,
        )
    typer.echo(
        f"imported {len(devices)} device(s) into {org_name}: {created} new, {updated} updated"
    )


class SimFormat(StrEnum):
    ttn_v3 = "ttn-v3"
    chirpstack_v4_json = "chirpstack-v4-json"
    chirpstack_v4_protobuf = "chirpstack-v4-protobuf"


@app.command()
def simulate(
    scenario: Annotated[
        str, typer.Option(help="Bundled scenario name (irmd) or a scenario TOML file.")
    ] = "irmd",
    devices: Annotated[int, typer.Option(min=1, max=65535, help="Number of devices.")] = 50,
    seed: Annotated[int, typer.Option(help="Same seed, same fleet and values.")] = 1,
    count: Annotated[int | None, typer.Option(min=1, help="Stop after N messages.")] = None,
    duration: Annotated[
        float | None, typer.Option(min=0, help="Stop after SECONDS of wall-clock time.")
    ] = None,
    rate: Annotated[
        float | None, typer.Option(min=0, help="Publish UPLINKS_PER_S (accelerated).")
    ] = None,
    speed: Annotated[
        float | None,
        typer.Option(min=0, help="Simulated time per wall-clock time: 1 = real time."),
    ] = None,
    fmt: Annotated[SimFormat, typer.Option("--format")] = SimFormat.ttn_v3,
    mqtt_url: Annotated[str | None, typer.Option(help="Publish here with QoS 1.")] = None,
    output: Annotated[Path | None, typer.Option(help="Write JSONL here instead.")] = None,
    faults: Annotated[
        str | None,
        typer.Option(
            help="Fault probabilities, e.g. dup=0.01,malformed=0.001. Known: dup, redelivery, "
            "malformed, truncated, unknown_device, out_of_order, burst, gateway_outage."
        ),
    ] = None,
    backfill_days: Annotated[
        float | None,
        typer.Option(min=0, help="D days of history ending now, as fast as possible."),
    ] = None,
    progress: Annotated[bool, typer.Option(help="Progress bar on stderr.")] = True,
) -> None:
    """Publish a simulated region's uplinks to MQTT or write them as JSONL.

    Without a limit, publishing runs in real time until interrupted; with --count or
    --duration it runs accelerated from now; --backfill-days writes history up to now.
    """
    from simulator.run import Options, SimulationError, run
    from simulator.scenario import ScenarioError

    options = Options(
        scenario=scenario, devices=devices, seed=seed, count=count, duration=duration,
        rate=rate, speed=speed, fmt=fmt.value, mqtt_url=mqtt_url, output=output,
        faults=faults, backfill_days=backfill_days, progress=progress,
    )  # fmt: skip
    try:
        result = run(options)
    except (SimulationError, ScenarioError, ValueError) as exc:
        raise fail(str(exc)) from None
    except OSError as exc:
        raise fail(f"cannot deliver to {mqtt_url or output}: {exc}", 1) from None
    except KeyboardInterrupt:
        raise typer.Exit(130) from None
    typer.echo(json.dumps(result))


@app.command()
def demo(
    data_dir: Annotated[
        Path, typer.Option(help="Where the demo keeps its database and broker.")
    ] = Path(".smartregion/demo"),
    api_port: Annotated[int, typer.Option(help="Port of the HTTP API.")] = 8000,
    devices: Annotated[
        int, typer.Option(min=1, max=65535, help="Simulated devices of the irmd scenario.")
    ] = 150,
    history_days: Annotated[
        float, typer.Option(min=0, help="Days of history published before going live.")
    ] = 3.0,
    speed: Annotated[
        float, typer.Option(min=0.1, help="Live simulated time per wall-clock time.")
    ] = 1.0,
) -> None:
    """Run the whole platform locally with zero configuration until Ctrl-C."""
    from cli.demo import run_demo

    run_demo(
        data_dir.resolve(), api_port=api_port, devices=devices, history_days=history_days,
        speed=speed,
    )  # fmt: skip


@app.command()
def reprocess(
    device: Annotated[str | None, typer.Option("--device", help="Only this DevEUI.")] = None,
    dead_letters: Annotated[
        bool, typer.Option("--dead-letters", help="Also parse dead letters again.")
    ] = False,
) -> None:
    """Decode stored uplinks again (and dead letters) with the current decoders and types."""
    from cli.device_file import normalize_eui
    from ingestor.reprocess import reprocess as run_reprocess

    eui = None
    if device is not None:
        try:
            eui = normalize_eui(device)
        except ValueError as exc:
            raise fail(str(exc)) from None
    result = asyncio.run(run_reprocess(database_url(), eui))
    if dead_letters:
        from ingestor.reprocess import reprocess_dead_letters

        org = os.environ.get("SMARTREGION_DEFAULT_ORGANIZATION", "community")
        result |= {
            f"dead_letters_{k}": v
            for k, v in asyncio.run(reprocess_dead_letters(database_url(), org)).items()
        }
    typer.echo(json.dumps(result))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())

"""`smartregion bench ingest|query`: benchmarks that print one JSON object of figures."""

from __future__ import annotations

import json
import os
from typing import Annotated

import typer

bench_app = typer.Typer(help="Benchmarks (print one JSON object).", no_args_is_help=True)


@bench_app.command("ingest")
def bench_ingest(
    uplinks: Annotated[int, typer.Option(min=1000, help="Backlog size to drain.")] = 100_000,
    live_rate: Annotated[float, typer.Option(help="Offered live uplinks/s.")] = 6000.0,
    live_seconds: Annotated[float, typer.Option(help="Length of the live run.")] = 20.0,
) -> None:
    """Drain, live, COPY and naive-baseline figures for the ingestor."""
    from benchmarks.ingest import Plan, run_bench

    admin = os.environ.get(
        "SMARTREGION_BENCH_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
    )
    figures = run_bench(
        Plan(admin, uplinks=uplinks, live_rate=live_rate, live_seconds=live_seconds)
    )
    typer.echo(json.dumps(figures))


@bench_app.command("query")
def bench_query(
    devices: Annotated[int, typer.Option(min=10, help="Devices in the data set.")] = 1000,
    steps: Annotated[int, typer.Option(min=10, help="Timestamps per device (36 min).")] = 4000,
    requests: Annotated[int, typer.Option(min=20, help="Timed requests per query.")] = 200,
    database: Annotated[str, typer.Option(help="Benchmark database (created).")] = (
        "smartregion_bench"
    ),
    reload: Annotated[bool, typer.Option(help="Load afresh even if data is there.")] = False,
) -> None:
    """p95 through HTTP of latest-all, 30 d hourly, region 90 d daily, map (>= 20 M readings)."""
    from benchmarks.bench_query import run

    admin = os.environ.get(
        "SMARTREGION_BENCH_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
    )
    figures = run(
        admin,
        database=database,
        devices=devices,
        steps=steps,
        requests=requests,
        reload=reload,
        log=lambda line: typer.echo(line, err=True),
    )
    typer.echo(json.dumps(figures))

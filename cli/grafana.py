"""`smartregion grafana`: generate the dashboards, provision a running Grafana."""

from __future__ import annotations

import json
import os
from typing import Annotated

import typer

grafana_app = typer.Typer(help="Grafana dashboards and provisioning.", no_args_is_help=True)

# Defaults for the data source's connection settings; the password has none.
DEFAULTS = {
    "SMARTREGION_GRAFANA_DB_HOST": "127.0.0.1:5432",
    "SMARTREGION_GRAFANA_DB_NAME": "smartregion",
    "SMARTREGION_GRAFANA_DB_USER": "grafana_reader",
    "SMARTREGION_GRAFANA_DB_SSLMODE": "disable",
}


@grafana_app.command("generate")
def generate(
    check: Annotated[
        bool, typer.Option("--check", help="Only compare; exit 1 when a file differs.")
    ] = False,
) -> None:
    """Write grafana/dashboards/*.json from the generator."""
    from grafana.generate import differences, write

    if check:
        diff = differences()
        for name in diff:
            typer.echo(f"grafana/dashboards/{name} differs from the generator", err=True)
        raise typer.Exit(1 if diff else 0)
    for path in write():
        typer.echo(f"wrote {path}")


@grafana_app.command("provision")
def provision(
    url: Annotated[str, typer.Option(help="Grafana's base URL, e.g. http://grafana:3000.")],
    token: Annotated[
        str, typer.Option(envvar="SMARTREGION_GRAFANA_TOKEN", help="Service account token.")
    ],
    org_id: Annotated[
        int | None, typer.Option(help="Grafana organisation to provision into.")
    ] = None,
) -> None:
    """Upload the data source and dashboards to Grafana (idempotent).

    The data source connects as SMARTREGION_GRAFANA_DB_USER (default grafana_reader) to
    SMARTREGION_GRAFANA_DB_HOST / _NAME with SMARTREGION_GRAFANA_DB_PASSWORD.
    """
    from grafana_client.client import GrafanaException
    from niquests.exceptions import RequestException

    from grafana.provision import (
        ProvisionError,
        connect,
        load_dashboards,
        load_datasource,
    )
    from grafana.provision import (
        provision as run,
    )

    env = {**DEFAULTS, **os.environ}
    if not env.get("SMARTREGION_GRAFANA_DB_PASSWORD"):
        typer.echo(
            "error: SMARTREGION_GRAFANA_DB_PASSWORD is not set (the password of the data "
            "source's database role; it is never stored in the repository)",
            err=True,
        )
        raise typer.Exit(2)
    try:
        datasource = load_datasource(env)
        report = run(connect(url, token, org_id), datasource, load_dashboards())
    except ProvisionError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    except (GrafanaException, RequestException) as exc:
        typer.echo(f"error: Grafana at {url}: {exc}", err=True)
        raise typer.Exit(1) from None
    typer.echo(
        json.dumps(
            {"created": report.created, "updated": report.updated, "unchanged": report.unchanged}
        )
    )

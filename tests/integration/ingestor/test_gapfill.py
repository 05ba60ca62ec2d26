"""TTN gap-fill against a local HTTP server answering with recorded storage-integration data."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar
from urllib.parse import parse_qs, urlsplit

import psycopg
import pytest

from tests.fixtures.broker import Broker
from tests.fixtures.ingest import running_ingestor, scalar, wait_for

pytestmark = pytest.mark.integration

RECORDS = json.loads(
    (Path(__file__).parents[2] / "fixtures/network-servers/ttn-v3-storage-uplink-message.json")
    .read_text()
)["payload"]  # fmt: skip
EUI = RECORDS[0]["result"]["end_device_ids"]["dev_eui"]


class StorageIntegration(BaseHTTPRequestHandler):
    requests: ClassVar[list[dict[str, object]]] = []

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        type(self).requests.append(
            {
                "path": url.path,
                "query": parse_qs(url.query),
                "authorization": self.headers.get("Authorization"),
                "accept": self.headers.get("Accept"),
            }
        )
        if not url.path.endswith("/packages/storage/uplink_message"):
            self.send_error(404)
            return
        # as the docs show it: one object per line, blank lines between
        body = "\n\n".join(json.dumps(r) for r in RECORDS).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def storage_api() -> Iterator[str]:
    StorageIntegration.requests = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), StorageIntegration)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def stored_f_cnts(db: psycopg.Connection) -> list[int]:
    return [
        r[0]
        for r in db.execute(
            "SELECT u.f_cnt FROM uplinks u JOIN devices d ON d.id = u.device_id "
            "WHERE d.dev_eui = %s ORDER BY u.f_cnt",
            (EUI,),
        ).fetchall()
    ]


async def test_missed_uplinks_are_fetched_after_connecting_and_stored_once(
    database_url: str, broker: Broker, db: psycopg.Connection, storage_api: str
) -> None:
    settings = {
        "ttn_api_url": storage_api,
        "ttn_api_key": "NNSXS.secret-key",
        "ttn_applications": ["app1"],
    }
    async with running_ingestor(database_url, broker.url, **settings):
        await wait_for(lambda: stored_f_cnts(db) == [43, 44], what="the gap-filled uplinks")
    first = StorageIntegration.requests[0]
    assert first["path"] == "/api/v3/as/applications/app1/packages/storage/uplink_message"
    assert first["authorization"] == "Bearer NNSXS.secret-key"
    assert first["accept"] == "text/event-stream"
    assert "after" in first["query"] and "limit" in first["query"]  # type: ignore[operator]

    # a second start asks from the newest uplink it has, and adds nothing twice
    async with running_ingestor(database_url, broker.url, **settings):
        await wait_for(lambda: len(StorageIntegration.requests) >= 2, what="the second fetch")
    after = StorageIntegration.requests[1]["query"]["after"][0]  # type: ignore[index]
    newest = scalar(
        db,
        "SELECT max(received_at) FROM uplinks u JOIN devices d ON d.id = u.device_id "
        "WHERE d.dev_eui = %s",
        (EUI,),
    )
    assert after.startswith(newest.strftime("%Y-%m-%dT%H:%M:%S"))  # the newest uplink we hold
    assert stored_f_cnts(db) == [43, 44]


async def test_an_unreachable_storage_integration_does_not_stop_ingestion(
    database_url: str, broker: Broker, db: psycopg.Connection
) -> None:
    from netserver import Uplink, render
    from tests.fixtures.ingest import apublish
    from tests.integration.ingestor.test_ingest import random_eui, uplink, uplink_count

    eui = random_eui()
    message: Uplink = uplink(eui, b"\x01")
    async with running_ingestor(
        database_url, broker.url, ttn_api_url="http://127.0.0.1:9", ttn_api_key="k",
        ttn_applications=["nowhere"],
    ):  # fmt: skip
        await apublish(broker.url, [render(message, "ttn-v3")])
        await wait_for(lambda: uplink_count(db, eui) == 1, what="live ingestion")

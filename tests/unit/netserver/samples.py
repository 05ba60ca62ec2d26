"""Loads the network-server fixtures copied into tests/fixtures/network-servers/."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "network-servers"


@dataclass(frozen=True)
class Sample:
    name: str
    topic: str | None
    payloads: tuple[bytes, ...]  # the message bodies as they travel (one per record)
    document: dict[str, Any]


def names() -> list[str]:
    return sorted(path.name for path in FIXTURES.glob("*.json"))


def load(name: str) -> Sample:
    document = orjson.loads((FIXTURES / name).read_bytes())
    payloads: tuple[bytes, ...]
    if "protobuf" in name and "payload_hex" in document:
        payloads = (bytes.fromhex(document["payload_hex"]),)
    elif "payload_raw" in document:
        payloads = (document["payload_raw"].encode(),)
    elif isinstance(document["payload"], list):
        payloads = tuple(orjson.dumps(record) for record in document["payload"])
    else:
        payloads = (orjson.dumps(document["payload"]),)
    return Sample(name, document["topic"], payloads, document)


def body(name: str) -> dict[str, Any]:
    """A fresh copy of a JSON fixture's payload, for tests that alter one field."""
    payload = orjson.loads((FIXTURES / name).read_bytes())["payload"]
    assert isinstance(payload, dict)
    return payload

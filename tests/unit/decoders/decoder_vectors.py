"""Loads the `*.vectors.yaml` files that sit beside the decoders (shared by the unit tests)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC
from pathlib import Path
from typing import Any

import yaml

from decoders import Decoded

DECODERS_DIR = Path(__file__).resolve().parents[3] / "decoders"


@dataclass(frozen=True)
class Vector:
    """One uplink case: input bytes and what the decoder must return."""

    type_id: str
    description: str
    f_port: int
    payload: bytes
    fields: Mapping[str, Any] | None
    readings: Mapping[str, float] | None
    errors: tuple[str, ...]
    warnings: tuple[str, ...]


def vector_files() -> list[Path]:
    """Every vectors file beside the decoders, in a stable order."""
    return sorted(DECODERS_DIR.rglob("*.vectors.yaml"))


def load(path: Path) -> tuple[str, list[Vector]]:
    """The type id a file declares and its cases; malformed files fail loudly."""
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    type_id = document["type_id"]
    vectors = []
    for case in document["uplink"]:
        given = case["input"]
        if "hex" in given:
            assert isinstance(given["hex"], str), f"{path}: quote hex {given['hex']!r}"
            payload = bytes.fromhex(given["hex"])
        else:
            payload = bytes(given["bytes"])
        output = case.get("output", {})
        vectors.append(
            Vector(
                type_id=type_id,
                description=case["description"],
                f_port=given["fPort"],
                payload=payload,
                fields=output.get("data"),
                readings=case.get("readings"),
                errors=tuple(output.get("errors", ())),
                warnings=tuple(output.get("warnings", ())),
            )
        )
    return type_id, vectors


def all_vectors() -> list[Vector]:
    """Every case of every vectors file."""
    return [vector for path in vector_files() for vector in load(path)[1]]


def readings_map(decoded: Decoded, *, timed: bool = False) -> dict[str, float]:
    """Readings keyed `quantity` (channel 0) or `quantity#channel`, the vectors' notation.

    With `timed`, a reading that carries its own time (a datalog entry) is keyed
    `quantity@2021-01-19T04:27:03Z`, so a vector can hold every entry of a multi-sample
    frame; a vector opts in by writing such keys.
    """
    keyed: dict[str, float] = {}
    for reading in decoded.readings:
        key = reading.quantity if reading.channel == 0 else f"{reading.quantity}#{reading.channel}"
        if timed and reading.time is not None:
            key += "@" + reading.time.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        assert key not in keyed, f"duplicate reading {key}"
        keyed[key] = reading.value
    return keyed


def same(actual: Any, expected: Any, *, rel: float = 1e-9, abs_tol: float = 1e-9) -> bool:
    """Deep equality with numbers compared by value (27 == 27.0) within a tolerance."""
    if isinstance(expected, bool) or isinstance(actual, bool):
        return actual is expected
    if isinstance(expected, (int, float)) and isinstance(actual, (int, float)):
        return math.isclose(actual, expected, rel_tol=rel, abs_tol=abs_tol)
    if isinstance(expected, Mapping) and isinstance(actual, Mapping):
        return actual.keys() == expected.keys() and all(
            same(actual[k], expected[k], rel=rel, abs_tol=abs_tol) for k in expected
        )
    return bool(actual == expected)

"""Which catalogue device types the simulator can play, and the readings each one reports.

The decoder catalogue grows while the simulator runs unchanged, so nothing here lists types:
a type is usable when it has an encoder and a *template* (the set of `(quantity, channel)`
readings its encoder accepts). The template comes from the decoder's own documented vectors
(`*.vectors.yaml` beside each decoder: decode the vendor's example frame, keep its readings),
tried largest first, then every quantity on channel 0. The vendor example values double as the
device's nominal values (battery voltage, sensor mounting distances) and as a last-resort
payload should physics ever produce a value the encoder refuses.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

import decoders
from decoders import CATALOG, DecoderSpec, Reading
from simulator.scenario import Kind

Key = tuple[str, int]  # (quantity, channel)


@dataclass(frozen=True, slots=True)
class Template:
    spec: DecoderSpec
    keys: tuple[Key, ...]  # what the encoder is given, in a stable order
    example: tuple[Reading, ...]  # the vendor example's readings (nominal values)

    @property
    def type_id(self) -> str:
        return self.spec.type_id

    def nominal(self, quantity: str, default: float) -> float:
        for r in self.example:
            if r.quantity == quantity:
                return r.value
        return default


def _vector_frames() -> dict[str, list[tuple[int, bytes]]]:
    """(f_port, payload) of every documented uplink vector, by type id."""
    frames: dict[str, list[tuple[int, bytes]]] = {}
    root = Path(decoders.__file__).parent
    for path in sorted(root.rglob("*.vectors.yaml")):
        try:
            doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError):
            continue
        if not isinstance(doc, dict) or not isinstance(doc.get("type_id"), str):
            continue
        for vector in doc.get("uplink") or ():
            try:
                given = vector["input"]
                data = given.get("hex")
                payload = bytes.fromhex(data) if data is not None else bytes(given["bytes"])
                frames.setdefault(doc["type_id"], []).append((int(given["fPort"]), payload))
            except (KeyError, TypeError, ValueError):
                continue
    return frames


def _encodes(spec: DecoderSpec, readings: Sequence[Reading]) -> bool:
    assert spec.encode is not None
    try:
        f_port, payload = spec.encode(readings)
    except (ValueError, KeyError, TypeError, OverflowError):
        return False
    decoded = decoders.decode(spec.type_id, f_port, payload)
    return not decoded.errors


@functools.cache
def templates() -> dict[str, Template]:
    """Every catalogue type the simulator can produce payloads for, by type id."""
    frames = _vector_frames()
    found: dict[str, Template] = {}
    for type_id, spec in sorted(CATALOG.items()):
        if spec.encode is None:
            continue
        candidates: list[tuple[Reading, ...]] = []
        for f_port, payload in frames.get(type_id, ()):
            decoded = decoders.decode(type_id, f_port, payload)
            if not decoded.errors and decoded.readings:
                # the decoder's own readings: not the catalogue's battery estimate
                readings = tuple(
                    r for r in decoded.readings if r.time is None and r.quantity in spec.quantities
                )
                candidates.append(readings)
        candidates.sort(key=len, reverse=True)
        default = tuple(
            Reading(q, decoders.QUANTITIES[q].minimum if q in decoders.QUANTITIES else 0.0)
            for q in sorted(spec.quantities)
        )
        for readings in [*candidates, default]:
            keys = tuple(sorted({(r.quantity, r.channel) for r in readings}))
            # one reading per key: a frame may repeat a quantity on the same channel
            example = tuple({(r.quantity, r.channel): r for r in readings}.values())
            if keys and _encodes(spec, example):
                found[type_id] = Template(spec, keys, example)
                break
    return found


def _qualifies(template: Template, quantity_sets: Sequence[Sequence[str]]) -> bool:
    have = {q for q, _ in template.keys}
    return any(set(wanted) <= have for wanted in quantity_sets)


def candidates(kind: Kind) -> list[Template]:
    """Types that can play `kind`, best first: preferred ones, then any that qualifies,
    then the fallback, then (so a scenario never breaks) any usable type at all."""
    usable = templates()
    if not usable:
        raise RuntimeError("no decoder has a usable encoder; nothing to simulate")
    chosen = [usable[t] for t in kind.prefer if t in usable]
    sets = [kind.quantities, *kind.also]
    chosen += [
        t for tid, t in sorted(usable.items()) if tid not in kind.prefer and _qualifies(t, sets)
    ]
    if not chosen and kind.fallback in usable:
        chosen = [usable[kind.fallback]]
    if not chosen:
        chosen = [usable.get("cayenne/lpp") or next(iter(sorted(usable.values(), key=_tid)))]
    return chosen


def _tid(t: Template) -> str:
    return t.type_id

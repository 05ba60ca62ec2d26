"""A JS codec's output -> `Decoded`.

* ``decodeUplink`` (TTN v3, ChirpStack v4) returns ``{data, warnings, errors}``: ``data``
  becomes `Decoded.fields` (kept even when there are errors, as TTN's console shows it),
  ``warnings`` and ``errors`` are copied as strings. Other keys are ignored as TTN ignores
  them: a codec that returns its fields bare decodes to nothing, with a warning saying so.
* ``Decoder`` (TTN v2) and ``Decode`` (ChirpStack v3) return the data object itself.
* ``data`` must be a JSON object; anything else is an error (TTN rejects it too).
* ``decodeUplink`` may leave ``data`` out: with no ``errors`` that is an empty payload, as on
  TTN (a warning says so unless the codec gave warnings of its own).
* Values were made plain inside the engine the way TTN's engine (goja) hands them to Go:
  ``undefined`` members become ``null``, a ``Date`` becomes RFC 3339 as Go writes it
  (``2024-05-17T08:30:15.25Z``), a typed array becomes a list of numbers; beyond TTN,
  ``NaN``/``Infinity`` become ``null`` with a warning (TTN fails such a payload) and BigInt
  becomes a number (or a string when not exactly representable).
* Readings: from ``normalizeUplink`` when the codec has one (TTN's normalized payload schema),
  otherwise from the keys of ``data`` that the network-decoded fallback table maps
  unambiguously (`decoders.fallback`). Readings outside their plausible range are flagged in
  ``notes``, as `decoders.catalog.decode` does for Python decoders; so are this module's own
  remarks (non-finite values, normalizeUplink's warnings), leaving ``warnings`` the codec's.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from decoders import fallback, quantities
from decoders.model import Decoded, Reading

_OUTPUT_KEYS = ("data", "warnings", "errors")


def to_decoded(outcome: Mapping[str, Any]) -> Decoded:
    """Build a `Decoded` from the harness's outcome object (see ``harness.js``)."""
    if outcome.get("threw") is not None:
        return Decoded(errors=(f"codec threw: {outcome['threw']}",))
    kind = outcome.get("kind")
    result = json.loads(outcome["result"]) if outcome.get("result") is not None else None
    # The codec's own warnings exactly as it wrote them; ours are notes.
    warnings: list[str] = []
    ours = [f"codec returned {item}; stored as null" for item in outcome.get("nonFinite", ())]
    errors: list[str] = []
    if kind == "decodeUplink":
        if not isinstance(result, dict):
            return Decoded(errors=(f"decodeUplink returned {_describe(result)}, not an object",))
        data = result.get("data")
        warnings.extend(_strings(result.get("warnings")))
        errors.extend(_strings(result.get("errors")))
        stray = sorted(key for key in result if key not in _OUTPUT_KEYS)
        if data is None and stray:
            # TTN reads only data/warnings/errors: fields returned bare decode to nothing.
            named = ", ".join(stray[:5]) + (", ..." if len(stray) > 5 else "")
            ours.append(
                f"decodeUplink returned {named} but no data key; TTN ignores such fields, "
                "so nothing was decoded (wrap them in {data: ...})"
            )
    else:
        data = result
    if data is None:
        fields: dict[str, Any] = {}
        if kind != "decodeUplink":
            errors.append(f"{kind} returned no data")
        elif not errors and not warnings and not ours:
            # TTN takes {}, {warnings: [...]} or {errors: []} as an empty payload.
            ours.append("decodeUplink returned no data")
    elif isinstance(data, dict):
        fields = data
    else:
        fields = {}
        errors.append(f"{kind} returned data that is not an object: {_describe(data)}")

    readings: tuple[Reading, ...] = ()
    if not errors:
        if outcome.get("normalizeError") is not None:
            ours.append(f"normalizeUplink threw: {outcome['normalizeError']}")
        normalized = (
            json.loads(outcome["normalized"]) if outcome.get("normalized") is not None else None
        )
        if isinstance(normalized, dict) and any(key in normalized for key in _OUTPUT_KEYS):
            ours.extend(f"normalizeUplink: {w}" for w in _strings(normalized.get("warnings")))
            normalize_errors = _strings(normalized.get("errors"))
            ours.extend(f"normalizeUplink error: {e}" for e in normalize_errors)
            normalized = None if normalize_errors else normalized.get("data")
        if isinstance(normalized, dict | list) and normalized:
            readings = fallback.normalized_readings(normalized)
        else:
            readings = fallback.readings_from_network_decoded(fields)
        ours.extend(_implausible(readings))
    return Decoded(
        fields=fields,
        readings=readings,
        warnings=tuple(warnings),
        errors=tuple(errors),
        notes=tuple(ours),
    )


def _strings(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        return [item if isinstance(item, str) else json.dumps(item) for item in value]
    return [value if isinstance(value, str) else json.dumps(value)]


def _describe(value: Any) -> str:
    if value is None:
        return "nothing"
    text = json.dumps(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _implausible(readings: tuple[Reading, ...]) -> list[str]:
    out = []
    for reading in readings:
        quantity = quantities.QUANTITIES.get(reading.quantity)
        if quantity is not None and not quantities.is_plausible(reading.quantity, reading.value):
            out.append(
                f"{reading.quantity} {reading.value} {quantity.unit} outside plausible range "
                f"{quantity.minimum:g}..{quantity.maximum:g}"
            )
    return out

"""Value recall of the shared vectors through `smartregion decode --batch`, per TTN device.

    .venv/bin/python benchmarks/shared_recall.py [--json] [--all]

Recall as issue 3 defines it: a number in a vector's expected output counts as recalled when
it appears among the decoded `data` (fields, at any depth) or the `readings` values of the
same uplink. Every number of the expected output is counted: akenza's emits (all emit types,
`state` emits included) and ChirpStack's `data`; numbers written as strings ("0.00") count as
numbers; booleans do not. Two numbers match when they are equal after rounding ours to the
expected value's own decimals (akenza rounds) or within 1e-6 relative. Only devices with a
`ttn_id` are scored (the issue's 42); `--all` adds the other entries under the id our
conformance test maps them to. A case without an fPort is sent on fPort 1, as a checker that
knows no port would; the device's first documented port is tried too and both are printed.

The script runs the real CLI (one `decode --batch` per device and port choice), so it checks
what a user of the command gets, not an in-process shortcut.
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
VECTORS = ROOT / "tests" / "conformance" / "data" / "vectors.json"
CLI = [str(ROOT / ".venv" / "bin" / "smartregion")]


def numbers(value: Any) -> Iterator[float]:
    """Every number in a JSON value: ints, floats and numeric strings; not booleans."""
    if isinstance(value, bool) or value is None:
        return
    if isinstance(value, (int, float)):
        yield float(value)
    elif isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            return
        if math.isfinite(number):
            yield number
    elif isinstance(value, dict):
        for item in value.values():
            yield from numbers(item)
    elif isinstance(value, list):
        for item in value:
            yield from numbers(item)


def expected_numbers(device: dict[str, Any], case: dict[str, Any]) -> list[tuple[float, str]]:
    """(number, its text as the source wrote it) for every number the case expects."""
    expected = case["expected"]
    if device["expected_format"] == "chirpstack_decode":
        payload: Any = expected.get("data", {})
    else:
        payload = [emit.get("data", emit.get("value", {})) for emit in expected["emits"]]
    found: list[tuple[float, str]] = []
    _collect(payload, found)
    return found


def _collect(value: Any, out: list[tuple[float, str]]) -> None:
    if isinstance(value, bool) or value is None:
        return
    if isinstance(value, (int, float)):
        out.append((float(value), repr(value)))
    elif isinstance(value, str):
        out.extend((number, value) for number in numbers(value))
    elif isinstance(value, dict):
        for item in value.values():
            _collect(item, out)
    elif isinstance(value, list):
        for item in value:
            _collect(item, out)


def matches(ours: float, expected: float, text: str) -> bool:
    """Equal within 1e-6 relative, or equal once ours is rounded to the expected decimals."""
    if math.isclose(ours, expected, rel_tol=1e-6, abs_tol=1e-9):
        return True
    try:
        exponent = Decimal(text.strip()).as_tuple().exponent
    except ArithmeticError:
        return False
    if not isinstance(exponent, int):
        return False
    decimals = max(-exponent, 0)
    return (
        abs(round(ours, decimals) - expected) <= 0.5 * 10.0**-decimals + 1e-9
        and abs(ours - expected) <= 10.0**-decimals
    )


def decode_batch(type_id: str, lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Run `smartregion decode --type T --batch FILE` and parse one JSON object per line."""
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as handle:
        handle.write("".join(json.dumps(line) + "\n" for line in lines))
        path = handle.name
    try:
        result = subprocess.run(
            [*CLI, "decode", "--type", type_id, "--batch", path],
            capture_output=True,
            text=True,
            check=False,
        )
    finally:
        Path(path).unlink()
    if result.returncode != 0:
        return [{"data": {}, "readings": [], "errors": [result.stderr.strip()]} for _ in lines]
    return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]


def score(device_cases: list[tuple[dict[str, Any], dict[str, Any]]], type_id: str, port: str):  # type: ignore[no-untyped-def]
    """(recalled, total, misses) over the cases; `port` is 'one' or 'documented' for nulls."""
    from decoders import CATALOG

    spec = CATALOG.get(type_id)
    documented = min(spec.f_ports) if spec is not None and spec.f_ports else 1
    lines = []
    for _, case in device_cases:
        fport = case["fport"]
        if fport is None:
            fport = 1 if port == "one" else documented
        lines.append({"fport": fport, "hex": case["hex"]})
    outputs = decode_batch(type_id, lines)
    recalled = total = 0
    misses: list[str] = []
    for (device, case), output in zip(device_cases, outputs, strict=True):
        ours = list(numbers(output.get("data", {})))
        ours += [float(r["value"]) for r in output.get("readings", [])]
        for number, text in expected_numbers(device, case):
            total += 1
            if any(matches(value, number, text) for value in ours):
                recalled += 1
            else:
                misses.append(f"{case['description'][:40]}: {text}")
    return recalled, total, misses


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", action="store_true", help="one JSON object instead of a table")
    parser.add_argument("--all", action="store_true", help="also score entries without ttn_id")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "tests" / "conformance"))
    from test_vendor_examples import CODEC_TYPES  # the conformance test's id mapping

    vectors = json.loads(VECTORS.read_text(encoding="utf-8"))
    by_type: dict[str, list[tuple[dict[str, Any], dict[str, Any]]]] = {}
    for device in vectors["devices"]:
        type_id = device["ttn_id"]
        if type_id is None and args.all:
            type_id = CODEC_TYPES.get((device["source"], device["path"]))
        if type_id is None:
            continue
        by_type.setdefault(type_id, []).extend((device, case) for case in device["cases"])
    report = {}
    for type_id in sorted(by_type):
        cases = by_type[type_id]
        one = score(cases, type_id, "one")
        documented = score(cases, type_id, "documented")
        report[type_id] = {
            "recall_fport1": one[0] / one[1] if one[1] else 1.0,
            "recall_documented_port": documented[0] / documented[1] if documented[1] else 1.0,
            "numbers": one[1],
            "misses": one[2][:8],
        }
    passing = sum(1 for r in report.values() if r["recall_fport1"] >= 0.95)
    if args.json:
        print(json.dumps({"devices": report, "passing": passing, "of": len(report)}, indent=1))
        return 0
    for type_id, r in report.items():
        flag = "ok " if r["recall_fport1"] >= 0.95 else "LOW"
        print(
            f"{flag} {type_id:48} {r['recall_fport1']:6.3f} {r['recall_documented_port']:6.3f}"
            f" n={r['numbers']:3}  {'; '.join(r['misses'][:3])}"
        )
    print(f"{passing} of {len(report)} devices at >= 0.95 (fPort 1 for cases without a port)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

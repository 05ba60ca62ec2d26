"""`smartregion decode --codec-js FILE`: the JSON shape of the Python path, from a JS codec."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from cli.main import app

runner = CliRunner()
CODEC = Path(__file__).parent / "codecs" / "th_sensor.js"


def test_one_payload() -> None:
    result = runner.invoke(
        app, ["decode", "--codec-js", str(CODEC), "--fport", "1", "--hex", "0009297F0BB8"]
    )
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out == {
        "data": {"button": False, "temperature": 23.45, "humidity": 63.5, "battery": 3},
        "readings": [
            {"quantity": "air_temperature", "value": 23.45, "unit": "Cel"},
            {"quantity": "relative_humidity", "value": 63.5, "unit": "%"},
            {"quantity": "battery_voltage", "value": 3.0, "unit": "V"},
        ],
        "warnings": [],
        "errors": [],
        "notes": [],
    }


def test_batch_answers_every_line_in_order(tmp_path: Path) -> None:
    batch = tmp_path / "b.jsonl"
    batch.write_text(
        '{"fport": 1, "hex": "03FC18C80A8C"}\n'
        '{"fport": 9, "hex": "00"}\n'
        "not json\n"
        "\n"
        '{"fport": 2, "hex": "0107"}\n'
    )
    result = runner.invoke(app, ["decode", "--codec-js", str(CODEC), "--batch", str(batch)])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(lines) == 4
    assert all(set(line) == {"data", "readings", "warnings", "errors", "notes"} for line in lines)
    assert lines[0]["data"]["temperature"] == -10
    assert lines[0]["warnings"] == ["low battery"]
    assert lines[1]["errors"] == ["unknown FPort"]
    assert lines[2]["errors"][0].startswith("line 3:")
    assert lines[3]["data"] == {"firmware": "1.7"}


def test_hostile_codec_answers_with_errors_and_exit_0(tmp_path: Path) -> None:
    codec = tmp_path / "loop.js"
    codec.write_text("function decodeUplink(input) { while (true) {} }")
    result = runner.invoke(app, ["decode", "--codec-js", str(codec), "--fport", "1", "--hex", "00"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["errors"] == ["codec timed out after 100 ms"]


def test_usage_errors(tmp_path: Path) -> None:
    missing = runner.invoke(app, ["decode", "--codec-js", str(tmp_path / "no.js"), "--fport", "1",
                                  "--hex", "00"])  # fmt: skip
    assert missing.exit_code == 2
    assert "cannot read" in missing.output
    both = runner.invoke(
        app, ["decode", "--codec-js", str(CODEC), "--type", "cayenne/lpp", "--batch", "x"]
    )
    assert both.exit_code == 2
    no_payload = runner.invoke(app, ["decode", "--codec-js", str(CODEC)])
    assert no_payload.exit_code == 2

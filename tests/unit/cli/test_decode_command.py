"""`smartregion decode` and `decoders list`, as the CLI contract prints them."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from cli.main import app

runner = CliRunner()


def test_decode_one_payload_prints_data_readings_warnings_errors() -> None:
    result = runner.invoke(
        app,
        ["decode", "--type", "dragino/lse01", "--fport", "2", "--hex", "0b45000005dcff7e00c800"],
    )
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert set(out) == {"data", "readings", "warnings", "errors", "notes"}
    assert out["data"]["conduct_SOIL"] == 200
    readings = {r["quantity"]: (r["value"], r["unit"]) for r in out["readings"]}
    assert readings["soil_temperature"] == (-1.3, "Cel")
    assert readings["battery_voltage"] == (2.885, "V")
    assert out["errors"] == []


def test_decode_batch_answers_every_line_in_order(tmp_path: Path) -> None:
    batch = tmp_path / "b.jsonl"
    batch.write_text(
        '{"fport": 2, "hex": "0b45000005dcff7e00c800"}\n'
        '{"fport": 2, "hex": "0b"}\n'
        "not json\n"
        '{"fport": 1, "hex": "03670110", "type": "cayenne/lpp"}\n'
    )
    result = runner.invoke(app, ["decode", "--type", "dragino/lse01", "--batch", str(batch)])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(lines) == 4
    assert lines[0]["data"]["water_SOIL"] == 15.0 and not lines[0]["errors"]
    assert lines[1]["errors"]
    assert lines[2]["errors"] and "line 3" in lines[2]["errors"][0]
    assert lines[3]["data"] == {"temperature_3": 27.2}


def test_unknown_type_is_an_error_that_points_to_the_list() -> None:
    result = runner.invoke(app, ["decode", "--type", "dragino/nope", "--fport", "2", "--hex", "00"])
    assert result.exit_code != 0
    assert "decoders list" in result.output


def test_bad_hex_is_an_error() -> None:
    result = runner.invoke(
        app, ["decode", "--type", "dragino/lse01", "--fport", "2", "--hex", "zz"]
    )
    assert result.exit_code != 0
    assert "hexadecimal" in result.output


def test_decoders_list_shape() -> None:
    result = runner.invoke(app, ["decoders", "list"])
    assert result.exit_code == 0
    listed = json.loads(result.stdout)
    ids = {d["id"] for d in listed}
    assert {"dragino/lse01", "decentlab/dl-pr26", "browan/tbhh100", "cayenne/lpp"} <= ids
    for item in listed:
        assert set(item) >= {"id", "vendor", "model", "category", "f_ports", "quantities"}
        assert item["category"] in {"agriculture", "forestry", "smart_city", "generic"}

"""Import files: every bad row named with what to fix, nothing written from a bad file."""

from __future__ import annotations

from pathlib import Path

import pytest

from cli.device_file import DeviceFileError, normalize_eui, read_device_file


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_csv_with_the_documented_header(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "d.csv",
        "dev_eui,name,type,latitude,longitude,open_data\n"
        "a8-40-41-00-00-00-00-01,Sonde 1,dragino/lse01,51.3,12.4,true\n"
        "A840410000000002,,,,,\n",
    )
    first, second = read_device_file(path)
    assert first.dev_eui == "A840410000000001"
    assert (first.name, first.type_id, first.latitude, first.longitude, first.open_data) == (
        "Sonde 1", "dragino/lse01", 51.3, 12.4, True,
    )  # fmt: skip
    assert (second.name, second.type_id, second.latitude, second.open_data) == (
        None,
        None,
        None,
        False,
    )


def test_json_list_or_object(tmp_path: Path) -> None:
    devices = read_device_file(
        write(
            tmp_path,
            "d.json",
            '{"devices": [{"dev_eui": "a840410000000003", "type_id": "browan/tbhh100"}]}',
        )
    )
    assert devices[0].dev_eui == "A840410000000003"
    assert devices[0].type_id == "browan/tbhh100"


def test_every_bad_row_is_reported(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "bad.csv",
        "dev_eui,name,type,latitude\n"
        "12345,a,dragino/lse01,51\n"
        "A840410000000001,b,Dragino LSE01,51\n"
        "A840410000000002,c,,95\n"
        "A840410000000002,d,,50\n",
    )
    with pytest.raises(DeviceFileError) as info:
        read_device_file(path)
    message = str(info.value)
    assert "line 2" in message and "16 hexadecimal digits" in message
    assert "line 3" in message and "vendor/model" in message
    assert "line 4" in message and "latitude" in message
    assert "line 5" in message and "twice" in message


def test_unknown_column_names_the_expected_header(tmp_path: Path) -> None:
    with pytest.raises(DeviceFileError, match="dev_eui,name,type,latitude,longitude,open_data"):
        read_device_file(write(tmp_path, "d.csv", "dev_eui,colour\nA840410000000001,red\n"))


def test_empty_file_and_broken_json(tmp_path: Path) -> None:
    with pytest.raises(DeviceFileError, match="no devices"):
        read_device_file(write(tmp_path, "e.csv", "dev_eui,name\n"))
    with pytest.raises(DeviceFileError, match="not valid JSON"):
        read_device_file(write(tmp_path, "b.json", "[{"))
    with pytest.raises(DeviceFileError, match="cannot read"):
        read_device_file(tmp_path / "missing.csv")


@pytest.mark.parametrize(
    ("text", "eui"),
    [("a840410000000001", "A840410000000001"), ("A8:40:41:00:00:00:00:01", "A840410000000001")],
)
def test_normalize_eui(text: str, eui: str) -> None:
    assert normalize_eui(text) == eui


def test_normalize_eui_rejects_wrong_length() -> None:
    with pytest.raises(ValueError, match="16 hexadecimal"):
        normalize_eui("A84041")

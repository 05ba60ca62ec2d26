"""Cayenne LPP: the full extended type table, decoded record by record."""

from __future__ import annotations

import pytest

from decoders import Reading, decode
from decoders import cayenne_lpp as lpp

# (type id, name, data size) of the extended LPP table (IPSO object id - 3200).
EXPECTED_TABLE = {
    (0, "digital_input", 1), (1, "digital_output", 1), (2, "analog_input", 2),
    (3, "analog_output", 2), (100, "generic_sensor", 4), (101, "illuminance", 2),
    (102, "presence", 1), (103, "temperature", 2), (104, "humidity", 1),
    (113, "accelerometer", 6), (115, "barometer", 2), (116, "voltage", 2), (117, "current", 2),
    (118, "frequency", 4), (120, "percentage", 1), (121, "altitude", 2), (122, "load", 3),
    (125, "concentration", 2), (128, "power", 2), (130, "distance", 4), (131, "energy", 4),
    (132, "direction", 2), (133, "unixtime", 4), (134, "gyrometer", 6), (135, "colour", 3),
    (136, "gps", 9), (142, "switch", 1),
}  # fmt: skip


def test_type_table_is_complete() -> None:
    assert {(t.type_id, t.name, t.size) for t in lpp.LPP_TYPES} == EXPECTED_TABLE


@pytest.mark.parametrize(
    ("record", "field", "value"),
    [
        ("0100ff", "digital_input_1", 255),
        ("0201ff", "digital_output_2", 255),
        ("0302fe0c", "analog_input_3", -5.0),
        ("04030190", "analog_output_4", 4.0),
        ("056400010000", "generic_sensor_5", 65536),
        ("066503e8", "illuminance_6", 1000),
        ("076601", "presence_7", 1),
        ("0867ff9c", "temperature_8", -10.0),
        ("096890", "humidity_9", 72.0),
        ("0a7327d9", "barometer_10", 1020.1),
        ("0b74012c", "voltage_11", 3.0),
        ("0c7501f4", "current_12", 0.5),
        ("0d76000003e8", "frequency_13", 1000),
        ("0e7832", "percentage_14", 50),
        ("0f79ffce", "altitude_15", -50),
        ("107afffc18", "load_16", -1.0),
        ("117d01c2", "concentration_17", 450),
        ("128007d0", "power_18", 2000),
        ("138200002710", "distance_19", 10.0),
        ("14830000c350", "energy_20", 50.0),
        ("15840168", "direction_21", 360),
        ("16856553f100", "unixtime_22", 1700000000),
        ("178e00", "switch_23", 0),
        ("1886006400c8fed4", "gyrometer_24", {"x": 1.0, "y": 2.0, "z": -3.0}),
        ("1987010203", "colour_25", {"r": 1, "g": 2, "b": 3}),
    ],
)
def test_each_type_decodes(record: str, field: str, value: object) -> None:
    decoded = decode("cayenne/lpp", 1, bytes.fromhex(record))
    assert not decoded.errors, decoded.errors
    assert decoded.fields == {field: value}


def test_readings_carry_the_channel_and_canonical_unit() -> None:
    decoded = decode("cayenne/lpp", 1, bytes.fromhex("1382000027100867ff9c"))
    assert decoded.readings == (
        Reading("distance", 10_000.0, channel=19),  # LPP metres -> canonical millimetres
        Reading("air_temperature", -10.0, channel=8),
    )


def test_any_port_is_accepted() -> None:
    assert not decode("cayenne/lpp", 223, bytes.fromhex("0867ff9c")).errors


def test_repeated_channel_and_type_warns() -> None:
    decoded = decode("cayenne/lpp", 1, bytes.fromhex("0867ff9c08670010"))
    assert decoded.fields == {"temperature_8": 1.6}
    assert len(decoded.readings) == 2
    assert any("appears twice" in w for w in decoded.warnings)


def test_encode_gps_round_trip() -> None:
    readings = [Reading("latitude", 51.3397, 7), Reading("longitude", 12.3731, 7),
                Reading("altitude", 113.5, 7)]  # fmt: skip
    f_port, payload = lpp.encode(readings)
    assert payload[:2] == bytes((7, 136))
    decoded = decode("cayenne/lpp", f_port, payload)
    assert decoded.fields == {
        "gps_7": {"latitude": 51.3397, "longitude": 12.3731, "altitude": 113.5}
    }


@pytest.mark.parametrize(
    "readings",
    [[], [Reading("co2", 400.0)], [Reading("air_temperature", 5000.0)], [Reading("voltage", -1.0)]],
)
def test_encode_rejects_what_lpp_cannot_carry(readings: list[Reading]) -> None:
    with pytest.raises(ValueError):
        lpp.encode(readings)

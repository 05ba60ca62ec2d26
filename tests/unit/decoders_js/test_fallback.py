"""The network-decoded fallback table: TTN decoded/normalized payloads, ChirpStack objects."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from decoders import quantities
from decoders.fallback import (
    FLAT_KEYS,
    NORMALIZED_PATHS,
    normalize_key,
    normalized_readings,
    readings_from_network,
    readings_from_network_decoded,
)
from decoders.model import Reading


def test_every_mapped_quantity_is_in_the_vocabulary() -> None:
    targets = {q for q, _ in FLAT_KEYS.values()} | {q for q, _ in NORMALIZED_PATHS.values()}
    assert targets <= set(quantities.QUANTITIES)


def test_table_keys_are_already_normalised() -> None:
    assert all(normalize_key(key) == key for key in FLAT_KEYS)


@pytest.mark.parametrize(
    ("key", "normalised"),
    [
        ("TempC_SHT", "tempc_sht"),
        ("battery_mV", "battery_mv"),
        ("CO2Level", "co2_level"),
        ("relativeHumidity", "relative_humidity"),
        ("BatV", "batv"),
        ("pm2.5", "pm2_5"),
        ("PM1.0", "pm1_0"),
        ("PM10", "pm10"),
        ("water_SOIL", "water_soil"),
        ("LAeq", "laeq"),
        ("wind-speed (km/h)", "wind_speed_km_h"),
    ],
)
def test_key_normalisation(key: str, normalised: str) -> None:
    assert normalize_key(key) == normalised


def _readings(obj: dict[str, Any]) -> dict[str, float]:
    return {r.quantity: r.value for r in readings_from_network_decoded(obj)}


@pytest.mark.parametrize(
    ("obj", "expected"),
    [
        # Dragino LHT65-style keys
        ({"BatV": 3.05, "TempC_SHT": 21.5, "Hum_SHT": 48.2, "TempC_DS": 19.0},
         {"battery_voltage": 3.05, "air_temperature": 21.5, "relative_humidity": 48.2}),
        # Dragino LSE01-style soil keys
        ({"water_SOIL": 31.2, "temp_SOIL": 12.5, "conduct_SOIL": 420, "Bat": 3.3},
         {"soil_moisture": 31.2, "soil_temperature": 12.5, "soil_conductivity": 420.0}),
        # camelCase (ChirpStack objects often are)
        ({"airTemperature": 5.5, "relativeHumidity": 90, "co2": 612},
         {"air_temperature": 5.5, "relative_humidity": 90.0, "co2": 612.0}),
        # units in the key convert
        ({"pressure_Pa": 101325, "battery_mV": 3600, "wind_speed_kmh": 36, "distance_cm": 12.5},
         {"air_pressure": 1013.25, "battery_voltage": 3.6, "wind_speed": 10.0, "distance": 125.0}),
        ({"pm1.0": 3, "pm2.5": 7, "pm10": 12},
         {"pm1": 3.0, "pm2_5": 7.0, "pm10": 12.0}),
        ({"latitude": 51.34, "longitude": 12.37, "altitude": 113},
         {"latitude": 51.34, "longitude": 12.37, "altitude": 113.0}),
        # numbers sent as strings
        ({"TempC_SHT": "21.50", "Hum_SHT": " 40 "},
         {"air_temperature": 21.5, "relative_humidity": 40.0}),
        # yes/no quantities take booleans
        ({"presence": True, "door_open": False}, {"presence": 1.0, "door_open": 0.0}),
    ],
)  # fmt: skip
def test_unambiguous_keys_map(obj: dict[str, Any], expected: dict[str, float]) -> None:
    assert _readings(obj) == expected


@pytest.mark.parametrize(
    "obj",
    [
        {"pressure": 1013},  # hPa, Pa or kPa?
        {"air_pressure": 1013},  # no unit
        {"battery": 3.6},  # volts or percent?
        {"distance": 1200},
        {"wind_speed": 4},
        {"rain": 2},
        {"light": 300},
        {"tvoc": 100},
        {"ec": 1.2},
        {"temperature": 20},  # alone: air, soil or water?
        {"temperature": 20, "humidity": 40, "soil_moisture": 20},  # soil sensor
        {"temperature": 20, "humidity": 40, "ext_probe": 1},  # external probe
        {"humidity": 40, "water_SOIL": 30},  # soil sensor calling moisture "humidity"
        {"TempC_DS": 18.5},  # DS18B20 probe: anywhere
        {"presence": 3},
        {"TempC_SHT": "warm"},
        {"TempC_SHT": True},
        {"TempC_SHT": None},
        {"nested": {"temperature": 20}},
    ],
)
def test_ambiguous_or_unusable_keys_stay_fields(obj: dict[str, Any]) -> None:
    readings = _readings(obj)
    assert "air_temperature" not in readings
    assert "air_pressure" not in readings
    assert readings == {k: v for k, v in readings.items() if k in ("soil_moisture",)}


def test_bare_temperature_and_humidity_map_for_an_air_sensor() -> None:
    assert _readings({"temperature": 20.5, "humidity": 40}) == {
        "air_temperature": 20.5,
        "relative_humidity": 40.0,
    }
    assert _readings({"temp": 20.5, "rh": 40}) == {
        "air_temperature": 20.5,
        "relative_humidity": 40.0,
    }


def test_implausible_values_are_not_readings() -> None:
    # 3600 is not volts: a mislabelled millivolt reading, so no battery_voltage at all
    assert _readings({"battery_voltage": 3600, "TempC_SHT": 327.67, "co2": -5}) == {}


def test_conflicting_keys_give_no_reading() -> None:
    assert _readings({"air_temperature": 20.0, "TempC_SHT": 21.0}) == {}
    assert _readings({"air_temperature": 20.0, "TempC_SHT": 20.0}) == {"air_temperature": 20.0}


def test_non_mappings_give_nothing() -> None:
    assert readings_from_network_decoded([1, 2]) == ()  # type: ignore[arg-type]


# -- TTN normalized payload ------------------------------------------------------------------
def test_normalized_payload_maps_one_to_one() -> None:
    normalized = [
        {
            "time": "2024-05-17T08:30:00Z",
            "air": {
                "temperature": 21.3,
                "relativeHumidity": 45,
                "pressure": 1012.5,
                "co2": 640,
                "lightIntensity": 230,
                "location": "indoor",
            },
            "wind": {"speed": 3.2, "direction": 270},
            "water": {"leak": False, "temperature": {"current": 11.5, "min": 9}},
            "metering": {"water": {"total": 1234.5}},
            "action": {"motion": {"detected": True, "count": 4}, "contactState": "open"},
            "position": {"latitude": 51.48, "longitude": 11.97},
            "battery": 3.6,
        }
    ]
    when = datetime(2024, 5, 17, 8, 30, tzinfo=UTC)
    assert {(r.quantity, r.value) for r in normalized_readings(normalized)} == {
        ("air_temperature", 21.3),
        ("relative_humidity", 45.0),
        ("air_pressure", 1012.5),
        ("co2", 640.0),
        ("illuminance", 230.0),
        ("wind_speed", 3.2),
        ("wind_direction", 270.0),
        ("water_temperature", 11.5),
        ("water_volume", 1.2345),
        ("presence", 1.0),
        ("motion_count", 4.0),
        ("door_open", 1.0),
        ("latitude", 51.48),
        ("longitude", 11.97),
        ("battery_voltage", 3.6),
    }
    assert {r.time for r in normalized_readings(normalized)} == {when}


def test_normalized_soil_depths_become_channels_and_ec_converts() -> None:
    normalized = [
        {"soil": {"depth": 30, "moisture": 25.5, "temperature": 11.0, "ec": 0.42, "pH": 6.5}},
        {"soil": {"depth": 10, "moisture": 31.0}},
    ]
    assert normalized_readings(normalized) == (
        Reading("soil_moisture", 25.5, 1),
        Reading("soil_temperature", 11.0, 1),
        Reading("soil_conductivity", 420.0, 1),
        Reading("soil_moisture", 31.0, 0),
    )


def test_a_single_normalized_measurement_object_is_accepted() -> None:
    assert normalized_readings({"air": {"temperature": 4.5}}) == (Reading("air_temperature", 4.5),)
    assert normalized_readings("nonsense") == ()
    assert normalized_readings([{"time": "yesterday", "battery": "x"}, 5]) == ()


def test_normalized_first_then_flat_keys_for_what_is_missing() -> None:
    readings = readings_from_network(
        decoded={"TempC_SHT": 99.0, "co2": 500},
        normalized=[{"air": {"temperature": 20.0}}],
    )
    assert readings == (Reading("air_temperature", 20.0), Reading("co2", 500.0))
    assert readings_from_network() == ()

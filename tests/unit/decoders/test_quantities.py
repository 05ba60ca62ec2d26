"""The canonical vocabulary: size, UCUM-looking units, ranges and definition URIs."""

from __future__ import annotations

import math
import re
from urllib.parse import urlparse

import pytest

from decoders import quantities
from decoders.quantities import NERC, PROJECT_NAMESPACE, QUANTITIES, Quantity

# UCUM codes are printable ASCII without spaces; annotations in braces, arbitrary units in
# brackets. This rejects the usual mistakes: "°C", "µg/m³", "deg C", "ppm " and empty units.
UCUM_LIKE = re.compile(r"(?:[A-Za-z0-9.%/_\-]|\[[A-Za-z0-9_]+\]|\{[A-Za-z0-9_#]+\})+")

REQUIRED = {
    "air_temperature", "relative_humidity", "air_pressure", "co2", "battery_voltage",
    "battery_level", "soil_moisture", "soil_temperature", "soil_conductivity", "water_level",
    "distance", "rainfall", "wind_speed", "wind_direction", "illuminance", "solar_radiation",
    "par", "leaf_wetness", "pm1", "pm2_5", "pm10", "noise_level", "presence", "people_count",
    "parking_occupied", "fill_level", "stem_diameter_change", "sap_flow", "tvoc", "no2", "o3",
    "co", "water_pressure", "latitude", "longitude", "altitude", "door_open", "motion_count",
    "water_temperature", "dew_point", "uv_index", "voltage", "current", "energy",
    "pulse_count", "water_volume",
}  # fmt: skip


def test_vocabulary_is_large_enough() -> None:
    assert len(QUANTITIES) >= 35


def test_required_quantities_present() -> None:
    assert QUANTITIES.keys() >= REQUIRED, REQUIRED - QUANTITIES.keys()


@pytest.mark.parametrize("quantity", QUANTITIES.values(), ids=lambda q: q.name)
def test_entry_is_well_formed(quantity: Quantity) -> None:
    assert QUANTITIES[quantity.name] is quantity
    assert re.fullmatch(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*", quantity.name)
    assert UCUM_LIKE.fullmatch(quantity.unit), quantity.unit
    assert quantity.description
    assert math.isfinite(quantity.minimum) and math.isfinite(quantity.maximum)
    assert quantity.minimum < quantity.maximum
    uri = urlparse(quantity.definition)
    assert uri.scheme in {"http", "https"} and uri.netloc and uri.path
    assert quantity.definition.startswith((NERC, PROJECT_NAMESPACE))
    if quantity.definition.startswith(PROJECT_NAMESPACE):
        assert quantity.definition == PROJECT_NAMESPACE + quantity.name
    else:
        assert quantity.definition.endswith("/")


def test_known_ucum_codes() -> None:
    units = {name: q.unit for name, q in QUANTITIES.items()}
    assert units["air_temperature"] == "Cel"
    assert units["co2"] == "[ppm]"  # UCUM's parts-per-million is bracketed; "ppm" is not UCUM
    assert units["air_pressure"] == "hPa"
    assert units["soil_conductivity"] == "uS/cm"
    assert units["solar_radiation"] == "W/m2"


def test_definitions_are_unique_per_cf_name() -> None:
    nerc = [q.definition for q in QUANTITIES.values() if q.definition.startswith(NERC)]
    assert len(nerc) == len(set(nerc))


def test_get_and_plausibility() -> None:
    assert quantities.get("air_temperature").unit == "Cel"
    with pytest.raises(KeyError, match="unknown quantity"):
        quantities.get("temperature")
    assert quantities.is_plausible("air_temperature", 70)
    assert quantities.is_plausible("air_temperature", -60)
    assert not quantities.is_plausible("air_temperature", 412.0)
    assert not quantities.is_plausible("relative_humidity", math.nan)
    assert not quantities.is_plausible("distance", math.inf)
    # the catalogue's quick pass: the same answers, and False (not KeyError) when unknown
    assert quantities.is_known_and_plausible("air_temperature", 70)
    assert not quantities.is_known_and_plausible("air_temperature", 412.0)
    assert not quantities.is_known_and_plausible("relative_humidity", math.nan)
    assert not quantities.is_known_and_plausible("temperature", 20.0)


def test_vocabulary_is_read_only() -> None:
    with pytest.raises(TypeError):
        QUANTITIES["x"] = QUANTITIES["co2"]  # type: ignore[index]

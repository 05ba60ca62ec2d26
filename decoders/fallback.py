"""Network-decoded fallback: the network server's decoded object -> canonical readings.

When no decoder of ours applies, the network server may already have decoded the payload: TTN's
``decoded_payload`` (the output of a device-repository or user codec) and ``normalized_payload``
(the same codec's ``normalizeUplink``), ChirpStack's ``object``. This module turns those into
`Reading`s where the meaning is unambiguous, and only there; everything stays available as
fields anyway. Pure functions, no state.

Normalized payload (`normalized_readings`)
    TTN's device-repository schema (``lib/payload.json`` of TheThingsNetwork/lorawan-devices)
    fixes names *and* units, so it maps one to one (`NORMALIZED_PATHS`): for example
    ``air.temperature`` (°C) -> ``air_temperature``, ``soil.ec`` (dS/m) -> ``soil_conductivity``
    (uS/cm, x1000), ``metering.water.total`` (L) -> ``water_volume`` (m3, /1000),
    ``battery`` (V) -> ``battery_voltage``. A measurement's ``time`` becomes the reading's time.
    Several soil measurements at different ``soil.depth`` values get channels 0, 1, ... in order
    of increasing depth. ``soil.pH``, ``soil.n/p/k``, ``water.leak`` and ``air.location`` have no
    quantity in our vocabulary and are skipped. Values are not range-gated (the schema is
    explicit); out-of-range ones are flagged by the caller like any other reading.

Flat decoded objects (`readings_from_network_decoded`)
    Only the top-level keys of the object are read. A key is compared in a normalised form:
    camelCase words split, lower case, every run of other characters a single ``_``
    (``relativeHumidity`` -> ``relative_humidity``, ``TempC_SHT`` -> ``tempc_sht``,
    ``battery_mV`` -> ``battery_mv``, ``pm2.5`` -> ``pm2_5``).
    `FLAT_KEYS` lists what maps. The rules behind it:

    * A key maps only if it names the medium *and* implies the unit. ``air_temperature``,
      ``soil_temperature``, ``water_soil`` (Dragino's soil moisture, %), ``co2`` (always ppm)
      and the PM mass concentrations (always µg/m³) qualify; units in the key convert
      (``pressure_pa`` /100 -> hPa, ``battery_mv`` /1000 -> V, ``wind_speed_kmh`` /3.6 -> m/s,
      ``distance_cm`` x10 -> mm).
    * No magnitude guessing: ``pressure``, ``air_pressure`` (hPa, Pa or kPa?), ``battery`` (V or
      %?), ``distance``, ``wind_speed``, ``rain``, ``light``, ``level``, ``tvoc``, ``ec`` and
      ``conductivity`` stay fields.
    * ``temperature``/``temp`` alone could be air, soil or water. It maps to ``air_temperature``
      only when the same object has a bare humidity key (``humidity``, ``hum``, ``rh``, ...)
      and no key mentions another medium or an external probe (`MEDIUM_MARKERS`: soil, water,
      moisture, leaf, probe, ext, ...). ``humidity``/``hum`` alone maps to ``relative_humidity``
      under the same "no other medium" condition (soil sensors call their moisture "humidity").
    * Values: numbers, and strings holding a decimal number (vendors send ``"21.50"``);
      booleans only for yes/no quantities (presence, door open). A value outside the quantity's
      plausible range is *not* turned into a reading (the key was probably misread), and two
      keys giving the same quantity different values give no reading at all.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from types import MappingProxyType
from typing import Any

from decoders import quantities
from decoders.model import Reading

# -- flat keys -------------------------------------------------------------------------------

_FLAT: dict[str, tuple[str, float]] = {}


def _add(quantity: str, factor: float, *keys: str) -> None:
    for key in keys:
        assert key not in _FLAT, key
        _FLAT[key] = (quantity, factor)


_add(
    "air_temperature",
    1,
    "air_temperature",
    "air_temp",
    "temperature_air",
    "ambient_temperature",
    "outdoor_temperature",
    "indoor_temperature",
    "room_temperature",
    "tempc_sht",  # TempC_SHT: Dragino LHT65/LHT52/LSN50 internal SHT sensor (air)
)
_add(
    "relative_humidity",
    1,
    "relative_humidity",
    "humidity_relative",
    "air_humidity",
    "hum_sht",  # Dragino internal SHT sensor
)
_add("dew_point", 1, "dew_point", "dewpoint", "dew_point_temperature")
_add("air_pressure", 1, "air_pressure_hpa", "pressure_hpa", "barometric_pressure_hpa")
_add("air_pressure", 1, "pressure_mbar", "air_pressure_mbar", "barometric_pressure_mbar")
_add("air_pressure", 0.01, "air_pressure_pa", "pressure_pa", "barometric_pressure_pa")
_add("air_pressure", 10, "air_pressure_kpa", "pressure_kpa", "barometric_pressure_kpa")
_add("co2", 1, "co2", "co2_ppm", "carbon_dioxide", "co2_concentration")
_add("tvoc", 1, "tvoc_ppb")
_add("pm1", 1, "pm1", "pm1_0")
_add("pm2_5", 1, "pm2_5", "pm25")
_add("pm10", 1, "pm10", "pm10_0")
_add("wind_speed", 1, "wind_speed_ms", "wind_speed_m_s", "wind_speed_mps")
_add("wind_speed", 1 / 3.6, "wind_speed_kmh", "wind_speed_km_h")
_add("wind_direction", 1, "wind_direction", "wind_dir", "wind_direction_deg")
_add("rainfall", 1, "rainfall_mm", "rain_mm", "precipitation_mm")
_add("illuminance", 1, "illuminance", "illuminance_lux", "lux", "light_lux")
_add("uv_index", 1, "uv_index", "uvi")
_add("battery_voltage", 1, "battery_voltage", "bat_v", "batv", "battery_v", "vbat")
_add("battery_voltage", 0.001, "battery_mv", "bat_mv", "battery_voltage_mv", "vbat_mv")
_add(
    "battery_level",
    1,
    "battery_level",
    "battery_percent",
    "battery_percentage",
    "battery_pct",
    "bat_pct",
)
_add("soil_moisture", 1, "soil_moisture", "water_soil")  # water_SOIL: Dragino soil moisture, %
_add("soil_temperature", 1, "soil_temperature", "soil_temp", "temp_soil")
_add("soil_conductivity", 1, "conduct_soil", "soil_ec_us_cm")  # conduct_SOIL: Dragino, uS/cm
_add("water_temperature", 1, "water_temperature", "water_temp", "temp_water")
_add("distance", 1, "distance_mm")
_add("distance", 10, "distance_cm")
_add("distance", 1000, "distance_m")
_add("latitude", 1, "latitude", "lat")
_add("longitude", 1, "longitude", "lon", "lng")
_add("altitude", 1, "altitude", "alt", "altitude_m")
_add("noise_level", 1, "laeq", "noise_laeq", "la_eq")
_add("presence", 1, "presence")
_add("door_open", 1, "door_open")
_add("parking_occupied", 1, "parking_occupied")
_add("people_count", 1, "people_count", "person_count")
_add("motion_count", 1, "motion_count")

FLAT_KEYS: Mapping[str, tuple[str, float]] = MappingProxyType(_FLAT)
"""Normalised key -> (quantity, factor to the quantity's unit). Read the module docstring."""

BARE_TEMPERATURE_KEYS = frozenset({"temperature", "temp"})
BARE_HUMIDITY_KEYS = frozenset({"humidity", "hum", "rh", "relative_humidity", "hum_sht"})
MEDIUM_MARKERS = frozenset(
    {
        "soil",
        "water",
        "moisture",
        "leaf",
        "probe",
        "ext",
        "external",
        "ds",
        "ds18b20",
        "conductivity",
        "ec",
        "vwc",
        "tank",
        "pipe",
        "liquid",
        "sea",
        "pool",
        "river",
        "ground",
        "stem",
        "trunk",
    }
)
"""Key tokens that mean another medium is measured, so a bare temperature is not the air's."""

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z][a-z])")
_SEPARATORS = re.compile(r"[^a-z0-9]+")
_DECIMAL = re.compile(r"\s*[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\s*")


def normalize_key(key: str) -> str:
    """``relativeHumidity`` -> ``relative_humidity``, ``TempC_SHT`` -> ``tempc_sht``,
    ``battery_mV`` -> ``battery_mv``: a word break only before a capital followed by a small
    letter, so unit abbreviations stay whole."""
    return _SEPARATORS.sub("_", _CAMEL.sub("_", key).lower()).strip("_")


def _number(value: Any, quantity: str) -> float | None:
    if isinstance(value, bool):
        return float(value) if quantities.get(quantity).unit == "1" else None
    if isinstance(value, int | float) or (isinstance(value, str) and _DECIMAL.fullmatch(value)):
        number = float(value)
    else:
        return None
    return number if math.isfinite(number) else None


def readings_from_network_decoded(obj: Mapping[str, Any]) -> tuple[Reading, ...]:
    """Readings from a flat decoded object (TTN ``decoded_payload``, ChirpStack ``object``)."""
    if not isinstance(obj, Mapping):
        return ()
    keys = {normalize_key(str(k)): v for k, v in obj.items()}
    other_medium = any(token in MEDIUM_MARKERS for key in keys for token in key.split("_") if token)
    has_humidity = any(key in BARE_HUMIDITY_KEYS for key in keys)
    found: dict[str, list[float]] = {}
    for key, value in keys.items():
        rule = FLAT_KEYS.get(key)
        if rule is None and not other_medium:
            if key in BARE_TEMPERATURE_KEYS and has_humidity:
                rule = ("air_temperature", 1)
            elif key in BARE_HUMIDITY_KEYS:
                rule = ("relative_humidity", 1)
        if rule is None:
            continue
        quantity, factor = rule
        number = _number(value, quantity)
        if number is None:
            continue
        number = _clean(number * factor)
        if quantities.is_plausible(quantity, number):
            found.setdefault(quantity, []).append(number)
    return tuple(
        Reading(quantity, values[0])
        for quantity, values in found.items()
        if all(v == values[0] for v in values)
    )


def _clean(value: float) -> float:
    """Undo float noise from unit factors (0.1 * 3 -> 0.30000000000000004)."""
    return float(f"{value:.12g}")


# -- TTN normalized payload ------------------------------------------------------------------

NORMALIZED_PATHS: Mapping[tuple[str, ...], tuple[str, float]] = MappingProxyType(
    {
        ("air", "temperature"): ("air_temperature", 1),
        ("air", "relativeHumidity"): ("relative_humidity", 1),
        ("air", "pressure"): ("air_pressure", 1),  # hPa
        ("air", "co2"): ("co2", 1),  # ppm
        ("air", "lightIntensity"): ("illuminance", 1),  # lux
        ("soil", "moisture"): ("soil_moisture", 1),  # %
        ("soil", "temperature"): ("soil_temperature", 1),
        ("soil", "ec"): ("soil_conductivity", 1000),  # dS/m -> uS/cm
        ("wind", "speed"): ("wind_speed", 1),  # m/s
        ("wind", "direction"): ("wind_direction", 1),  # degrees
        ("water", "temperature", "current"): ("water_temperature", 1),
        ("metering", "water", "total"): ("water_volume", 0.001),  # L -> m3
        ("action", "motion", "detected"): ("presence", 1),
        ("action", "motion", "count"): ("motion_count", 1),
        ("position", "latitude"): ("latitude", 1),
        ("position", "longitude"): ("longitude", 1),
        ("battery",): ("battery_voltage", 1),  # V
    }
)
"""Path in one normalized measurement -> (quantity, factor). ``action.contactState`` ("open" /
"closed") maps to ``door_open`` 1/0 separately."""


def _path(measurement: Mapping[str, Any], path: Sequence[str]) -> Any:
    node: Any = measurement
    for part in path:
        if not isinstance(node, Mapping) or part not in node:
            return None
        node = node[part]
    return node


def _time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def normalized_readings(normalized: Sequence[Any] | Mapping[str, Any]) -> tuple[Reading, ...]:
    """Readings from a TTN normalized payload: a list of measurements, or one measurement."""
    if isinstance(normalized, Mapping):
        measurements: list[Mapping[str, Any]] = [normalized]
    elif isinstance(normalized, list | tuple):
        measurements = [m for m in normalized if isinstance(m, Mapping)]
    else:
        return ()
    depths = sorted(
        {
            float(d)
            for m in measurements
            if isinstance(d := _path(m, ("soil", "depth")), int | float) and not isinstance(d, bool)
        }
    )
    out: list[Reading] = []
    for measurement in measurements:
        when = _time(measurement.get("time"))
        depth = _path(measurement, ("soil", "depth"))
        soil_channel = depths.index(float(depth)) if isinstance(depth, int | float) else 0
        for path, (quantity, factor) in NORMALIZED_PATHS.items():
            number = _number(_path(measurement, path), quantity)
            if number is None:
                continue
            channel = soil_channel if path[0] == "soil" else 0
            out.append(Reading(quantity, _clean(number * factor), channel, when))
        contact = _path(measurement, ("action", "contactState"))
        if contact in ("open", "closed"):
            out.append(Reading("door_open", 1.0 if contact == "open" else 0.0, 0, when))
    return tuple(out)


def readings_from_network(
    decoded: Mapping[str, Any] | None = None,
    normalized: Sequence[Any] | Mapping[str, Any] | None = None,
) -> tuple[Reading, ...]:
    """Both sources of one uplink: normalized readings first, then flat-key readings of
    quantities the normalized payload did not give."""
    first = normalized_readings(normalized) if normalized else ()
    covered = {r.quantity for r in first}
    second = readings_from_network_decoded(decoded) if decoded else ()
    return first + tuple(r for r in second if r.quantity not in covered)

"""The canonical quantity vocabulary: what a `Reading` may measure, in which unit and range.

Storage and the API only ever see these names and units; vendor decoders convert at the edge.
The table follows the proposal in the data-ecosystem research (§3.5) and adds the quantities
the catalogued devices and the Cayenne LPP types need.

Conventions:
    * `name` is a snake_case id without a unit; it is stored in the database and never renamed.
    * `unit` is a case-sensitive UCUM code (`Cel`, `%`, `[ppm]`, `hPa`, `uS/cm`, ...). Booleans
      and ratios without a unit use `1`; counts use the annotation `{#}`.
    * `minimum`/`maximum` bound the *physically plausible* value, not the sensor's range: a
      reading outside them is kept but flagged (see `is_plausible`).
    * `definition` is the ObservedProperty definition URI. Where a CF standard name exists it is
      the NERC vocabulary URI `http://vocab.nerc.ac.uk/standard_name/<cf_name>/`. Otherwise it is
      in the project namespace `https://smartregion.dev/def/quantity/<name>`, which is stable:
      entries are added, never renamed or re-pointed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

NERC = "http://vocab.nerc.ac.uk/standard_name/"
PROJECT_NAMESPACE = "https://smartregion.dev/def/quantity/"


@dataclass(frozen=True, slots=True)
class Quantity:
    """One entry of the vocabulary."""

    name: str
    unit: str
    description: str
    minimum: float
    maximum: float
    definition: str


def _q(
    name: str, unit: str, description: str, minimum: float, maximum: float, cf: str | None = None
) -> Quantity:
    definition = f"{NERC}{cf}/" if cf else f"{PROJECT_NAMESPACE}{name}"
    return Quantity(name, unit, description, minimum, maximum, definition)


_ALL: tuple[Quantity, ...] = (
    # Weather and air
    _q("air_temperature", "Cel", "Air temperature", -60, 70, "air_temperature"),
    _q("relative_humidity", "%", "Relative humidity of air", 0, 100, "relative_humidity"),
    _q("dew_point", "Cel", "Dew point temperature", -80, 50, "dew_point_temperature"),
    _q("air_pressure", "hPa", "Air pressure at station height", 300, 1100, "air_pressure"),
    _q("wind_speed", "m/s", "Wind speed", 0, 75, "wind_speed"),
    _q("wind_gust", "m/s", "Wind speed of gust", 0, 100, "wind_speed_of_gust"),
    _q("wind_direction", "deg", "Direction the wind comes from", 0, 360, "wind_from_direction"),
    _q(
        "rainfall",
        "mm",
        "Precipitation amount in the reporting interval",
        0,
        500,
        "lwe_thickness_of_precipitation_amount",
    ),
    _q("rainfall_rate", "mm/h", "Rainfall intensity", 0, 500, "rainfall_rate"),
    _q(
        "solar_radiation",
        "W/m2",
        "Global (shortwave downwelling) radiation",
        0,
        2000,
        "surface_downwelling_shortwave_flux_in_air",
    ),
    _q("par", "umol/m2/s", "Photosynthetically active radiation (photon flux)", 0, 3000),
    _q("illuminance", "lx", "Illuminance", 0, 200_000),
    _q("uv_index", "{index}", "UV index", 0, 20),
    _q("snow_depth", "cm", "Snow depth", 0, 1000, "surface_snow_thickness"),
    # Air quality and noise
    _q(
        "co2",
        "[ppm]",
        "Carbon dioxide mole fraction",
        0,
        40_000,
        "mole_fraction_of_carbon_dioxide_in_air",
    ),
    _q("tvoc", "[ppb]", "Total volatile organic compounds", 0, 60_000),
    _q(
        "no2", "ug/m3", "Nitrogen dioxide", 0, 2000, "mass_concentration_of_nitrogen_dioxide_in_air"
    ),
    _q("o3", "ug/m3", "Ozone", 0, 1000, "mass_concentration_of_ozone_in_air"),
    _q("co", "mg/m3", "Carbon monoxide", 0, 1000, "mass_concentration_of_carbon_monoxide_in_air"),
    _q(
        "pm1",
        "ug/m3",
        "Particulate matter PM1",
        0,
        2000,
        "mass_concentration_of_pm1_ambient_aerosol_particles_in_air",
    ),
    _q(
        "pm2_5",
        "ug/m3",
        "Particulate matter PM2.5",
        0,
        2000,
        "mass_concentration_of_pm2p5_ambient_aerosol_particles_in_air",
    ),
    _q(
        "pm10",
        "ug/m3",
        "Particulate matter PM10",
        0,
        2000,
        "mass_concentration_of_pm10_ambient_aerosol_particles_in_air",
    ),
    _q(
        "formaldehyde",
        "ug/m3",
        "Formaldehyde (CH2O)",
        0,
        5000,
        "mass_concentration_of_formaldehyde_in_air",
    ),
    _q("noise_level", "dB", "A-weighted equivalent sound level (LAeq)", 0, 150),
    # Soil, plants, forestry
    _q(
        "soil_moisture",
        "%",
        "Volumetric soil water content",
        0,
        100,
        "volume_fraction_of_condensed_water_in_soil",
    ),
    _q("soil_temperature", "Cel", "Soil temperature", -40, 80, "soil_temperature"),
    _q("soil_conductivity", "uS/cm", "Bulk electrical conductivity of soil", 0, 50_000),
    _q("soil_water_tension", "kPa", "Soil water tension (suction)", 0, 1500),
    _q("soil_ph", "[pH]", "Soil pH", 0, 14),
    _q("soil_nitrogen", "mg/kg", "Soil nitrogen content (N)", 0, 10_000),
    _q("soil_phosphorus", "mg/kg", "Soil phosphorus content (P)", 0, 10_000),
    _q("soil_potassium", "mg/kg", "Soil potassium content (K)", 0, 10_000),
    _q("leaf_wetness", "%", "Leaf wetness", 0, 100),
    _q("leaf_temperature", "Cel", "Leaf surface temperature", -40, 80),
    _q(
        "stem_diameter_change", "um", "Stem or trunk diameter change (dendrometer)", -20_000, 20_000
    ),
    _q("sap_flow", "cm/h", "Sap flow heat-pulse velocity", -100, 300),
    # Water
    _q(
        "water_level",
        "cm",
        "Water level above the gauge datum",
        -1000,
        10_000,
        "water_surface_height_above_reference_datum",
    ),
    _q("water_temperature", "Cel", "Water temperature", -5, 50),
    _q("water_pressure", "bar", "Gauge pressure of water (hydrostatic or line)", -1, 100),
    _q("water_volume", "m3", "Cumulative water volume (meter reading)", 0, 1e9),
    _q("distance", "mm", "Distance from the sensor to a surface", 0, 50_000),
    _q("fill_level", "%", "Fill level of a container", 0, 100),
    # Smart city: occupancy and counting
    _q("presence", "1", "Presence detected (1) or not (0)", 0, 1),
    _q("parking_occupied", "1", "Parking space occupied (1) or free (0)", 0, 1),
    _q("door_open", "1", "Door or lid open (1) or closed (0)", 0, 1),
    _q("people_count", "{#}", "People counted in the reporting interval", 0, 100_000),
    _q("motion_count", "{#}", "Motion events counted", 0, 1_000_000),
    _q("pulse_count", "{#}", "Cumulative pulse counter", 0, 4_294_967_295),
    _q("smoke_alarm", "1", "Smoke alarm active (1) or not (0)", 0, 1),
    _q("traffic_count", "{#}", "Vehicles or cyclists counted in the reporting interval", 0, 1e6),
    _q("traffic_speed", "km/h", "Average speed of the counted traffic", 0, 400),
    # Structures and surfaces
    _q("tilt_angle", "deg", "Tilt angle of one axis against its reference position", -180, 180),
    _q("surface_temperature", "Cel", "Temperature of the surface a sensor is mounted on", -60, 150),
    # Electrical and device health
    _q("battery_voltage", "V", "Battery voltage", 0, 60),
    _q("battery_level", "%", "Battery state of charge", 0, 100),
    _q(
        "battery_level_estimate",
        "%",
        "Battery level estimated by the platform from the voltage and the documented pack",
        0,
        100,
    ),
    _q("voltage", "V", "Electrical voltage", -1000, 1000),
    _q("current", "A", "Electrical current", -1000, 1000),
    _q("power", "W", "Electrical power", -1e6, 1e6),
    _q("energy", "kW.h", "Cumulative electrical energy", 0, 1e9),
    _q("frequency", "Hz", "Frequency", 0, 1e9),
    _q("mass", "kg", "Mass (load cell)", -1e4, 1e5),
    # Position
    _q("latitude", "deg", "WGS84 latitude", -90, 90, "latitude"),
    _q("longitude", "deg", "WGS84 longitude", -180, 180, "longitude"),
    _q("altitude", "m", "Altitude above mean sea level", -500, 10_000, "altitude"),
    # Heat metering (district heating and cooling meters)
    _q("heat_energy", "kW.h", "Cumulative thermal energy (heat meter register)", 0, 1e10),
    _q("heat_power", "W", "Thermal power through a heat meter", -1e8, 1e8),
    _q("water_flow_rate", "m3/h", "Volume flow of water through a meter", -1e4, 1e4),
    _q("flow_temperature", "Cel", "Supply (flow) temperature of a heating circuit", -20, 200),
    _q("return_temperature", "Cel", "Return temperature of a heating circuit", -20, 200),
)

QUANTITIES: Mapping[str, Quantity] = MappingProxyType({q.name: q for q in _ALL})
"""Every quantity by name; read-only so no caller can change the vocabulary at run time."""


def get(name: str) -> Quantity:
    """The quantity called `name`; KeyError names it when it is not in the vocabulary."""
    try:
        return QUANTITIES[name]
    except KeyError:
        raise KeyError(f"unknown quantity {name!r}") from None


_BOUNDS: Mapping[str, tuple[float, float]] = MappingProxyType(
    {q.name: (q.minimum, q.maximum) for q in QUANTITIES.values()}
)


def is_known_and_plausible(name: str, value: float) -> bool:
    """`is_plausible` that answers False for a quantity outside the vocabulary instead of
    raising: the decoder catalogue's quick pass before it words any warning."""
    bounds = _BOUNDS.get(name)
    return bounds is not None and bounds[0] <= value <= bounds[1] and value - value == 0


def is_plausible(name: str, value: float) -> bool:
    """Whether `value` lies in the quantity's plausible range (NaN and infinities never do).

    On the ingest hot path: one dict lookup and two comparisons (NaN fails both).
    """
    bounds = _BOUNDS.get(name)
    if bounds is None:
        raise KeyError(f"unknown quantity {name!r}")
    return bounds[0] <= value <= bounds[1] and value - value == 0

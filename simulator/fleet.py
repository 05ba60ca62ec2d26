"""The devices and gateways of a simulated region, deterministic for a seed.

First slice of the simulator: devices of every catalogued type that has an encoder,
placed around Leipzig and Halle (Saale), heard by a handful of gateways.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import UTC, datetime

from decoders import CATALOG, DecoderSpec
from simulator.physics import readings_for

# (name, latitude, longitude) of places in the Innovationsregion Mitteldeutschland.
PLACES = (
    ("Leipzig Zentrum", 51.3397, 12.3731),
    ("Halle (Saale)", 51.4969, 11.9688),
    ("Markkleeberg", 51.2775, 12.3686),
    ("Delitzsch", 51.5256, 12.3425),
    ("Merseburg", 51.3544, 11.9929),
    ("Grimma", 51.2386, 12.7253),
    ("Naumburg", 51.1496, 11.8105),
    ("Bad Düben", 51.5917, 12.5853),
)

GATEWAYS = (
    ("Leipzig Uni-Riese", 51.3383, 12.3796, 142.0),
    ("Halle Roter Turm", 51.4829, 11.9697, 84.0),
    ("Delitzsch Wasserturm", 51.5237, 12.3340, 40.0),
    ("Grimma Rathaus", 51.2385, 12.7255, 30.0),
    ("Merseburg Dom", 51.3573, 11.9895, 45.0),
)


@dataclass(frozen=True, slots=True)
class SimDevice:
    dev_eui: str
    name: str
    spec: DecoderSpec
    latitude: float
    longitude: float
    application_id: str
    interval_s: float


@dataclass(frozen=True, slots=True)
class SimGateway:
    eui: str
    name: str
    latitude: float
    longitude: float
    height_m: float


def encodable_types() -> list[DecoderSpec]:
    """Device types the simulator can produce payloads for, in a stable order."""
    when = datetime(2026, 6, 1, 12, tzinfo=UTC)
    usable = []
    for _, spec in sorted(CATALOG.items()):
        if spec.encode is None:
            continue
        try:
            spec.encode(readings_for(spec.quantities, when, random.Random(0)))
        except ValueError:
            continue  # the encoder needs values this slice's physics cannot produce yet
        usable.append(spec)
    return usable


def build_fleet(count: int, seed: int) -> list[SimDevice]:
    """`count` devices, cycling through the encodable types, scattered around real places."""
    rng = random.Random(seed)
    types = encodable_types()
    if not types:
        raise RuntimeError("no decoder has an encoder; nothing to simulate")
    devices = []
    for i in range(count):
        spec = types[i % len(types)]
        place, lat, lon = PLACES[rng.randrange(len(PLACES))]
        distance_km = rng.uniform(0.2, 6.0)
        bearing = rng.uniform(0, 2 * math.pi)
        dlat = distance_km / 111.0 * math.cos(bearing)
        dlon = distance_km / (111.0 * math.cos(math.radians(lat))) * math.sin(bearing)
        vendor = spec.type_id.split("/")[0]
        devices.append(
            SimDevice(
                dev_eui=f"70B3D57ED0{seed % 256:02X}{i:04X}",
                name=f"{spec.model} {place} {i + 1}",
                spec=spec,
                latitude=round(lat + dlat, 6),
                longitude=round(lon + dlon, 6),
                application_id=f"irmd-{vendor}",
                interval_s=rng.choice((300.0, 600.0, 900.0)),
            )
        )
    return devices


def build_gateways(seed: int) -> list[SimGateway]:
    return [
        SimGateway(f"B827EBFFFE{seed % 256:02X}{i:04X}", name, lat, lon, height)
        for i, (name, lat, lon, height) in enumerate(GATEWAYS)
    ]

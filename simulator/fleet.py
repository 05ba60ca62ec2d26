"""The devices and gateways of a scenario, deterministic for a seed.

`--devices N` takes the first N device slots of an interleaving of the scenario (round-robin
over sites, and within a site over its kinds), so a small fleet still spans the region;
beyond the scenario's full size the slots repeat at new positions. Each device gets a
catalogue type for its kind, a position on its site, an application, a report interval that
keeps TTN's fair-use airtime, and its radio links (mean signal per gateway, ADR spreading
factor).
"""

from __future__ import annotations

import math
import re
import uuid
from dataclasses import dataclass
from pathlib import Path

from simulator import radio, rand
from simulator.devicetypes import Template, candidates
from simulator.physics import Place, Region
from simulator.scenario import Gateway, Kind, Scenario, Site, load_scenario

_POSITION, _INTERVAL, _SHADOW, _PHASE = 101, 102, 103, 104
LINK_RANGE_M = 40_000.0


@dataclass(frozen=True, slots=True)
class SimGateway:
    index: int
    eui: str
    gateway_id: str  # the TTN gateway id (a name), as hobbyists register them
    name: str
    district: str
    latitude: float
    longitude: float
    height_m: float
    elevation_m: float


@dataclass(frozen=True, slots=True)
class Link:
    gateway: int  # index into Fleet.gateways
    signal_dbm: float  # median signal including this pair's fixed shadowing


@dataclass(frozen=True, slots=True)
class SimDevice:
    index: int
    dev_eui: str
    device_id: str  # TTN device id
    name: str  # human name (ChirpStack device name, registry name)
    kind: str
    template: Template
    site: str
    site_kind: str
    district: str
    latitude: float
    longitude: float
    application_id: str  # TTN application id
    chirpstack_application_id: str  # ChirpStack v4 application UUID
    interval_s: float
    phase_s: float
    sf: int
    links: tuple[Link, ...]
    place: Place

    @property
    def type_id(self) -> str:
        return self.template.type_id

    @property
    def brand_model(self) -> tuple[str, str]:
        brand, _, model = self.type_id.partition("/")
        return brand, model


@dataclass(frozen=True, slots=True)
class Fleet:
    scenario: Scenario
    seed: int
    devices: tuple[SimDevice, ...]
    gateways: tuple[SimGateway, ...]
    region: Region


def _slug(text: str, limit: int = 36) -> str:
    ascii_text = (
        text.lower().replace("ä", "ae").replace("ö", "oe").replace("ü", "ue").replace("ß", "ss")
    )
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")
    return slug[:limit].strip("-") or "x"


def _slots(scenario: Scenario) -> list[tuple[Site, str, int]]:
    """Every device of the scenario once: (site, kind, n-th of that kind on the site)."""
    per_site = []
    for site in scenario.sites:
        kinds = [(k, n) for k, n in site.devices.items() if n > 0]
        rows = [
            (site, k, j)
            for j in range(max((n for _, n in kinds), default=0))
            for k, n in kinds
            if j < n
        ]
        per_site.append(rows)
    ordered: list[tuple[Site, str, int]] = []
    for r in range(max(len(rows) for rows in per_site)):
        ordered += [rows[r] for rows in per_site if r < len(rows)]
    return ordered


def build_gateways(scenario: Scenario) -> tuple[SimGateway, ...]:
    gateways = []
    for i, gw in enumerate(scenario.gateways):
        eui = (gw.eui or f"58A0CBFFFE{rand.key(gw.name) & 0xFFFFFF:06X}").upper()
        gateways.append(
            SimGateway(
                index=i,
                eui=eui,
                gateway_id=_slug(gw.name),
                name=gw.name,
                district=gw.district,
                latitude=gw.latitude,
                longitude=gw.longitude,
                height_m=gw.height_m,
                elevation_m=gw.elevation_m,
            )
        )
    return tuple(gateways)


def _environment(kind: Kind, site: Site) -> str:
    if kind.physics == "indoor":
        return "indoor"
    if site.kind == "forest":
        return "forest"
    if kind.physics in ("soil", "bin"):
        return "ground"
    return "outdoor"


def _links(
    seed: int,
    index: int,
    lat: float,
    lon: float,
    site_kind: str,
    extra: float,
    gateways: tuple[SimGateway, ...],
    scenario_gateways: tuple[Gateway, ...],
) -> tuple[Link, ...]:
    links = []
    for gw, spec in zip(gateways, scenario_gateways, strict=True):
        d = radio.distance_m(lat, lon, gw.latitude, gw.longitude)
        if d > LINK_RANGE_M:
            continue
        loss = radio.path_loss_db(d, spec.height_m, site_kind)
        shadow = 7.0 * rand.gauss(seed, _SHADOW, index, gw.index)
        signal = radio.mean_signal_dbm(loss, extra, shadow)
        if signal - radio.NOISE_FLOOR_DBM > radio.SNR_FLOOR_DB[12] - 8.0:
            links.append(Link(gw.index, round(signal, 2)))
    return tuple(links)


def build_fleet(count: int, seed: int, scenario: Scenario | str | Path = "irmd") -> Fleet:
    """`count` devices of `scenario` (a Scenario, a bundled name or a TOML path)."""
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    if count > 0xFFFF:
        raise ValueError("at most 65535 devices")
    region = Region(seed, scenario.flood_period_days)
    gateways = build_gateways(scenario)
    slots = _slots(scenario)
    rivers = {r.id: i for i, r in enumerate(scenario.rivers)}
    pools: dict[str, list[Template]] = {}
    used: dict[str, int] = {}
    devices = []
    prefix = scenario.dev_eui_prefix.upper()
    for index in range(count):
        site, kind_name, j = slots[index % len(slots)]
        round_ = index // len(slots)
        kind = scenario.kinds[kind_name]
        if kind_name not in pools:
            found = candidates(kind)
            pools[kind_name] = [t for t in found if t.type_id in kind.prefer] or found
        pool = pools[kind_name]
        template = pool[used.get(kind_name, 0) % len(pool)]
        used[kind_name] = used.get(kind_name, 0) + 1

        radius = site.radius_km * math.sqrt(rand.uniform(seed, _POSITION, index, 0))
        bearing = 2 * math.pi * rand.uniform(seed, _POSITION, index, 1)
        lat = site.latitude + radius / 111.0 * math.cos(bearing)
        lon = site.longitude + radius / (111.0 * math.cos(math.radians(site.latitude))) * math.sin(
            bearing
        )
        lat, lon = round(lat, 6), round(lon, 6)
        multi_depth = any(q == "soil_moisture" and ch > 0 for q, ch in template.keys)
        depth = (
            10.0 if multi_depth or not kind.depths_cm else kind.depths_cm[j % len(kind.depths_cm)]
        )
        dev_eui = f"{prefix}{seed % 256:02X}{index:04X}"
        river = scenario.river(site.river) if site.river else None
        place = Place(
            key=rand.mix(seed, index),
            site_key=rand.key(site.name),
            site_kind=site.kind,
            latitude=lat,
            longitude=lon,
            elevation_m=site.elevation_m,
            physics=kind.physics,
            depth_cm=depth,
            river_key=rand.key(river.id) if river else 0,
            river_index=rivers.get(site.river or "", 0),
            river_count=max(len(rivers), 1),
            river_mean_cm=river.mean_level_cm if river else 150.0,
            river_flood_cm=river.flood_rise_cm if river else 0.0,
            radius_km=site.radius_km,
            site_latitude=site.latitude,
            site_longitude=site.longitude,
        )
        extra = radio.EXTRA_LOSS_DB[_environment(kind, site)]
        links = _links(seed, index, lat, lon, site.kind, extra, gateways, scenario.gateways)
        best_snr = max((ln.signal_dbm - radio.NOISE_FLOOR_DBM for ln in links), default=-99.0)
        sf = radio.adr_spreading_factor(best_snr)
        low, high = kind.interval_min
        interval = 60.0 * (low + (high - low) * rand.uniform(seed, _INTERVAL, index))
        payload_len = _payload_len(template)
        airtime = radio.airtime_s(payload_len + 4, sf)
        join = radio.airtime_s(0, 12, phy_len=radio.JOIN_REQUEST_BYTES)
        # TTN fair use: at most 30 s a day including an occasional join, with +-5 % jitter
        fair = 86_400.0 * airtime * 1.06 / (radio.FAIR_USE_S_PER_DAY - join - 2 * airtime)
        duty = airtime / radio.DUTY_CYCLE * 1.12  # off-time after every frame, with jitter
        interval = round(max(interval, fair, duty), 1)
        application = _slug(f"{scenario.name}-{site.district}-{site.kind}")
        label = kind_name.replace("_", " ")
        suffix = f" ({round_ + 1})" if round_ else ""
        devices.append(
            SimDevice(
                index=index,
                dev_eui=dev_eui,
                device_id=_slug(f"{kind_name}-{dev_eui[-6:]}"),
                name=f"{label} {j + 1}{suffix}, {site.name}",
                kind=kind_name,
                template=template,
                site=site.name,
                site_kind=site.kind,
                district=site.district,
                latitude=lat,
                longitude=lon,
                application_id=application,
                chirpstack_application_id=str(
                    uuid.uuid5(uuid.NAMESPACE_URL, f"smartregion:{application}")
                ),
                interval_s=interval,
                phase_s=round(interval * rand.uniform(seed, _PHASE, index), 3),
                sf=sf,
                links=links,
                place=place,
            )
        )
    return Fleet(scenario, seed, tuple(devices), gateways, region)


def _payload_len(template: Template) -> int:
    assert template.spec.encode is not None
    return len(template.spec.encode(list(template.example))[1])

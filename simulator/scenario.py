"""Scenario files: a region's districts, sites, device kinds and gateways (TOML, validated).

A scenario is data, so a user can describe their own region (`--scenario path/to/own.toml`).
`load_scenario("irmd")` reads the bundled `simulator/scenarios/irmd.toml`.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

SCENARIO_DIR = Path(__file__).parent / "scenarios"

Physics = Literal[
    "weather",
    "soil",
    "tank",
    "forest",
    "tree",
    "fire",
    "air",
    "city",
    "bin",
    "river",
    "indoor",
    "meter",
    "tracker",
]
SiteKind = Literal["town", "farm", "forest", "river"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Kind(_Model):
    """What a device does on a site and which catalogue types can play the part."""

    physics: Physics
    quantities: tuple[str, ...] = Field(min_length=1)
    also: tuple[tuple[str, ...], ...] = ()
    prefer: tuple[str, ...] = ()
    fallback: str | None = None
    interval_min: tuple[float, float] = (10.0, 30.0)
    depths_cm: tuple[float, ...] = ()

    @model_validator(mode="after")
    def _interval(self) -> Kind:
        low, high = self.interval_min
        if not 1 <= low <= high:
            raise ValueError(
                "interval_min must be [low, high] minutes with 1 <= low <= high, "
                f"got {list(self.interval_min)}"
            )
        return self


class District(_Model):
    id: str
    name: str
    latitude: float = Field(ge=-90, le=90)
    longitude: float = Field(ge=-180, le=180)


class River(_Model):
    id: str
    name: str
    mean_level_cm: float = Field(gt=0)
    flood_rise_cm: float = Field(ge=0)


class Site(_Model):
    name: str
    kind: SiteKind
    district: str
    latitude: float = Field(ge=-90, le=90)
    longitude: float = Field(ge=-180, le=180)
    radius_km: float = Field(ge=0, le=50)
    elevation_m: float = 100.0
    river: str | None = None
    devices: dict[str, int]


class Gateway(_Model):
    name: str
    district: str
    latitude: float = Field(ge=-90, le=90)
    longitude: float = Field(ge=-180, le=180)
    height_m: float = Field(gt=0, le=400)
    elevation_m: float = 100.0
    eui: str | None = Field(default=None, pattern=r"^[0-9A-Fa-f]{16}$")


class Scenario(_Model):
    name: str
    title: str = ""
    dev_eui_prefix: str = Field(default="70B3D57ED0", pattern=r"^[0-9A-Fa-f]{10}$")
    flood_period_days: float = Field(default=21.0, gt=1)
    kinds: dict[str, Kind]
    districts: tuple[District, ...] = Field(min_length=1)
    rivers: tuple[River, ...] = ()
    sites: tuple[Site, ...] = Field(min_length=1)
    gateways: tuple[Gateway, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _references(self) -> Scenario:
        districts = {d.id for d in self.districts}
        rivers = {r.id for r in self.rivers}
        problems = []
        for site in self.sites:
            if site.district not in districts:
                problems.append(f"site {site.name!r}: unknown district {site.district!r}")
            if site.kind == "river" and site.river not in rivers:
                problems.append(f"site {site.name!r}: river site needs a known `river`")
            for kind, count in site.devices.items():
                if kind not in self.kinds:
                    problems.append(f"site {site.name!r}: unknown device kind {kind!r}")
                if count < 0:
                    problems.append(f"site {site.name!r}: negative count for {kind!r}")
        for gw in self.gateways:
            if gw.district not in districts:
                problems.append(f"gateway {gw.name!r}: unknown district {gw.district!r}")
        if not any(sum(s.devices.values()) for s in self.sites):
            problems.append("no site has any device")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def river(self, river_id: str) -> River:
        return next(r for r in self.rivers if r.id == river_id)


class ScenarioError(ValueError):
    """A scenario that cannot be found, read or validated; the message says what to fix."""


def available() -> list[str]:
    return sorted(p.stem for p in SCENARIO_DIR.glob("*.toml"))


def load_scenario(name_or_path: str | Path) -> Scenario:
    """A bundled scenario by name (`irmd`) or a TOML file by path."""
    path = Path(name_or_path)
    if not path.suffix and not path.exists():
        path = SCENARIO_DIR / f"{name_or_path}.toml"
        if not path.exists():
            raise ScenarioError(
                f"unknown scenario {str(name_or_path)!r}; bundled: {', '.join(available())}, "
                "or give a path to a .toml file"
            )
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ScenarioError(f"cannot read scenario {path}: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"scenario {path} is not valid TOML: {exc}") from None
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        lines = [
            f"  {'.'.join(str(p) for p in err['loc']) or '(top)'}: {err['msg']}"
            for err in exc.errors()
        ]
        raise ScenarioError(f"scenario {path} is invalid:\n" + "\n".join(lines)) from None

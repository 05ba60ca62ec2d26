"""The scenario file: the region as data, validated, and a user's own region."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.devicetypes import candidates, templates
from simulator.fleet import build_fleet
from simulator.scenario import Kind, Scenario, ScenarioError, load_scenario

NINE = {
    "Leipzig",
    "Halle (Saale)",
    "Landkreis Leipzig",
    "Nordsachsen",
    "Saalekreis",
    "Burgenlandkreis",
    "Anhalt-Bitterfeld",
    "Mansfeld-Südharz",
    "Altenburger Land",
}

OWN = """
name = "dorf"
[kinds.thermo]
physics = "weather"
quantities = ["air_temperature"]
prefer = ["nosuch/thermometer"]
interval_min = [15, 15]
[kinds.oddity]
physics = "weather"
quantities = ["quantity_nobody_has"]
[[districts]]
id = "d"
name = "Dorf"
latitude = 51.0
longitude = 12.0
[[sites]]
name = "Dorfplatz"
kind = "town"
district = "d"
latitude = 51.0
longitude = 12.0
radius_km = 0.3
devices = { thermo = 2, oddity = 1 }
[[gateways]]
name = "Kirchturm"
district = "d"
latitude = 51.001
longitude = 12.001
height_m = 25
"""


def test_irmd_has_the_nine_districts_real_places_and_thirty_gateways(irmd: Scenario) -> None:
    assert {d.name for d in irmd.districts} == NINE
    assert len(irmd.gateways) >= 30
    assert all(gw.height_m > 0 for gw in irmd.gateways)
    # every district has sites and gateways; everything lies in central Germany
    for district in irmd.districts:
        assert any(s.district == district.id for s in irmd.sites), district.name
        assert any(g.district == district.id for g in irmd.gateways), district.name
    for item in [*irmd.sites, *irmd.gateways]:
        assert 50.8 < item.latitude < 52.0 and 10.9 < item.longitude < 13.1, item.name
    names = " ".join(s.name for s in irmd.sites)
    for forest in ("Dübener Heide", "Auwald", "Südharz"):
        assert forest in names
    assert {s.river for s in irmd.sites if s.kind == "river"} == {"saale", "weisse-elster", "mulde"}
    assert {s.kind for s in irmd.sites} == {"town", "farm", "forest", "river"}


def test_every_kind_of_the_region_finds_a_catalogue_type(irmd: Scenario) -> None:
    for name, kind in irmd.kinds.items():
        found = candidates(kind)
        assert found, name
        assert all(t.type_id in templates() for t in found)


def test_a_users_own_scenario_loads_and_missing_types_fall_back(tmp_path: Path) -> None:
    path = tmp_path / "dorf.toml"
    path.write_text(OWN)
    scenario = load_scenario(path)
    fleet = build_fleet(5, 1, scenario)
    assert len(fleet.devices) == 5 and len(fleet.gateways) == 1
    thermo = [d for d in fleet.devices if d.kind == "thermo"]
    assert all("air_temperature" in {q for q, _ in d.template.keys} for d in thermo)
    oddity = next(d for d in fleet.devices if d.kind == "oddity")
    assert oddity.type_id in templates()  # no type has the quantity: a fallback, no failure


def test_scenario_errors_say_what_to_fix(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="bundled: irmd"):
        load_scenario("atlantis")
    broken = tmp_path / "broken.toml"
    broken.write_text(
        OWN.replace(
            'district = "d"\nlatitude = 51.0\nlongitude = 12.0\nradius',
            'district = "x"\nlatitude = 51.0\nlongitude = 12.0\nradius',
        )
    )
    with pytest.raises(ScenarioError, match="unknown district 'x'"):
        load_scenario(broken)
    bad_toml = tmp_path / "bad.toml"
    bad_toml.write_text("name = ")
    with pytest.raises(ScenarioError, match="not valid TOML"):
        load_scenario(bad_toml)
    with pytest.raises(ValueError, match="interval_min"):
        Kind(physics="weather", quantities=("air_temperature",), interval_min=(30, 10))


def test_devices_scale_deterministically_and_span_the_region(irmd: Scenario) -> None:
    small = build_fleet(40, 9, irmd)
    assert small.devices == build_fleet(40, 9, irmd).devices
    assert small.devices == build_fleet(80, 9, irmd).devices[:40]  # a prefix of a larger fleet
    assert len({d.district for d in small.devices}) == 9
    assert build_fleet(40, 10, irmd).devices[0].dev_eui == "70B3D57ED00A0000"
    full = sum(sum(s.devices.values()) for s in irmd.sites)
    bigger = build_fleet(full + 10, 9, irmd)
    assert len({d.dev_eui for d in bigger.devices}) == full + 10

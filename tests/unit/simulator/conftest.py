"""Shared fleets: building one takes a fraction of a second, so each is built once."""

from __future__ import annotations

import pytest

from simulator.fleet import Fleet, build_fleet
from simulator.physics import Region
from simulator.scenario import Scenario, load_scenario


@pytest.fixture(scope="session")
def irmd() -> Scenario:
    return load_scenario("irmd")


@pytest.fixture(scope="session")
def full_fleet(irmd: Scenario) -> Fleet:
    """The whole region once (every device slot of the scenario)."""
    return build_fleet(sum(sum(s.devices.values()) for s in irmd.sites), 5, irmd)


@pytest.fixture(scope="session")
def small_fleet(irmd: Scenario) -> Fleet:
    return build_fleet(60, 3, irmd)


@pytest.fixture(scope="session")
def region() -> Region:
    return Region(seed=11)

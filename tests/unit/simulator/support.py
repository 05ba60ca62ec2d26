"""Fixed instants and places for the simulator tests."""

from __future__ import annotations

from simulator.physics import Place

JULY = 1_784_073_600.0  # 2026-07-15T00:00:00Z, a Wednesday
JANUARY = 1_768_348_800.0  # 2026-01-14T00:00:00Z, a Wednesday
DAY = 86_400.0


def place(physics: str = "weather", site_kind: str = "farm", key: int = 1) -> Place:
    """A sensor on the Querfurter Platte (51.39 N, 11.65 E)."""
    return Place(
        key=key,
        site_key=7,
        site_kind=site_kind,
        latitude=51.39,
        longitude=11.65,
        elevation_m=150.0,
        physics=physics,
    )

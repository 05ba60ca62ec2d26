"""One module per dashboard; `ALL` lists their builders in file order."""

from __future__ import annotations

from collections.abc import Callable

from grafana.boards import farm, forest, municipality, network, platform
from grafana.build import Json

ALL: tuple[tuple[str, Callable[[], Json]], ...] = (
    ("municipality", municipality.dashboard),
    ("farm", farm.dashboard),
    ("forest", forest.dashboard),
    ("network", network.dashboard),
    ("platform-health", platform.dashboard),
)

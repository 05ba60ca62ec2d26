"""Grafana dashboards as code: generator, macro expander for tests, and provisioning.

The dashboards read the platform only through the public `v_*` SQL views that storage
owns (migration 0006); nothing here imports the platform's own packages.
"""

from grafana.build import DATASOURCE_UID

__all__ = ["DATASOURCE_UID"]

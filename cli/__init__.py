"""The `smartregion` command: the composition root that builds settings and wires packages."""

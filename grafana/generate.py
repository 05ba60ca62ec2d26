"""Render the dashboards to `grafana/dashboards/*.json` (`make grafana`).

`python -m grafana.generate` writes them; `--check` only compares and exits 1 when a
committed file differs from what the generator produces.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from grafana.boards import ALL

DASHBOARDS = Path(__file__).with_name("dashboards")


def render() -> dict[str, str]:
    """File name -> JSON text, for every dashboard."""
    return {
        f"{name}.json": json.dumps(build(), indent=2, ensure_ascii=False) + "\n"
        for name, build in ALL
    }


def write(folder: Path = DASHBOARDS) -> list[Path]:
    """Write every dashboard, remove stale ones; returns the files that changed."""
    folder.mkdir(parents=True, exist_ok=True)
    wanted = render()
    changed = []
    for name, text in wanted.items():
        path = folder / name
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            changed.append(path)
    for path in folder.glob("*.json"):
        if path.name not in wanted:
            path.unlink()
            changed.append(path)
    return changed


def differences(folder: Path = DASHBOARDS) -> list[str]:
    """Names of committed files that differ from the generator's output (or are extra)."""
    wanted = render()
    present = {p.name: p.read_text(encoding="utf-8") for p in folder.glob("*.json")}
    return sorted(
        name for name in wanted.keys() | present.keys() if wanted.get(name) != present.get(name)
    )


def main(argv: list[str]) -> int:
    if "--check" in argv:
        diff = differences()
        for name in diff:
            print(f"grafana/dashboards/{name} differs from the generator; run `make grafana`")  # noqa: T201
        return 1 if diff else 0
    for path in write():
        print(f"wrote {path}")  # noqa: T201
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

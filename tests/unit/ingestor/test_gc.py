"""The ingest command's GC choice: no automatic collection, start-up objects frozen.

Run in a subprocess, since the choice changes the whole process.
"""

from __future__ import annotations

import subprocess
import sys

SCRIPT = """
import gc
from ingestor.service import tune_gc
tune_gc()
frozen = gc.get_freeze_count()
class Node:
    pass
a, b = Node(), Node()
a.other, b.other = b, a  # a cycle that only the collector can free
del a, b
print(gc.isenabled(), frozen > 1000, gc.collect() >= 2)
"""


def test_tune_gc_turns_collection_off_and_a_manual_collection_still_frees_cycles() -> None:
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.split() == ["False", "True", "True"]

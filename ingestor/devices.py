"""A short-lived cache of device registry rows, so a batch rarely has to touch `devices`.

Without it every batch upserts every device it mentions (an UPDATE of last_seen_at
per device per batch). With it, a device is looked up (and its last_seen_at written)
at most once per `ttl_s`: a type set by `devices import` reaches the ingestor within
that time, and last_seen_at is accurate to it. Entries are stored only after the
transaction that produced them committed, so a rolled-back registration never leaves
an id behind.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping

from storage.rows import DeviceRef


class DeviceCache:
    def __init__(self, ttl_s: float = 60.0, max_entries: int = 500_000) -> None:
        self.ttl_s = ttl_s
        self.max_entries = max_entries
        self._entries: dict[str, tuple[DeviceRef, float]] = {}

    def split(self, euis: Iterable[str]) -> tuple[dict[str, DeviceRef], set[str]]:
        """Fresh cached refs, and the EUIs that must go to the database."""
        now = time.monotonic()
        known: dict[str, DeviceRef] = {}
        missing: set[str] = set()
        for eui in euis:
            entry = self._entries.get(eui)
            if entry is not None and entry[1] > now:
                known[eui] = entry[0]
            else:
                missing.add(eui)
        return known, missing

    def store(self, refs: Mapping[str, DeviceRef]) -> None:
        """Remember refs of a committed transaction."""
        if len(self._entries) + len(refs) > self.max_entries:
            self._entries.clear()  # crude but bounded; refilled within one TTL
        expires = time.monotonic() + self.ttl_s
        for eui, ref in refs.items():
            self._entries[eui] = (ref, expires)

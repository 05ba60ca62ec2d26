"""Decode stored uplinks again: after a device's type became known or a decoder was fixed."""

from __future__ import annotations

from collections import Counter

import decoders
from decoders.quantities import is_plausible
from ingestor.pipeline import Incoming, build_batch, parse_one, sightings
from storage.pool import open_pool
from storage.registry import ensure_organization, load_quantity_ids, register_devices
from storage.rows import ReadingRow
from storage.uplinks import (
    Redecoded,
    dead_letters_page,
    delete_dead_letters,
    devices_for_reprocess,
    replace_decodes,
    uplinks_page,
)
from storage.writer import write_batch


def _type_for(type_id: str | None, hint: str | None) -> str | None:
    if type_id:
        return type_id
    if hint and hint in decoders.CATALOG:
        return hint
    return None


async def reprocess(database_url: str, dev_eui: str | None = None) -> dict[str, int]:
    """Re-decode every stored uplink of the selected devices whose type is known."""
    counts: Counter[str] = Counter()
    async with open_pool(database_url, max_size=1, name="reprocess") as pool:
        async with pool.connection() as conn:
            quantity_ids = await load_quantity_ids(conn)
            devices = await devices_for_reprocess(conn, dev_eui)
        for device in devices:
            type_id = _type_for(device.type_id, device.ns_type_hint)
            if type_id is None:
                counts["devices_without_type"] += 1
                continue
            counts["devices"] += 1
            after = None
            while True:
                async with pool.connection() as conn, conn.transaction():
                    page = await uplinks_page(conn, device.id, after)
                    if not page:
                        break
                    decodes = []
                    for stored in page:
                        if stored.f_port == 0:
                            continue
                        result = decoders.decode(type_id, stored.f_port, bytes(stored.payload))
                        readings = tuple(
                            ReadingRow(r.quantity, r.value, r.time or stored.received_at,
                                       r.channel, not is_plausible(r.quantity, r.value))
                            for r in result.readings
                            if r.quantity in quantity_ids
                        )  # fmt: skip
                        counts["uplinks_with_errors" if result.errors else "uplinks_decoded"] += 1
                        decodes.append(
                            Redecoded(stored.received_at, type_id, dict(result.fields) or None,
                                      result.errors, result.all_warnings, readings)
                        )  # fmt: skip
                    counts["readings"] += await replace_decodes(
                        conn, device.id, decodes, quantity_ids
                    )
                    after = page[-1].received_at
    return dict(counts)


async def reprocess_dead_letters(
    database_url: str, default_organization: str = "community"
) -> dict[str, int]:
    """Parse dead letters again with the current envelope parsers.

    A message that parses now goes through the normal pipeline (register, decode,
    idempotent write) and leaves `dead_letters` in the same transaction; one that still
    does not parse stays, with its original reason.
    """
    counts: Counter[str] = Counter()
    async with open_pool(database_url, max_size=1, name="reprocess") as pool:
        async with pool.connection() as conn:
            quantity_ids = await load_quantity_ids(conn)
            organization_id = await ensure_organization(conn, default_organization)
        after = 0
        while True:
            async with pool.connection() as conn, conn.transaction():
                page = await dead_letters_page(conn, after)
                if not page:
                    break
                after = page[-1].id
                parsed = [
                    parse_one(Incoming(d.topic, bytes(d.payload), arrived_at=d.received_at))
                    for d in page
                ]
                recovered = [(d, p) for d, p in zip(page, parsed, strict=True) if p.error is None]
                counts["still_dead"] += len(page) - len(recovered)
                if not recovered:
                    continue
                good = [p for _, p in recovered]
                devices = await register_devices(conn, sightings(good), organization_id)
                batch = build_batch(good, devices, quantity_ids, counts)
                await write_batch(conn, batch, devices, quantity_ids, organization_id)
                await delete_dead_letters(conn, [d.id for d, _ in recovered])
                counts["recovered"] += len(recovered)
    return dict(counts)

"""Decode stored uplinks again: after a device's type became known or a decoder was fixed."""

from __future__ import annotations

from collections import Counter

import decoders
from decoders.quantities import is_plausible
from storage.pool import open_pool
from storage.registry import load_quantity_ids
from storage.rows import ReadingRow
from storage.uplinks import Redecoded, devices_for_reprocess, replace_decodes, uplinks_page


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
                                      result.errors, result.warnings, readings)
                        )  # fmt: skip
                    counts["readings"] += await replace_decodes(
                        conn, device.id, decodes, quantity_ids
                    )
                    after = page[-1].received_at
    return dict(counts)

"""Per-message processing: envelope -> Uplink or dead letter -> decoder -> storage rows.

This is the one place with a broad `except`: whatever goes wrong with one message
becomes a dead letter or a kept-raw uplink, and the rest of the batch goes on.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Container, Iterable, Mapping
from datetime import UTC, datetime
from typing import NamedTuple

import decoders
from decoders.fallback import readings_from_network
from decoders.quantities import is_plausible
from ingestor.resolve import resolve_type, type_hint
from netserver import DeviceStatus, EnvelopeError, Message, NetworkEvent, Skipped, Uplink, parse
from storage.rows import (
    Batch,
    DeadLetterRow,
    DeviceRef,
    DeviceSighting,
    EventRow,
    ReadingRow,
    ReceptionRow,
    StatusRow,
    UplinkRow,
)

logger = logging.getLogger(__name__)


class Incoming(NamedTuple):
    """One MQTT message as it came off the wire, with what acknowledging it needs."""

    topic: str
    payload: bytes
    mid: int = 0
    qos: int = 0
    generation: int = 0  # connection it arrived on; acks are only valid on that one
    arrived_at: datetime | None = None  # for the few envelopes that carry no time of their own
    arrived_monotonic: float = 0.0  # for receive-to-commit latency


class Parsed(NamedTuple):
    incoming: Incoming
    message: Message | None = None
    error: str | None = None


def parse_one(item: Incoming) -> Parsed:
    """Parse the envelope; a malformed one carries the reason for its dead letter."""
    try:
        arrived = item.arrived_at or datetime.now(UTC)
        return Parsed(item, message=parse(item.topic, item.payload, arrival_time=arrived))
    except EnvelopeError as exc:
        return Parsed(item, error=str(exc))
    except Exception as exc:  # a parser bug must not stop ingestion
        logger.exception("envelope parser crashed", extra={"topic": item.topic})
        return Parsed(item, error=f"internal: {type(exc).__name__}: {exc}")


def mentioned(parsed: Iterable[Parsed]) -> set[str]:
    """The EUIs of every device a batch mentions."""
    kinds = (Uplink, DeviceStatus, NetworkEvent)
    return {m.dev_eui for p in parsed if isinstance(m := p.message, kinds)}


def sightings(
    parsed: Iterable[Parsed], wanted: Container[str] | None = None
) -> list[DeviceSighting]:
    """The devices a batch mentions (those in `wanted`, if given), so they can be registered
    on first sight. Only the devices the cache lacks are asked for: on the ingest path that
    is a few per batch, not one per uplink."""
    out: list[DeviceSighting] = []
    for p in parsed:
        m = p.message
        if m is None or (wanted is not None and getattr(m, "dev_eui", None) not in wanted):
            continue
        if isinstance(m, Uplink):
            out.append(
                DeviceSighting(
                    dev_eui=m.dev_eui,
                    seen_at=m.received_at,
                    name=m.device_name,
                    source=m.source,
                    application_id=m.application_id,
                    type_hint=type_hint(m),
                )
            )
        elif isinstance(m, (DeviceStatus, NetworkEvent)):
            out.append(DeviceSighting(dev_eui=m.dev_eui, seen_at=m.time, source=m.source))
    return out


def decode_uplink(uplink: Uplink, type_id: str | None) -> decoders.Decoded | None:
    """Run the decoder; a crashing decoder keeps the raw uplink with the crash as its error.

    With no decoder, the network server's own decoded object still yields readings where
    the mapping is unambiguous (`decoders.fallback`); its fields stay as they came.
    """
    if uplink.f_port == 0:
        return None
    if type_id is None:
        if uplink.decoded is None and uplink.normalized is None:
            return None
        readings = readings_from_network(uplink.decoded, uplink.normalized)
        return decoders.Decoded(fields=dict(uplink.decoded or {}), readings=readings)
    try:
        return decoders.decode(type_id, uplink.f_port, uplink.payload)
    except Exception as exc:
        logger.exception("decoder crashed", extra={"dev_eui": uplink.dev_eui, "type_id": type_id})
        return decoders.Decoded(errors=(f"decoder crashed: {type(exc).__name__}",))


def uplink_row(
    uplink: Uplink, type_id: str | None, decoded: decoders.Decoded | None,
    quantity_ids: Container[str],
) -> UplinkRow:  # fmt: skip
    readings: list[ReadingRow] = []
    warnings: list[str] = list(decoded.all_warnings) if decoded else []
    if decoded:
        received_at = uplink.received_at
        for r in decoded.readings:
            if r.quantity not in quantity_ids:
                warnings.append(
                    f"quantity {r.quantity!r} unknown to the database; run `smartregion db migrate`"
                )
                continue
            readings.append(
                ReadingRow(
                    r.quantity, r.value, r.time or received_at, r.channel,
                    not is_plausible(r.quantity, r.value),
                )
            )  # fmt: skip
    if decoded is not None and not decoded.errors:
        fields: Mapping[str, object] | None = decoded.fields
    elif decoded is not None:
        fields = decoded.fields or None
    else:
        fields = uplink.decoded  # raw only: keep what the network server decoded, if anything
    return UplinkRow(
        uplink.dev_eui, uplink.received_at, uplink.f_cnt, uplink.f_port, uplink.payload,
        uplink.source, type_id if decoded is not None else None, fields,
        decoded.errors if decoded else (), tuple(warnings), uplink.decoded,
        uplink.frequency_hz, uplink.data_rate, uplink.spreading_factor, uplink.airtime_s,
        tuple(readings),
        # a Reception's first seven fields are a ReceptionRow's, in the same order
        tuple([_RECEPTION_ROW(rx[:7]) for rx in uplink.receptions]),
    )  # fmt: skip


_RECEPTION_ROW = ReceptionRow._make


def build_batch(
    parsed: Iterable[Parsed],
    devices: Mapping[str, DeviceRef],
    quantity_ids: Container[str],
    counts: Counter[str],
    known_types: Container[str] = decoders.CATALOG,
) -> Batch:
    """Turn parsed messages into the rows of one transaction, counting what happened."""
    batch = Batch()
    for p in parsed:
        m = p.message
        if p.error is not None or m is None:
            counts["dead_letter"] += 1
            batch.dead_letters.append(
                DeadLetterRow(p.incoming.topic, p.incoming.payload, p.error or "unparsed")
            )
        elif isinstance(m, Uplink):
            ref = devices[m.dev_eui]
            type_id = resolve_type(ref.type_id, m, known_types)
            decoded = decode_uplink(m, type_id)
            if decoded is None:
                counts["uplink_raw"] += 1
            elif type_id is None:
                counts["uplink_network_decoded"] += 1
            elif decoded.errors:
                counts["uplink_decode_error"] += 1
                logger.warning(
                    "uplink not decoded",
                    extra={"dev_eui": m.dev_eui, "type_id": type_id, "errors": decoded.errors},
                )
            else:
                counts["uplink_decoded"] += 1
            batch.uplinks.append(uplink_row(m, type_id, decoded, quantity_ids))
        elif isinstance(m, DeviceStatus):
            counts["status"] += 1
            batch.statuses.append(
                StatusRow(m.dev_eui, m.time, m.battery_level, m.margin_db, m.external_power)
            )
        elif isinstance(m, NetworkEvent):
            counts[f"event_{m.kind}"] += 1
            batch.events.append(EventRow(m.dev_eui, m.time, m.kind, m.details))
        elif isinstance(m, Skipped):
            counts[f"skipped: {m.reason}"] += 1
    return batch

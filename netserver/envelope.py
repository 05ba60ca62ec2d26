"""The public entry points: parse a message by its topic, render an uplink in a format."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from netserver import chirpstack_v3, chirpstack_v4, ttn
from netserver.detect import Route, forced_route, route, same_family
from netserver.errors import EnvelopeError
from netserver.model import Format, Message, Uplink

FORMATS: tuple[Format, ...] = (
    "ttn-v3",
    "chirpstack-v4-json",
    "chirpstack-v4-protobuf",
    "chirpstack-v3",
)


def parse(
    topic: str,
    payload: bytes,
    *,
    formats: Collection[Format] | None = None,
    arrival_time: datetime | None = None,
) -> Message:
    """Read one network-server MQTT message.

    Args:
        topic: the MQTT topic; it decides the format and the event (see `detect`).
        payload: the raw message body. For ChirpStack v4 the body decides between JSON and
            protobuf (JSON starts with `{`), since their topics are the same.
        formats: the formats this source may carry. A topic in a recognised template must
            match one of them; a topic that matches none of the default templates (a custom
            `event_topic` template, a Pub/Sub base topic) is read as the single format given.
        arrival_time: when the caller received the message (UTC). Used only when the
            message carries no time of its own (ChirpStack v3 events, some TTS events);
            without it such messages are an `EnvelopeError`.

    Returns:
        `Uplink`, `DeviceStatus`, `NetworkEvent`, or `Skipped` for messages deliberately
        not stored. Times are UTC truncated to whole microseconds; EUIs and DevAddrs are
        upper-case hex.

    Raises:
        EnvelopeError: the topic is unknown or the message is malformed; `reason` says why.
    """
    found = _route(topic, formats)
    if not payload:
        raise EnvelopeError("empty payload")
    if found.format == "ttn-v3":
        return ttn.parse(found.event, payload, arrival_time)
    if found.format == "chirpstack-v3":
        return chirpstack_v3.parse(found.event, payload, arrival_time)
    return chirpstack_v4.parse(found.event, payload, arrival_time)


def parse_storage_record(record: bytes, *, arrival_time: datetime | None = None) -> Message:
    """One line of The Things Stack Storage Integration response: `{"result": ApplicationUp}`.

    The HTTP body (`Accept: text/event-stream` or JSON lines) holds one such object per
    non-blank line; the ingestor's backfill reads them with this function.
    """
    if not record.strip():
        raise EnvelopeError("empty storage record")
    return ttn.parse_storage_record(record, arrival_time)


def _route(topic: str, formats: Collection[Format] | None) -> Route:
    found = route(topic)
    if formats is None:
        if found is None:
            raise EnvelopeError(
                f"unknown topic {topic[:200]!r}: not a TTS or ChirpStack event topic"
            )
        return found
    allowed = tuple(formats)
    for fmt in allowed:
        if fmt not in FORMATS:
            raise ValueError(f"unknown format {fmt!r}; expected one of {FORMATS}")
    if found is not None and any(same_family(found.format, fmt) for fmt in allowed):
        return found
    if len(allowed) == 1:
        return forced_route(topic, allowed[0])
    raise EnvelopeError(f"topic {topic[:200]!r} matches none of the formats {sorted(allowed)}")


def render(uplink: Uplink, fmt: Format) -> tuple[str, bytes]:
    """An uplink as the network server of `fmt` would publish it: `(topic, payload)`.

    Topics follow the servers' defaults: `v3/{application_id}@ttn/devices/{device_id}/up`
    (device id = the device name when it is a valid TTS id, else `eui-<lower dev eui>`)
    and `application/{application_id}/device/{lower dev eui}/event/up`.
    """
    if fmt == "ttn-v3":
        return ttn.render(uplink)
    if fmt == "chirpstack-v4-json":
        return chirpstack_v4.render_json(uplink)
    if fmt == "chirpstack-v4-protobuf":
        return chirpstack_v4.render_protobuf(uplink)
    if fmt == "chirpstack-v3":
        return chirpstack_v3.render(uplink)
    raise ValueError(f"unknown format {fmt!r}; expected one of {FORMATS}")


def subscription_topics(fmt: Format) -> list[str]:
    """Default MQTT topic filters for a format: uplinks (and ChirpStack device status).

    Every event type is handled by `parse`, so wider filters (`v3/+/devices/+/#`,
    `application/+/device/+/event/+`) work too.
    """
    if fmt == "ttn-v3":
        return list(ttn.TOPICS)
    if fmt in ("chirpstack-v4-json", "chirpstack-v4-protobuf"):
        return list(chirpstack_v4.TOPICS)
    if fmt == "chirpstack-v3":
        return list(chirpstack_v3.TOPICS)
    raise ValueError(f"unknown format {fmt!r}; expected one of {FORMATS}")

"""Which envelope format and which event a topic carries.

The Things Stack publishes on `v3/{application id}[@{tenant id}]/devices/{device id}/{event}`
(`pkg/applicationserver/io/mqtt/topics/v3.go`). ChirpStack v4 and the v3 Application Server
(since v3.11) both default to `application/{application id}/device/{dev eui}/event/{event}`;
they differ in the application id: a decimal integer in v3, a UUID in v4 (wire-formats §1, §6.13).
So a ChirpStack topic whose application segment is all digits is v3, anything else (a UUID, or
the empty segment of ChirpStack's own test events) is v4.

ChirpStack v4 JSON and binary protobuf share the same topics: nothing in the topic tells them
apart. `detect_format` answers `"chirpstack-v4-json"` for a v4 topic, and `netserver.parse`
looks at the payload instead: a JSON body starts with `{` after optional whitespace, a
protobuf `integration.*Event` does not.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from netserver.model import Format

TTN_EVENTS = (
    "up",
    "up/normalized",
    "join",
    "down/queued",
    "down/sent",
    "down/ack",
    "down/nack",
    "down/failed",
    "down/invalidated",
    "down/push",
    "down/replace",
    "location/solved",
    "service/data",
)

_TTN = re.compile(
    r"v3/(?P<app>[^/]+)/devices/(?P<dev>[^/]+)/(?P<event>"
    + "|".join(re.escape(event) for event in TTN_EVENTS)
    + ")"
)
# `.../event/{event}` since v3.11 and in v4; `.../command/{name}` downlink commands; and the
# pre-3.11 v3 suffixes (`rx` was the uplink).
_CHIRPSTACK = re.compile(
    r"application/(?P<app>[^/]*)/device/(?P<dev>[^/]+)/"
    r"(?:event/(?P<event>[^/]+)|command/(?P<command>[^/]+)"
    r"|(?P<legacy>rx|join|ack|error|status|txack|location))"
)


@dataclass(frozen=True, slots=True)
class Route:
    """What a topic says: the format and the event name in that format's words.

    `event` is None when the topic did not say (a forced format on a custom topic); the
    parser then decides from the body where it can.
    """

    format: Format
    event: str | None


@functools.lru_cache(maxsize=65_536)
def route(topic: str) -> Route | None:
    """The format and event of a topic in one of the servers' default templates.

    Cached: a device publishes on the same few topics for its whole life, and every
    message asks (two regular expressions and a Route each, about a microsecond).
    """
    match = _TTN.fullmatch(topic)
    if match is not None:
        return Route("ttn-v3", match["event"])
    match = _CHIRPSTACK.fullmatch(topic)
    if match is None:
        return None
    if match["command"] is not None:
        event = "command/" + match["command"]
    elif match["legacy"] is not None:
        event = "up" if match["legacy"] == "rx" else match["legacy"]
    else:
        event = match["event"]
    if match["app"].isdigit():
        return Route("chirpstack-v3", event)
    return Route("chirpstack-v4-json", event)


def detect_format(topic: str) -> Format | None:
    """The envelope format a topic implies, or None for a topic we do not recognise.

    ChirpStack v4 topics answer `"chirpstack-v4-json"`; whether the payload is JSON or
    protobuf is decided per message by `netserver.parse` (see the module docstring).
    """
    found = route(topic)
    return None if found is None else found.format


def forced_route(topic: str, fmt: Format) -> Route:
    """The route for a topic outside the default templates, when the format is configured.

    The event is the topic's tail when it names one of the format's events, else None for
    The Things Stack (the body's key decides) and `"up"` for ChirpStack (its bodies do
    not name their event).
    """
    if fmt == "ttn-v3":
        for event in TTN_EVENTS:
            if topic == event or topic.endswith("/" + event):
                return Route(fmt, event)
        return Route(fmt, None)
    tail = topic.rsplit("/", 1)[-1]
    if tail == "rx":
        tail = "up"
    if tail in ("up", "join", "ack", "txack", "log", "error", "status", "location"):
        return Route(fmt, tail)
    return Route(fmt, "up")


def same_family(a: Format, b: Format) -> bool:
    """ChirpStack v4 JSON and protobuf are one family for parsing (the payload decides)."""
    return a == b or (a.startswith("chirpstack-v4") and b.startswith("chirpstack-v4"))

"""Network-server envelopes <-> network-neutral `Uplink` (pure: no I/O, no clock, no logging).

Formats: The Things Stack v3 JSON, ChirpStack v4 JSON and protobuf, ChirpStack v3 JSON.
Rules every parser keeps: times are UTC truncated to whole microseconds; EUIs (device,
gateway) and DevAddrs are upper-case hex; omitted zero fields read as zero.
"""

from netserver.detect import detect_format
from netserver.envelope import (
    FORMATS,
    parse,
    parse_storage_record,
    render,
    subscription_topics,
)
from netserver.errors import EnvelopeError
from netserver.model import (
    DeviceStatus,
    Format,
    Message,
    NetworkEvent,
    Reception,
    Skipped,
    Source,
    Uplink,
)

__all__ = [
    "FORMATS",
    "DeviceStatus",
    "EnvelopeError",
    "Format",
    "Message",
    "NetworkEvent",
    "Reception",
    "Skipped",
    "Source",
    "Uplink",
    "detect_format",
    "parse",
    "parse_storage_record",
    "render",
    "subscription_topics",
]

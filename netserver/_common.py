"""Helpers shared by the format modules: times, EUIs, base64, data rates, receptions."""

from __future__ import annotations

import base64
import binascii
import functools
import re
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import orjson
from pydantic import BaseModel, ValidationError

from netserver.errors import EnvelopeError
from netserver.model import Reception

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_HEX16 = re.compile(r"[0-9A-Fa-f]{16}")
_HEX8 = re.compile(r"[0-9A-Fa-f]{8}")

M = TypeVar("M", bound=BaseModel)


# --- times -------------------------------------------------------------------------------


def utc(value: datetime | None) -> datetime | None:
    """Normalize a parsed time: UTC, whole microseconds; Go's zero time counts as absent.

    Parsers (pydantic, `datetime.fromisoformat`) already *truncate* nanoseconds to
    microseconds; that is the rule for every source. The Things Stack prints the Go zero
    time `0001-01-01T00:00:00Z` for simulated uplinks, and ChirpStack v3 once printed it for
    gateways without a clock (chirpstack-application-server #64): both mean "no time".
    """
    if value is None:
        return None
    if value.tzinfo is UTC:
        return None if value.year <= 1 else value  # the common case, on the hot path
    if value.year <= 1:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def first_time(*candidates: datetime | None) -> datetime | None:
    for candidate in candidates:
        if candidate is not None:
            return candidate
    return None


def earliest(times: Iterable[datetime | None]) -> datetime | None:
    present = [t for t in times if t is not None]
    return min(present) if present else None


def require_time(value: datetime | None, what: str) -> datetime:
    if value is None:
        raise EnvelopeError(f"no time in the message ({what}) and no arrival_time given")
    return value


def format_time(value: datetime, *, zulu: bool) -> str:
    """RFC 3339 in UTC with 0, 3 or 6 fractional digits (as protobuf JSON and chrono print).

    `zulu=True` ends in `Z` (The Things Stack), otherwise `+00:00` (ChirpStack).
    """
    value = value.astimezone(UTC)
    text = value.strftime("%Y-%m-%dT%H:%M:%S")
    micro = value.microsecond
    if micro:
        text += f".{micro // 1000:03d}" if micro % 1000 == 0 else f".{micro:06d}"
    return text + ("Z" if zulu else "+00:00")


def timestamp_to_datetime(seconds: int, nanos: int) -> datetime | None:
    """A protobuf `Timestamp` as a UTC datetime, nanoseconds truncated to microseconds."""
    if seconds == 0 and nanos == 0:
        return None
    return utc(EPOCH + timedelta(seconds=seconds, microseconds=nanos // 1000))


def datetime_to_timestamp(value: datetime) -> tuple[int, int]:
    delta = value - EPOCH
    seconds = delta // timedelta(seconds=1)
    micros = (delta - timedelta(seconds=seconds)) // timedelta(microseconds=1)
    return seconds, micros * 1000


def parse_duration(value: str | None, field: str) -> float | None:
    """A protobuf JSON duration such as `"0.056576s"` in seconds."""
    if value is None or value == "":
        return None
    if not value.endswith("s"):
        raise EnvelopeError(f"{field} is not a duration like '0.05s': {value[:40]!r}")
    try:
        return float(value[:-1])
    except ValueError:
        raise EnvelopeError(f"{field} is not a duration like '0.05s': {value[:40]!r}") from None


def format_duration(seconds: float) -> str:
    """Seconds as a protobuf JSON duration with 0, 3, 6 or 9 fractional digits."""
    nanos = round(seconds * 1_000_000_000)
    whole, frac = divmod(nanos, 1_000_000_000)
    if frac == 0:
        return f"{whole}s"
    if frac % 1_000_000 == 0:
        return f"{whole}.{frac // 1_000_000:03d}s"
    if frac % 1000 == 0:
        return f"{whole}.{frac // 1000:06d}s"
    return f"{whole}.{frac:09d}s"


# --- identifiers and bytes ---------------------------------------------------------------


def eui(value: str | None, field: str) -> str | None:
    """A 64-bit EUI as 16 upper-case hex digits (MSB first, as both servers print it)."""
    if value is None or value == "":
        return None
    normalized = _normalized_eui(value)
    if normalized is None:
        raise EnvelopeError(f"{field} is not a 16-digit hex EUI: {value[:40]!r}")
    return normalized


@functools.lru_cache(maxsize=65536)
def _normalized_eui(value: str) -> str | None:
    """Cached: the same device and gateway EUIs arrive over and over."""
    if len(value) == 16 and _HEX16.fullmatch(value):
        return value.upper()
    return None


def require_eui(value: str | None, field: str) -> str:
    result = eui(value, field)
    if result is None:
        raise EnvelopeError(f"missing {field}")
    return result


def dev_addr(value: str | None, field: str) -> str | None:
    """A DevAddr as 8 upper-case hex digits; empty means none."""
    if value is None or value == "":
        return None
    if len(value) == 8 and _HEX8.fullmatch(value):
        return value.upper()
    raise EnvelopeError(f"{field} is not an 8-digit hex DevAddr: {value[:40]!r}")


def hex_or_base64(value: str | None, field: str, size: int) -> str | None:
    """An identifier printed either as hex or as base64 of its raw bytes (ChirpStack v3).

    The v3 `json_v3` marshaler prints hex, the v3 `json` (protobuf JSON) marshaler base64
    of the big-endian bytes (`AgICAgICAgI=` is `0202020202020202`). Hex of the right length
    is tried first; base64 of `size` bytes always carries padding, so they cannot collide.
    """
    if value is None or value == "":
        return None
    if len(value) == 2 * size and all(c in "0123456789abcdefABCDEF" for c in value):
        return value.upper()
    try:
        raw = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != size:
        raise EnvelopeError(f"{field} is neither hex nor base64 of {size} bytes: {value[:40]!r}")
    return raw.hex().upper()


def b64decode(value: str, field: str) -> bytes:
    if value == "":
        return b""
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise EnvelopeError(f"{field} is not valid base64: {value[:40]!r}") from None


def b64encode(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def none_if_empty(value: str | None) -> str | None:
    return value if value else None


# --- radio -------------------------------------------------------------------------------


def lora_data_rate(spreading_factor: int | None, bandwidth_hz: int | None) -> str | None:
    """`"SF7BW125"` from spreading factor and bandwidth in Hz."""
    if not spreading_factor or not bandwidth_hz:
        return None
    if bandwidth_hz % 1000 == 0:
        return f"SF{spreading_factor}BW{bandwidth_hz // 1000}"
    return f"SF{spreading_factor}BW{bandwidth_hz / 1000:g}"


# EU868 data-rate indices (LoRaWAN Regional Parameters RP002, EU863-870 table), used only
# where a format wants a `dr` index; parsing never relies on it because the region is unknown.
_EU868_DR = {(12, 125000): 0, (11, 125000): 1, (10, 125000): 2, (9, 125000): 3}
_EU868_DR |= {(8, 125000): 4, (7, 125000): 5, (7, 250000): 6}


def eu868_dr(spreading_factor: int | None, bandwidth_hz: int | None) -> int | None:
    return _EU868_DR.get((spreading_factor or 0, bandwidth_hz or 0))


def location(
    latitude: float | None, longitude: float | None, altitude: float | None
) -> tuple[float | None, float | None, float | None]:
    """Gateway location: missing, empty (`{}`) or 0,0 means unknown (wire-formats §6.11).

    Both servers omit zero values, so a present location with no `altitude` is at 0 m.
    """
    lat = latitude or 0.0
    lon = longitude or 0.0
    if lat == 0.0 and lon == 0.0:
        return None, None, None
    return float(lat), float(lon), float(altitude or 0.0)


def rssi_snr(
    rssi: float | None, snr: float | None, *, lora: bool
) -> tuple[float | None, float | None]:
    """RSSI and SNR of one reception, with the zero-omission rule applied.

    Protobuf JSON drops zero values, and binary protobuf cannot tell 0 from unset, so:
    an RSSI of 0 (physically implausible) is unknown; an SNR of 0 dB is a real reading
    when the reception has an RSSI and the uplink is LoRa, unknown otherwise.
    """
    rssi_value = float(rssi) if rssi else None
    if snr:
        return rssi_value, float(snr)
    if rssi_value is not None and lora:
        return rssi_value, 0.0
    return rssi_value, None


def merge_receptions(receptions: Sequence[Reception]) -> tuple[Reception, ...]:
    """One reception per gateway: The Things Stack lists one entry per *antenna*.

    Entries of the same gateway (by EUI, else by id) keep the strongest RSSI, at the
    position of the gateway's first entry. Entries without any gateway key are kept apart.
    """
    if len(receptions) < 2:
        return tuple(receptions)
    merged: dict[object, Reception] = {}
    for index, reception in enumerate(receptions):
        key: object = reception.gateway_eui or reception.gateway_id or index
        kept = merged.get(key)
        if kept is None or _stronger(reception, kept):
            merged[key] = reception
    return tuple(merged.values())


def _stronger(candidate: Reception, kept: Reception) -> bool:
    if candidate.rssi is None:
        return False
    return kept.rssi is None or candidate.rssi > kept.rssi


# --- JSON and validation -----------------------------------------------------------------


def is_json(payload: bytes) -> bool:
    """A JSON object body starts with `{` after optional whitespace; protobuf does not.

    Safe for ChirpStack's `integration.*Event` messages: their first byte is a field tag
    (`0x0a`, `0x08`, `0x12`, `0x1a`), never `{`, and after a `0x0a` tag comes a length
    (36 for the deduplication UUID, at most 11 for a timestamp), never 123 (`{`).
    """
    return payload.lstrip(b" \t\r\n").startswith(b"{")


def validate(model: type[M], payload: bytes | dict[str, Any]) -> M:
    """Validate untrusted JSON with a pydantic model; errors become an `EnvelopeError`."""
    try:
        if isinstance(payload, bytes):
            return model.model_validate_json(payload)
        return model.model_validate(payload)
    except ValidationError as exc:
        raise EnvelopeError(validation_reason(exc)) from exc


def validation_reason(exc: ValidationError) -> str:
    """The first validation error, worded for the dead-letter table."""
    errors = exc.errors(include_url=False)
    first = errors[0]
    where = ".".join(str(part) for part in first["loc"]) or "message"
    kind = first["type"]
    if kind == "json_invalid":
        return "not valid JSON: " + first["msg"].removeprefix("Invalid JSON: ")
    if kind == "missing":
        text = f"missing {where}"
    elif kind in ("model_type", "dict_type", "model_attributes_type"):
        text = f"{where} must be a JSON object"
    else:
        shown = orjson.dumps(first.get("input"), default=str).decode()[:40]
        text = f"{where}: {first['msg'][:1].lower()}{first['msg'][1:]} (got {shown})"
    if len(errors) > 1:
        text += f" (and {len(errors) - 1} more)"
    return text


def dumps(document: dict[str, Any]) -> bytes:
    return orjson.dumps(document)


def float32(value: float) -> float:
    """A protobuf `float` as the shortest decimal that reads back the same (9.8, not 9.80000019)."""
    return float(f"{value:.7g}")

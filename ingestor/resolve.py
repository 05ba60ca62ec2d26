"""Which decoder applies to an uplink: registry, then TTN version_ids, then ChirpStack profile."""

from __future__ import annotations

import functools
from collections.abc import Container

from netserver import Uplink


def type_hint(uplink: Uplink) -> str | None:
    """What the network server says the device is, as a `vendor/model` candidate."""
    return _hint(uplink.brand_id, uplink.model_id, uplink.device_profile)


@functools.lru_cache(maxsize=4096)
def _hint(brand_id: str | None, model_id: str | None, profile: str | None) -> str | None:
    """Cached: a fleet has few distinct (brand, model, profile) names and every uplink asks."""
    if brand_id and model_id:
        return f"{brand_id}/{model_id}".lower()
    if profile:
        return profile.strip().lower()
    return None


def resolve_type(registered: str | None, uplink: Uplink, known: Container[str]) -> str | None:
    """The decoder type id to use, or None for raw only (the NS decoded object may still help).

    The registry wins: an operator's explicit choice beats what the network server
    claims. A ChirpStack profile counts when its name is a type id we know.
    """
    if registered:
        return registered
    hint = type_hint(uplink)
    if hint and hint in known:
        return hint
    return None

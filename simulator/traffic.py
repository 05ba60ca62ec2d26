"""Uplinks of a fleet rendered as the network servers publish them, with optional faults."""

from __future__ import annotations

import math
import random
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from netserver import Format, Reception, Uplink, render
from simulator.fleet import SimDevice, SimGateway
from simulator.physics import readings_for

FAULTS = ("dup", "malformed", "unknown_device", "truncated")


@dataclass(frozen=True, slots=True)
class SimMessage:
    topic: str
    payload: bytes
    kind: str  # "uplink", or the fault that produced it
    uplink: Uplink | None = None


def parse_faults(text: str | None) -> dict[str, float]:
    """`dup=0.01,malformed=0.001` -> probabilities; unknown names are an error."""
    faults: dict[str, float] = {}
    for part in (text or "").split(","):
        if not part.strip():
            continue
        name, sep, value = part.partition("=")
        name = name.strip()
        if name not in FAULTS or not sep:
            raise ValueError(
                f"unknown fault {part!r}; known: {', '.join(FAULTS)} (as name=probability)"
            )
        p = float(value)
        if not 0 <= p <= 1:
            raise ValueError(f"fault {name}: probability must be within 0..1, got {p}")
        faults[name] = p
    return faults


def _distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    dlat = math.radians(lat2 - lat1)
    dlon = math.radians(lon2 - lon1) * math.cos(math.radians((lat1 + lat2) / 2))
    return 6_371_000 * math.hypot(dlat, dlon)


def receptions(
    device: SimDevice, gateways: list[SimGateway], rng: random.Random
) -> tuple[Reception, ...]:
    """Gateways that hear the device: log-distance path loss with shadowing, best first."""
    heard = []
    for gw in gateways:
        d = max(_distance_m(device.latitude, device.longitude, gw.latitude, gw.longitude), 10.0)
        path_loss = 40.0 + 27.0 * math.log10(d) - 0.1 * gw.height_m + rng.gauss(0, 6)
        rssi = 14.0 - path_loss  # 14 dBm EIRP
        if rssi < -137:
            continue
        snr = max(min(rssi + 120.0 + rng.gauss(0, 2), 12.0), -20.0)
        heard.append(
            Reception(
                gateway_eui=gw.eui,
                gateway_id=f"eui-{gw.eui.lower()}",
                rssi=round(rssi),
                snr=round(snr, 1),
                latitude=gw.latitude,
                longitude=gw.longitude,
                altitude=gw.height_m,
            )
        )
    heard.sort(key=lambda r: -(r.rssi or -999))
    return tuple(heard)


def make_uplink(
    device: SimDevice, gateways: list[SimGateway], f_cnt: int, when: datetime, rng: random.Random
) -> Uplink:
    assert device.spec.encode is not None
    f_port, payload = device.spec.encode(readings_for(device.spec.quantities, when, rng))
    rx = receptions(device, gateways, rng)
    sf = 7 if not rx or (rx[0].rssi or -200) > -110 else 9
    brand, _, model = device.spec.type_id.partition("/")
    return Uplink(
        source="ttn-v3",
        dev_eui=device.dev_eui,
        received_at=when,
        payload=payload,
        f_port=f_port,
        f_cnt=f_cnt,
        device_name=f"eui-{device.dev_eui.lower()}",
        application_id=device.application_id,
        data_rate=f"SF{sf}BW125",
        spreading_factor=sf,
        bandwidth_hz=125_000,
        frequency_hz=rng.choice((868_100_000, 868_300_000, 868_500_000)),
        airtime_s=round(0.0566 * 2 ** (sf - 7), 6),
        brand_id=brand,
        model_id=model,
        receptions=rx,
    )


def generate(
    devices: list[SimDevice],
    gateways: list[SimGateway],
    fmt: Format,
    seed: int,
    faults: Mapping[str, float] | None = None,
    clock: type[datetime] = datetime,
) -> Iterator[SimMessage]:
    """An endless stream of messages, round-robin over the fleet, stamped with `clock.now()`."""
    rng = random.Random(seed)
    faults = faults or {}
    f_cnt = dict.fromkeys((d.dev_eui for d in devices), 0)
    i = 0
    while True:
        device = devices[i % len(devices)]
        i += 1
        when = clock.now(UTC)
        uplink = make_uplink(device, gateways, f_cnt[device.dev_eui], when, rng)
        f_cnt[device.dev_eui] += 1
        if rng.random() < faults.get("unknown_device", 0):
            uplink = replace(uplink, dev_eui=f"FFFF{rng.getrandbits(48):012X}", brand_id=None,
                             model_id=None, device_name=None)  # fmt: skip
        topic, body = render(uplink, fmt)
        if rng.random() < faults.get("malformed", 0):
            yield SimMessage(topic, body[: len(body) // 2], "malformed")
            continue
        if rng.random() < faults.get("truncated", 0) and len(uplink.payload) > 1:
            short = replace(uplink, payload=uplink.payload[: len(uplink.payload) // 2])
            topic, body = render(short, fmt)
            yield SimMessage(topic, body, "truncated", short)
            continue
        yield SimMessage(topic, body, "uplink", uplink)
        if rng.random() < faults.get("dup", 0):
            yield SimMessage(topic, body, "dup", uplink)

"""A fleet's uplinks over time, rendered as the network servers publish them, with faults.

`uplinks()` is the radio side: every device transmits on its own schedule (a fixed interval
with a little jitter, so a value at a given time is the same in a backfill and a live run),
on a pseudo-random EU868 channel, at its ADR spreading factor; gateways hear it or not;
frame counters count per session and reset at the occasional rejoin (new DevAddr).

`messages()` is the network-server side: each heard uplink becomes a TTN v3 or ChirpStack
v4 (JSON or protobuf) MQTT message on the server's own topic, and faults are injected on
request (`FAULTS` documents each one).
"""

from __future__ import annotations

import heapq
import uuid
from collections import Counter, deque
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from decoders import decode
from netserver import Format, Reception, Uplink, render
from simulator import radio, rand
from simulator.fleet import Fleet, SimDevice
from simulator.physics import T_REF
from simulator.sensors import measure

FAULTS: dict[str, str] = {
    "dup": "the same message published twice in a row (a QoS 1 retransmission)",
    "redelivery": "a message published again 10-200 messages later (a broker replaying an "
    "unacknowledged message after a reconnect)",
    "malformed": "the body is cut in half: invalid JSON, or protobuf with a broken length",
    "truncated": "a valid envelope whose FRMPayload lost its second half (decoders report "
    "'too short')",
    "unknown_device": "an uplink from a DevEUI outside the fleet, without version ids",
    "out_of_order": "a message held back and published after the next 1-4 messages",
    "burst": "the network server's forwarding stalls for 5-20 minutes, then publishes the "
    "backlog at once (original timestamps)",
    "gateway_outage": "each gateway is down this share of the time, in 6-hour blocks; "
    "uplinks only it would have heard are lost",
}

_JITTER, _CHANNEL, _FADE, _NOISE, _SESSION, _ADDR, _DEDUP, _FAULT, _OUTAGE = range(200, 209)
_LATENCY = 209
JITTER = 0.05  # uplinks come at their interval +- 5 %
FADING_DB = 2.7  # per-uplink fading and gateway noise variation, combined


@dataclass(frozen=True, slots=True)
class SimMessage:
    topic: str
    payload: bytes
    kind: str  # "uplink", or the fault that produced the message
    uplink: Uplink | None = None
    time: float = 0.0  # when the uplink was received (unix seconds)
    deliver_at: float = 0.0  # when the network server publishes it (unix seconds)


@dataclass(frozen=True, slots=True)
class Transmission:
    """One frame on the air, heard or not (for the airtime ledger and the tests)."""

    device: int
    time: float
    airtime_s: float
    frequency_hz: int
    sf: int
    f_cnt: int
    join: bool = False
    heard: bool = True


@dataclass
class Stats:
    unheard: int = 0
    rejoins: int = 0
    encode_fallbacks: int = 0
    faults: Counter[str] = field(default_factory=Counter)
    transmissions: list[Transmission] | None = None  # set to [] to record every frame

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = {"unheard": self.unheard, "rejoins": self.rejoins}
        if self.encode_fallbacks:
            out["encode_fallbacks"] = self.encode_fallbacks
        if self.faults:
            out["faults"] = dict(sorted(self.faults.items()))
        return out


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
        try:
            p = float(value)
        except ValueError:
            raise ValueError(f"fault {name}: {value!r} is not a number") from None
        if not 0 <= p <= 1:
            raise ValueError(f"fault {name}: probability must be within 0..1, got {p}")
        faults[name] = p
    return faults


# -- schedule ------------------------------------------------------------------------------------
def uplink_time(fleet: Fleet, device: SimDevice, k: int) -> float:
    """Start of the device's k-th transmission since installation."""
    jitter = (rand.uniform(fleet.seed, _JITTER, device.index, k) - 0.5) * 2 * JITTER
    return T_REF + device.phase_s + (k + jitter) * device.interval_s


def first_index(fleet: Fleet, device: SimDevice, start: float) -> int:
    k = max(int((start - T_REF - device.phase_s) // device.interval_s) - 1, 0)
    while uplink_time(fleet, device, k) < start:
        k += 1
    return k


def session_of(fleet: Fleet, device: SimDevice, k: int) -> tuple[int, int, int]:
    """(session number, its first uplink index, the next session's first): a rejoin every
    2 000 - 20 000 uplinks (weeks to months); frame counters restart at 0."""
    session, first = 0, 0
    while True:
        length = 2000 + int(18000 * rand.uniform(fleet.seed, _SESSION, device.index, session))
        if k < first + length:
            return session, first, first + length
        session, first = session + 1, first + length


def dev_addr(fleet: Fleet, device: SimDevice, session: int) -> str:
    """A DevAddr of TTN's NetID 000013 (prefix 0x26/0x27), new on every join."""
    return f"{0x26000000 | (rand.mix(fleet.seed, _ADDR, device.index, session) & 0x01FFFFFF):08X}"


def gateway_down(fleet: Fleet, gateway: int, t: float, share: float) -> bool:
    return share > 0 and rand.uniform(fleet.seed, _OUTAGE, gateway, int(t // 21_600)) < share


def _utc(t: float) -> datetime:
    return datetime.fromtimestamp(round(t, 6), UTC)


# -- radio side ----------------------------------------------------------------------------------
def uplinks(
    fleet: Fleet,
    start: float,
    end: float | None = None,
    stats: Stats | None = None,
    outage: float = 0.0,
) -> Iterator[tuple[SimDevice, Uplink]]:
    """Every heard uplink of the fleet from `start` (unix s) on, in time order, until `end`."""
    stats = stats if stats is not None else Stats()
    heap: list[tuple[float, int, int]] = []
    for device in fleet.devices:
        k = first_index(fleet, device, start)
        heapq.heappush(heap, (uplink_time(fleet, device, k), device.index, k))
    sessions: dict[int, tuple[int, int, int]] = {}
    while heap:
        t, index, k = heapq.heappop(heap)
        if end is not None and t > end:
            return
        device = fleet.devices[index]
        heapq.heappush(heap, (uplink_time(fleet, device, k + 1), index, k + 1))
        session = sessions.get(index)
        if session is None or k >= session[2]:
            previous = session
            session = session_of(fleet, device, k)
            sessions[index] = session
            if previous is not None and previous[0] != session[0]:
                stats.rejoins += 1
                _record_join(fleet, device, k, t, stats)
        uplink = make_uplink(fleet, device, k, t, session, stats, outage)
        if uplink is not None:
            yield device, uplink


def _record_join(fleet: Fleet, device: SimDevice, k: int, t: float, stats: Stats) -> None:
    if stats.transmissions is None:
        return
    join = radio.airtime_s(0, device.sf, phy_len=radio.JOIN_REQUEST_BYTES)
    frequency = radio.CHANNELS_HZ[rand.mix(fleet.seed, _CHANNEL, device.index, k, 1) % 3]
    at = t - 101 * join - 5.0  # the join-request, one off-time before the first uplink
    stats.transmissions.append(Transmission(device.index, at, join, frequency, device.sf, 0, True))


def make_uplink(
    fleet: Fleet,
    device: SimDevice,
    k: int,
    t: float,
    session: tuple[int, int, int],
    stats: Stats,
    outage: float = 0.0,
) -> Uplink | None:
    """The device's k-th uplink at `t`, or None when no gateway heard it."""
    seed = fleet.seed
    template = device.template
    encode = template.spec.encode
    assert encode is not None
    readings = measure(fleet.region, device.place, template, t, device.interval_s)
    try:
        f_port, payload = encode(readings)
    except (ValueError, KeyError, TypeError, OverflowError):
        stats.encode_fallbacks += 1  # physics left the encoder's range: send the vendor example
        f_port, payload = encode(list(template.example))
    sf = device.sf
    airtime = radio.airtime_s(len(payload), sf)
    frequency = radio.CHANNELS_HZ[rand.mix(seed, _CHANNEL, device.index, k) % 8]
    f_cnt = k - session[1]
    heard: list[tuple[float, float, int]] = []
    floor = radio.NOISE_FLOOR_DBM + radio.SNR_FLOOR_DB[sf]
    for link in device.links:
        if gateway_down(fleet, link.gateway, t, outage):
            stats.faults["gateway_outage"] += 1
            continue
        if link.signal_dbm + 3 * FADING_DB < floor:
            continue  # out of reach even with a lucky fade: skip the draw
        fading = FADING_DB * rand.gauss(seed, _FADE, device.index, k, link.gateway)
        got = radio.reception(link.signal_dbm, sf, fading)
        if got is not None:
            heard.append((got.rssi, got.snr, link.gateway))
    if stats.transmissions is not None:
        stats.transmissions.append(
            Transmission(device.index, t, airtime, frequency, sf, f_cnt, heard=bool(heard))
        )
    if not heard:
        stats.unheard += 1
        return None
    heard.sort(key=lambda h: (-h[0], -h[1]))
    tx_end = t + airtime
    gw_time = _utc(tx_end)
    receptions = tuple(
        Reception(
            gateway_eui=(gw := fleet.gateways[g]).eui,
            gateway_id=gw.gateway_id,
            rssi=rssi,
            snr=snr,
            latitude=gw.latitude,
            longitude=gw.longitude,
            altitude=gw.elevation_m + gw.height_m,
            time=gw_time,
        )
        for rssi, snr, g in heard
    )
    brand, model = device.brand_model
    received = tx_end + 0.05 + 0.25 * rand.uniform(seed, _LATENCY, device.index, k)
    return Uplink(
        source="ttn-v3",
        dev_eui=device.dev_eui,
        received_at=_utc(received),
        payload=payload,
        f_port=f_port,
        f_cnt=f_cnt,
        device_name=device.device_id,
        application_id=device.application_id,
        dev_addr=dev_addr(fleet, device, session[0]),
        data_rate=f"SF{sf}BW125",
        spreading_factor=sf,
        bandwidth_hz=radio.BANDWIDTH_HZ,
        frequency_hz=frequency,
        airtime_s=round(airtime, 6),
        brand_id=brand,
        model_id=model,
        device_profile=device.type_id,
        dedup_id=str(
            uuid.UUID(
                int=rand.mix(seed, _DEDUP, device.index, k) << 64
                | rand.mix(seed, _DEDUP, k, device.index),
                version=4,
            )
        ),
        receptions=receptions,
    )


def for_format(device: SimDevice, uplink: Uplink, fmt: Format) -> Uplink:
    """The uplink as the chosen network server knows the device."""
    if fmt == "ttn-v3":
        return uplink
    return uplink._replace(
        source="chirpstack-v4",
        device_name=device.name,
        application_id=device.chirpstack_application_id,
        brand_id=None,
        model_id=None,
    )


# -- network-server side -------------------------------------------------------------------------
def _corrupt(body: bytes, fmt: Format) -> bytes:
    if fmt == "chirpstack-v4-protobuf":
        return b"\x0a\xff\xff\xff\xff\x0f" + body[: len(body) // 2]  # a length beyond the end
    return body[: len(body) // 2]


def messages(
    stream: Iterable[tuple[SimDevice, Uplink]],
    fmt: Format,
    seed: int,
    faults: Mapping[str, float] | None = None,
    stats: Stats | None = None,
) -> Iterator[SimMessage]:
    """Render each uplink as its network server publishes it, injecting `faults`."""
    faults = faults or {}
    stats = stats if stats is not None else Stats()
    held: list[tuple[int, SimMessage]] = []  # out-of-order: (release after n more, message)
    replays: deque[tuple[int, SimMessage]] = deque()  # redelivery: (due at sequence, message)
    burst_until: float | None = None
    burst: list[SimMessage] = []
    seq = 0

    def chance(name: str) -> bool:
        p = faults.get(name, 0.0)
        return p > 0 and rand.uniform(seed, _FAULT, rand.key(name), seq) < p

    for device, uplink in stream:
        seq += 1
        t = uplink.received_at.timestamp()
        up = for_format(device, uplink, fmt)
        kind = "uplink"
        if chance("unknown_device"):
            stranger = f"A0B1{rand.mix(seed, _FAULT, seq) & 0xFFFFFFFFFFFF:012X}"
            up = up._replace(
                dev_eui=stranger,
                brand_id=None,
                model_id=None,
                device_profile=None,
                device_name=None,
            )
            kind = "unknown_device"
        elif chance("truncated") and len(up.payload) > 1:
            up = up._replace(payload=up.payload[: len(up.payload) // 2])
            kind = "truncated"
        topic, body = render(up, fmt)
        if chance("malformed"):
            body, kind = _corrupt(body, fmt), "malformed"
        out: list[SimMessage] = []
        message = SimMessage(topic, body, kind, None if kind == "malformed" else up, t, t)
        if chance("out_of_order"):
            stats.faults["out_of_order"] += 1
            held.append((1 + int(rand.uniform(seed, _FAULT, 1, seq) * 4), message))
        else:
            out.append(message)
            if chance("dup"):
                out.append(replace(message, kind="dup"))
            if chance("redelivery"):
                due = seq + 10 + int(rand.uniform(seed, _FAULT, 2, seq) * 190)
                replays.append((due, replace(message, kind="redelivery")))
        for i, (wait, m) in enumerate(held):
            held[i] = (wait - (1 if out else 0), m)
        out += [replace(m, deliver_at=t) for wait, m in held if wait <= 0]
        held = [(wait, m) for wait, m in held if wait > 0]
        while replays and replays[0][0] <= seq:
            out.append(replace(replays.popleft()[1], deliver_at=t))
        # bursts: the server stalls, then publishes the backlog at once
        if burst_until is None and chance("burst"):
            stats.faults["burst"] += 1
            burst_until = t + 300.0 + 900.0 * rand.uniform(seed, _FAULT, 3, seq)
        if burst_until is not None:
            burst += out
            if t < burst_until:
                continue
            out, burst, release = burst, [], burst_until
            burst_until = None
            out = [replace(m, deliver_at=max(release, m.deliver_at)) for m in out]
        yield from out
    yield from burst
    yield from (m for _, m in held)


def generate(
    fleet: Fleet,
    fmt: Format,
    start: float,
    end: float | None = None,
    faults: Mapping[str, float] | None = None,
    stats: Stats | None = None,
) -> Iterator[SimMessage]:
    """The fleet's messages from `start` (unix seconds) on, until `end` (None: forever)."""
    faults = faults or {}
    stats = stats if stats is not None else Stats()
    stream = uplinks(fleet, start, end, stats, faults.get("gateway_outage", 0.0))
    return messages(stream, fmt, fleet.seed, faults, stats)


def check_decodes(device: SimDevice, uplink: Uplink) -> tuple[str, ...]:
    """Errors the project's decoder reports for an uplink (empty when it decodes)."""
    return decode(device.type_id, uplink.f_port, uplink.payload).errors

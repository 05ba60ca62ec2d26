"""Radio invariants: airtime, path loss, what gateways hear, duty cycle and fair use."""

from __future__ import annotations

import statistics
from collections import defaultdict

import pytest

from simulator import radio
from simulator.fleet import Fleet, build_fleet
from simulator.traffic import Stats, Transmission, dev_addr, session_of, uplink_time, uplinks
from tests.unit.simulator.support import DAY, JULY


@pytest.mark.parametrize(
    ("payload", "sf", "ms"),
    [(11, 7, 61.696), (11, 12, 1482.752), (11, 9, 205.824), (51, 10, 698.368), (0, 7, 46.336)],
)
def test_airtime_is_the_semtech_formula(payload: int, sf: int, ms: float) -> None:
    """Reference values from The Things Network's airtime calculator (EU868, 125 kHz)."""
    assert radio.airtime_s(payload, sf) * 1000 == pytest.approx(ms, abs=0.001)


def test_farther_is_weaker_and_higher_gateways_reach_farther() -> None:
    losses = [radio.path_loss_db(d, 30.0, "farm") for d in (100, 1000, 5000, 15000)]
    assert losses == sorted(losses)
    assert radio.path_loss_db(5000, 140.0, "farm") < radio.path_loss_db(5000, 20.0, "farm")
    assert radio.path_loss_db(2000, 30.0, "town") > radio.path_loss_db(2000, 30.0, "farm")


def test_reception_is_bounded_and_needs_the_sf_floor() -> None:
    for signal in range(-150, 0, 3):
        for sf in range(7, 13):
            heard = radio.reception(float(signal), sf, 0.0)
            if heard is None:
                assert signal - radio.NOISE_FLOOR_DBM < radio.SNR_FLOOR_DB[sf]
                continue
            assert radio.RSSI_BOUNDS[0] <= heard.rssi <= radio.RSSI_BOUNDS[1]
            assert -20.0 <= heard.snr <= 13.5
    assert radio.reception(-130.0, 12, 0.0) is not None and radio.reception(-130.0, 7, 0.0) is None


def test_adr_gives_strong_links_fast_rates() -> None:
    assert radio.adr_spreading_factor(10.0) == 7
    assert radio.adr_spreading_factor(-5.0) == 10
    assert radio.adr_spreading_factor(-30.0) == 12
    assert radio.section(868_300_000) == "g1" and radio.section(867_500_000) == "g"


def test_fleet_radio_farther_devices_are_heard_weaker(full_fleet: Fleet) -> None:
    by_gateway: dict[int, list[tuple[float, float]]] = defaultdict(list)
    gateways = full_fleet.gateways
    for device, up in uplinks(full_fleet, JULY, JULY + 3600):
        for rx in up.receptions:
            gw = next(g for g in gateways if g.eui == rx.gateway_eui)
            d = radio.distance_m(device.latitude, device.longitude, gw.latitude, gw.longitude)
            assert rx.rssi is not None and radio.RSSI_BOUNDS[0] <= rx.rssi <= radio.RSSI_BOUNDS[1]
            by_gateway[gw.index].append((d, rx.rssi))
        rssis = [rx.rssi for rx in up.receptions]
        assert rssis == sorted(rssis, reverse=True)  # type: ignore[type-var]
    pairs = [p for rows in by_gateway.values() for p in rows]
    near = [r for d, r in pairs if d < 2000]
    far = [r for d, r in pairs if d > 8000]
    assert statistics.mean(near) > statistics.mean(far) + 10
    sfs = {d.sf for d in full_fleet.devices}
    assert 7 in sfs and 12 in sfs and len(sfs) >= 4  # ADR spreads the fleet over the rates


def test_duty_cycle_and_fair_use_hold_over_a_simulated_day(full_fleet: Fleet) -> None:
    stats = Stats(transmissions=[])
    for _ in uplinks(full_fleet, JULY, JULY + DAY, stats):
        pass
    assert stats.transmissions
    per_device: dict[int, list[Transmission]] = defaultdict(list)
    for tx in stats.transmissions:
        assert tx.frequency_hz in radio.CHANNELS_HZ
        per_device[tx.device].append(tx)
    assert len(per_device) == len(full_fleet.devices)
    for txs in per_device.values():
        txs.sort(key=lambda tx: tx.time)
        assert sum(tx.airtime_s for tx in txs) <= radio.FAIR_USE_S_PER_DAY
        last_end: dict[str, float] = {}
        for tx in txs:  # the off-time after each frame in its sub-band: 99 x its airtime
            band = radio.section(tx.frequency_hz)
            assert tx.time >= last_end.get(band, 0.0)
            last_end[band] = tx.time + tx.airtime_s / radio.DUTY_CYCLE
    intervals = [d.interval_s for d in full_fleet.devices]
    assert statistics.median(intervals) <= 30 * 60  # sane volume: most report every 10-30 min


def test_frame_counters_count_per_session_and_reset_on_rejoin(small_fleet: Fleet) -> None:
    device = small_fleet.devices[0]
    session, first, following = session_of(small_fleet, device, 50_000)
    assert first <= 50_000 < following and 2000 <= following - first <= 20_000
    nxt = session_of(small_fleet, device, following)
    assert nxt == (session + 1, following, nxt[2])
    assert dev_addr(small_fleet, device, session) != dev_addr(small_fleet, device, session + 1)
    assert dev_addr(small_fleet, device, session).startswith(("26", "27"))
    # around the device's next rejoin: counters climb, then restart at 0 with a new DevAddr
    alone = build_fleet(1, 3)
    device = alone.devices[0]
    boundary = session_of(alone, device, 100_000)[2]
    at = uplink_time(alone, device, boundary)
    stats = Stats()
    seen = [(up.f_cnt, up.dev_addr) for _, up in uplinks(alone, at - DAY, at + DAY, stats)]
    assert stats.rejoins == 1
    reset = next(i for i, (f_cnt, _) in enumerate(seen) if f_cnt == 0)
    before, after = seen[:reset], seen[reset:]
    assert [f for f, _ in before] == sorted(f for f, _ in before) and before[-1][0] > 1000
    assert after[0][0] == 0 and [f for f, _ in after] == sorted({f for f, _ in after})
    assert before[-1][1] != after[0][1]

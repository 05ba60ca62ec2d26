"""`smartregion simulate`: one entry point that wires fleet, clock, faults and a sink together.

Modes (DESIGN's CLI):
- real time (`--speed 1`, the default when publishing to MQTT without a limit): every uplink
  is published at its scheduled time;
- accelerated (`--speed S`: S times real time; `--rate R`: R messages per second; or flat
  out when `--count`/`--duration` limit the run): simulated time runs ahead from now;
- backfill (`--backfill-days D`): the D days ending now, as fast as possible (or at `--rate`),
  with historical receive times; with `--speed` the run then carries on live.
Envelope times are always the simulated times, so a consumer sees what a real network
would have sent at those instants (the duty cycle and fair use hold on them).
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from netserver import Format
from simulator.fleet import Fleet, build_fleet
from simulator.publish import Progress, bounded, paced, to_file, to_mqtt
from simulator.scenario import load_scenario
from simulator.traffic import Stats, generate, parse_faults

DAY = 86_400.0


class SimulationError(ValueError):
    """Options that do not fit together; the message says what to change."""


@dataclass(frozen=True)
class Options:
    scenario: str | Path = "irmd"
    devices: int = 50
    seed: int = 1
    count: int | None = None
    duration: float | None = None
    rate: float | None = None
    speed: float | None = None
    fmt: Format = "ttn-v3"
    mqtt_url: str | None = None
    output: Path | None = None
    faults: str | None = None
    backfill_days: float | None = None
    progress: bool = True
    client_id: str = "smartregion-simulator"


def plan(options: Options, now: float) -> tuple[float, float | None, float | None]:
    """(start, end, speed) of the simulated clock for these options."""
    if (options.mqtt_url is None) == (options.output is None):
        raise SimulationError("give exactly one of --mqtt-url URL or --output FILE.jsonl")
    limited = options.count is not None or options.duration is not None
    start = now - options.backfill_days * DAY if options.backfill_days else now
    speed = options.speed
    if options.backfill_days:
        end = None if speed else now  # history only, unless told to carry on live
    else:
        end = None
        if not limited and not options.rate and speed is None:
            if options.output is not None:
                raise SimulationError("writing a file needs --count, --duration or --backfill-days")
            speed = 1.0  # to a broker without a limit: real time, until interrupted
    return start, end, speed


def expected_messages(
    fleet: Fleet, count: int | None, start: float, end: float | None
) -> int | None:
    """Roughly how many messages a bounded run produces (for the progress bar)."""
    if count is not None:
        return count
    if end is None:
        return None
    return int(sum((end - start) / d.interval_s for d in fleet.devices))


def run(options: Options) -> dict[str, Any]:
    """Simulate and deliver; returns the figures `smartregion simulate` prints."""
    scenario = load_scenario(options.scenario)
    faults = parse_faults(options.faults)
    now = float(int(time.time()))
    start, end, speed = plan(options, now)
    fleet = build_fleet(options.devices, options.seed, scenario)
    stats = Stats()
    stream = generate(fleet, options.fmt, start, end, faults, stats)
    stream = paced(stream, rate=options.rate, speed=speed, origin=now)
    stream = bounded(stream, options.count, options.duration)
    total = expected_messages(fleet, options.count, start, end)
    long_run = total is None or total >= 20_000
    started = time.monotonic()
    with Progress(total, "simulate", enabled=options.progress and long_run) as progress:
        counts: Counter[str]
        if options.output is not None:
            counts = to_file(stream, options.output, progress)
        else:
            assert options.mqtt_url is not None
            counts = to_mqtt(stream, options.mqtt_url, options.client_id, progress)
    elapsed = time.monotonic() - started
    messages = sum(counts.values())
    return {
        "messages": messages,
        **dict(sorted(counts.items())),
        **stats.as_dict(),
        "devices": len(fleet.devices),
        "gateways": len(fleet.gateways),
        "seconds": round(elapsed, 2),
        "messages_per_s": round(messages / elapsed, 1) if elapsed > 0 else None,
    }

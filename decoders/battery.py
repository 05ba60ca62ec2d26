"""One battery percentage across a mixed fleet: the platform's estimate from a voltage.

Many devices report only their battery voltage, and a voltage means nothing without the
cells behind it (3.0 V is a fresh pair of AAA cells and a nearly dead Li-SOCl2 cell). A
decoder whose vendor documents the battery declares it as a `BatteryPack` on its
`DecoderSpec`; `decoders.catalog.decode` then adds the estimate here.

The model, the same for every pack: linear between the pack's documented cut-off voltage
(0 %) and its fresh/nominal voltage (100 %), clamped to 0..100 and rounded to whole percent.
Real discharge curves are not linear (a Li-SOCl2 cell stays near 3.6 V for most of its life,
then falls fast), so the number is a coarse, comparable indicator for maintenance planning,
not a state of charge.

Why its own name: a `Reading` cannot say "estimated", and `battery_level` stays what a device
itself reports. Were the estimate a `battery_level` reading, storage and the API could not
tell a device's measured 40 % from our guess of 40 %. So the estimate is the field and the
reading quantity `battery_level_estimate` (its own vocabulary entry and definition URI); a
fleet view takes `battery_level` where a device reports one and `battery_level_estimate`
otherwise. A decoder that reports `battery_level` itself gets no estimate.
"""

from __future__ import annotations

import math
from dataclasses import replace

from decoders.model import BatteryPack, Decoded, Reading

QUANTITY = "battery_level_estimate"
"""The field name and the reading quantity of the estimate."""

__all__ = ["QUANTITY", "BatteryPack", "estimate", "with_estimate"]


def estimate(pack: BatteryPack, volts: float) -> int:
    """The pack's level in whole percent for `volts`: linear, clamped to 0..100.

    Raises:
        ValueError: `volts` is NaN or infinite.
    """
    if not math.isfinite(volts):
        raise ValueError(f"battery voltage {volts} is not a number")
    fraction = (volts - pack.cutoff_v) / (pack.full_v - pack.cutoff_v)
    return max(0, min(100, round(fraction * 100)))


def with_estimate(pack: BatteryPack, decoded: Decoded) -> Decoded:
    """`decoded` plus the estimate from its battery_voltage reading, when it has one.

    Unchanged when decoding failed, when there is no (finite) voltage reading, or when the
    device reports its own battery_level.
    """
    if decoded.errors:
        return decoded
    voltage = None
    for reading in decoded.readings:
        if reading.quantity == "battery_level":
            return decoded
        if reading.quantity == "battery_voltage" and voltage is None:
            voltage = reading
    if voltage is None or not math.isfinite(voltage.value):
        return decoded
    level = estimate(pack, voltage.value)
    return replace(
        decoded,
        fields={**decoded.fields, QUANTITY: level},
        readings=(
            *decoded.readings,
            Reading(QUANTITY, float(level), voltage.channel, voltage.time),
        ),
    )

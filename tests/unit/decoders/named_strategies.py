"""Hypothesis strategies for the decoders issue #3 names (Nwave, KELLER, uRADMonitor).

Each strategy yields (readings, tolerance by (quantity, channel)), as `test_properties`
expects; the tolerance is half the format's resolution in the canonical unit (float32 values
get their relative precision at the top of the range).
"""

from __future__ import annotations

from city_strategies import Sample, fixed, states
from hypothesis import strategies as st

from decoders.vendors.uradmonitor import model_a3

F32 = 2**-23  # float32 relative precision, with a margin for the unit conversion


def _with_occupancy(sample: st.SearchStrategy[Sample]) -> st.SearchStrategy[Sample]:
    return sample.flatmap(
        lambda s: states("parking_occupied").map(lambda extra: (s[0] + extra[0], s[1] | extra[1]))
    )


NAMED_STRATEGIES: dict[str, st.SearchStrategy[Sample]] = {
    "nwave/nps405sm": _with_occupancy(
        fixed(
            {
                "battery_voltage": (2.5, 3.52, 0.004),  # 2500 + 4 * byte mV
                "surface_temperature": (-54.0, 73.5, 0.5),  # signed byte / 2 + 10 °C
            }
        )
    ),
    "keller/adt1-tube": fixed(
        {
            "water_pressure": (-1.0, 100.0, 100.0 * F32),
            "water_temperature": (-5.0, 50.0, 50.0 * F32),
            "air_pressure": (300.0, 1100.0, 1100.0 * F32),
            "air_temperature": (-40.0, 70.0, 70.0 * F32),
        }
    ),
    "uradmonitor/model-a3": fixed(
        {
            "air_temperature": (-327.67, 327.67, 0.01),  # sign and 15-bit magnitude / 100
            "air_pressure": (655.35, 1310.7, 0.01),  # (uint16 + 65535) Pa
            "relative_humidity": (0.0, 127.5, 0.5),
            "noise_level": (0.0, 127.5, 0.5),
            "co2": (0.0, 65535.0, 1.0),
            "formaldehyde": (0.0, 65535 * model_a3.CH2O_PER_PPB, model_a3.CH2O_PER_PPB),
            "o3": (0.0, 65535 * model_a3.O3_PER_PPB, model_a3.O3_PER_PPB),
            "pm1": (0.0, 65535.0, 1.0),
            "pm2_5": (0.0, 65535.0, 1.0),
            "pm10": (0.0, 65535.0, 1.0),
        }
    ),
}

__all__ = ["NAMED_STRATEGIES"]

"""The platform's battery estimate: the linear pack model and how the catalogue applies it."""

from __future__ import annotations

import math
from datetime import UTC, datetime

import pytest

from decoders import CATALOG, QUANTITIES, Decoded, Reading, battery, decode, list_decoders
from decoders.catalog import PYTHON_DECODERS, reported_quantities
from decoders.model import BatteryPack, DecoderSpec
from decoders.vendors.dragino import lse01

PACK = BatteryPack("test pack", cutoff_v=2.0, full_v=3.6, source="test")


@pytest.mark.parametrize(
    ("volts", "percent"),
    [
        (2.0, 0),  # the cut-off is empty
        (3.6, 100),  # the full voltage is full
        (2.8, 50),  # linear in between
        (2.4, 25),
        (2.0 + 1.6 * 0.334, 33),  # rounded to whole percent
        (2.0 + 1.6 * 0.336, 34),
        (1.2, 0),  # clamped below the cut-off
        (3.674, 100),  # and above the full voltage (a fresh Li-SOCl2 cell reads above 3.6 V)
    ],
)
def test_estimate_is_linear_clamped_and_rounded(volts: float, percent: int) -> None:
    assert battery.estimate(PACK, volts) == percent


@pytest.mark.parametrize("volts", [math.nan, math.inf, -math.inf])
def test_estimate_refuses_a_voltage_that_is_not_a_number(volts: float) -> None:
    with pytest.raises(ValueError, match="not a number"):
        battery.estimate(PACK, volts)


@pytest.mark.parametrize(("cutoff", "full"), [(3.6, 2.0), (3.0, 3.0), (0.0, 3.0), (-1.0, 3.0)])
def test_a_pack_needs_a_cutoff_below_its_full_voltage(cutoff: float, full: float) -> None:
    with pytest.raises(ValueError, match="cut-off"):
        BatteryPack("bad", cutoff_v=cutoff, full_v=full, source="test")


def test_with_estimate_adds_the_field_and_a_reading_like_the_voltage() -> None:
    at = datetime(2026, 1, 2, 3, 4, tzinfo=UTC)
    decoded = Decoded(fields={"vbat": 2.8}, readings=(Reading("battery_voltage", 2.8, 2, at),))
    result = battery.with_estimate(PACK, decoded)
    assert result.fields == {"vbat": 2.8, "battery_level_estimate": 50}
    assert result.readings == (*decoded.readings, Reading("battery_level_estimate", 50.0, 2, at))
    assert decoded.fields == {"vbat": 2.8}  # the decoder's own result is not mutated


@pytest.mark.parametrize(
    "decoded",
    [
        Decoded(errors=("bad",)),
        Decoded(readings=(Reading("air_temperature", 21.0),)),
        Decoded(readings=(Reading("battery_voltage", math.nan),)),
        # a device that reports its own level keeps it, without our estimate beside it
        Decoded(readings=(Reading("battery_voltage", 2.8), Reading("battery_level", 70.0))),
    ],
)
def test_with_estimate_leaves_other_results_alone(decoded: Decoded) -> None:
    assert battery.with_estimate(PACK, decoded) is decoded


def test_the_estimate_has_its_own_quantity_beside_the_device_level() -> None:
    estimate, level = QUANTITIES[battery.QUANTITY], QUANTITIES["battery_level"]
    assert (estimate.unit, estimate.minimum, estimate.maximum) == ("%", 0, 100)
    assert estimate.definition != level.definition


def test_catalogue_decode_adds_the_estimate_for_a_declared_pack() -> None:
    f_port, payload = lse01.encode(
        [
            Reading("battery_voltage", 2.8),
            Reading("soil_moisture", 20.0),
            Reading("soil_temperature", 10.0),
            Reading("soil_conductivity", 100.0),
        ]
    )
    decoded = decode("dragino/lse01", f_port, payload)
    assert not decoded.errors and not decoded.warnings
    assert lse01.SPEC.battery is not None
    expected = battery.estimate(lse01.SPEC.battery, 2.8)
    assert expected == 50  # 2.8 V is half-way between the cell's 2.0 V cut-off and 3.6 V
    assert decoded.fields["battery_level_estimate"] == expected
    assert Reading("battery_level_estimate", 50.0) in decoded.readings


def test_catalogue_decode_adds_nothing_without_a_pack() -> None:
    spec = CATALOG["dragino/ldds75"]  # reports its battery voltage, declares no pack
    assert spec.battery is None
    decoded = decode("dragino/ldds75", 2, bytes.fromhex("0d0a07e900000001"))
    assert not decoded.errors
    assert any(r.quantity == "battery_voltage" for r in decoded.readings)
    assert battery.QUANTITY not in decoded.fields
    assert all(r.quantity != battery.QUANTITY for r in decoded.readings)


@pytest.mark.parametrize(
    "spec", [s for s in PYTHON_DECODERS if s.battery is not None], ids=lambda s: s.type_id
)
def test_a_declared_pack_can_fire_and_is_listed(spec: DecoderSpec) -> None:
    # the estimate needs the voltage, and a device with its own level needs no estimate
    assert "battery_voltage" in spec.quantities
    assert "battery_level" not in spec.quantities
    assert battery.QUANTITY not in spec.quantities  # the decoder's own set stays its own
    assert reported_quantities(spec) == spec.quantities | {battery.QUANTITY}
    listed = {d["id"]: d for d in list_decoders()}[spec.type_id]
    assert battery.QUANTITY in listed["quantities"]


def test_the_required_devices_declare_their_packs() -> None:
    declared = {s.type_id for s in PYTHON_DECODERS if s.battery is not None}
    assert {"dragino/lse01", "dragino/lds02", "elsys/ers-lite", "browan/tbhh100"} <= declared

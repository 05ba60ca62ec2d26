"""The catalog: every vendor module registered once, with vectors, known quantities and ports."""

from __future__ import annotations

import importlib
import json
import pkgutil
import re
from types import ModuleType

import pytest
from decoder_vectors import Vector, load, vector_files

import decoders.vendors
from decoders import CATALOG, QUANTITIES, DecoderSpec, decode, list_decoders
from decoders.catalog import PYTHON_DECODERS

HELPER_MODULES = {  # shared code, no device of its own
    "decoders.vendors.decentlab.protocol",
    "decoders.vendors.dragino.probe",
    "decoders.vendors.elsys.protocol",
    "decoders.vendors.milesight_iot.protocol",
    "decoders.vendors.sensecap.protocol",
}


def _vendor_modules() -> list[ModuleType]:
    found = []
    for info in pkgutil.walk_packages(decoders.vendors.__path__, "decoders.vendors."):
        if not info.ispkg and info.name not in HELPER_MODULES:
            found.append(importlib.import_module(info.name))
    return found


def _vectors_by_type() -> dict[str, list[Vector]]:
    by_type: dict[str, list[Vector]] = {}
    for path in vector_files():
        type_id, vectors = load(path)
        assert type_id not in by_type, f"{type_id} has two vectors files"
        by_type[type_id] = vectors
    return by_type


def test_type_ids_are_unique() -> None:
    assert len(CATALOG) == len(PYTHON_DECODERS)


def test_every_vendor_module_is_registered() -> None:
    modules = _vendor_modules()
    assert modules
    for module in modules:
        spec = getattr(module, "SPEC", None)
        assert isinstance(spec, DecoderSpec), f"{module.__name__} has no SPEC"
        assert CATALOG.get(spec.type_id) is spec, f"{spec.type_id} missing from PYTHON_DECODERS"
        assert module.__doc__ and len(module.__doc__) > 80, f"{module.__name__} needs a docstring"
        vendor, _, model = spec.type_id.partition("/")
        package = vendor.replace("-", "_")  # TTN vendor ids may have dashes (milesight-iot)
        assert module.__name__ == f"decoders.vendors.{package}.{model.replace('-', '_')}"


@pytest.mark.parametrize("spec", PYTHON_DECODERS, ids=lambda s: s.type_id)
def test_spec_is_well_formed(spec: DecoderSpec) -> None:
    assert re.fullmatch(r"[a-z0-9-]+/[a-z0-9-]+", spec.type_id)
    assert spec.vendor and spec.model and spec.source
    assert spec.quantities, "a decoder must produce at least one canonical quantity"
    assert spec.quantities <= QUANTITIES.keys(), spec.quantities - QUANTITIES.keys()
    assert all(0 < port < 224 for port in spec.f_ports), "application fPorts are 1..223"
    assert spec.encode is not None, "every Python decoder has an encoder for the simulator"


@pytest.mark.parametrize("spec", PYTHON_DECODERS, ids=lambda s: s.type_id)
def test_every_decoder_has_vectors_with_an_error_case(spec: DecoderSpec) -> None:
    vectors = _vectors_by_type().get(spec.type_id)
    assert vectors, f"{spec.type_id} has no vectors file"
    assert any(v.errors for v in vectors), "at least one error vector"
    assert any(not v.errors for v in vectors), "at least one accepted vector"


def test_every_vectors_file_names_a_catalogued_type() -> None:
    assert set(_vectors_by_type()) <= CATALOG.keys()


def test_list_decoders_shape() -> None:
    listed = list_decoders()
    assert [d["id"] for d in listed] == sorted(CATALOG)
    for entry in listed:
        assert set(entry) == {
            "id",
            "vendor",
            "model",
            "category",
            "f_ports",
            "quantities",
            "source",
        }
        assert entry["f_ports"] == sorted(entry["f_ports"])
        assert entry["quantities"] == sorted(entry["quantities"])
        assert entry["category"] in {"agriculture", "forestry", "smart_city", "generic"}
    json.dumps(listed)  # what the CLI prints must serialise as is


def test_required_decoders_present() -> None:
    assert {"dragino/lse01", "decentlab/dl-pr26", "browan/tbhh100", "cayenne/lpp"} <= CATALOG.keys()


def test_unknown_type_is_an_error_not_an_exception() -> None:
    decoded = decode("acme/nothing", 1, b"\x00")
    assert decoded.errors and not decoded.readings


def test_port_outside_spec_is_an_error() -> None:
    decoded = decode("browan/tbhh100", 5, bytes.fromhex("080b232fffffffff"))
    assert decoded.errors == ("unknown fPort 5 for browan/tbhh100 (expects 103)",)


def test_implausible_reading_is_kept_and_flagged() -> None:
    decoded = decode("cayenne/lpp", 1, bytes.fromhex("01671018"))
    assert [r.value for r in decoded.readings] == [412.0]
    assert decoded.warnings == ()  # Cayenne LPP itself has nothing to say
    assert decoded.notes == ("air_temperature 412.0 Cel outside plausible range -60..70",)
    assert not decoded.errors


def test_short_payload_becomes_an_error() -> None:
    decoded = decode("dragino/lse01", 2, b"")
    assert decoded.errors and not decoded.fields

"""One runner over every `*.vectors.yaml` beside the decoders."""

from __future__ import annotations

import pytest
from decoder_vectors import Vector, all_vectors, readings_map, same

from decoders import decode


def _vector_id(vector: Vector) -> str:
    return f"{vector.type_id}::{vector.description}"


@pytest.mark.parametrize("vector", all_vectors(), ids=_vector_id)
def test_vector(vector: Vector) -> None:
    decoded = decode(vector.type_id, vector.f_port, vector.payload)
    if vector.errors:
        assert decoded.errors, "error case accepted"
        assert not decoded.readings, "an error case must not produce readings"
        for text in vector.errors:
            assert any(text in error for error in decoded.errors), (text, decoded.errors)
        return
    assert not decoded.errors, decoded.errors
    assert vector.fields is not None, "a non-error case must state its fields"
    assert same(dict(decoded.fields), dict(vector.fields)), (decoded.fields, vector.fields)
    assert vector.readings is not None, "a non-error case must state its readings"
    timed = any("@" in key for key in vector.readings)
    actual = readings_map(decoded, timed=timed)
    assert same(actual, dict(vector.readings)), (decoded.readings, vector.readings)
    # a vector's warnings name the decoder's own and the platform's notes alike
    remarks = decoded.all_warnings
    for text in vector.warnings:
        assert any(text in warning for warning in remarks), (text, remarks)
    if not vector.warnings:
        assert not remarks, remarks

"""The JS sandbox gives what TTN gives: device-repository examples are written against TTN.

TTN's Application Server (and the device repository's CI, which checks every codec example)
runs ``decodeUplink({bytes, fPort})`` in goja and hands the result to Go, which writes it as
JSON. Every codec here is self-written to exercise one habit of real vendor codecs; the
expected values are what TTN would store.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from decoders.js import JsCodec, decode_js
from decoders.model import Decoded


def _as_ttn_output(result: Decoded, runtime_warnings: int = 0) -> dict[str, Any]:
    """The decodeUplink output TTN would show: data, and warnings/errors only when present."""
    out: dict[str, Any] = {}
    if result.fields or not result.errors:
        out["data"] = dict(result.fields)
    codec_warnings = list(result.warnings[: len(result.warnings) - runtime_warnings])
    if codec_warnings:
        out["warnings"] = codec_warnings
    if result.errors:
        out["errors"] = list(result.errors)
    return out


# -- output conversion ------------------------------------------------------------------------
def test_undefined_members_are_null_as_in_ttn() -> None:
    # goja exports undefined as nil, so TTN shows the key with null; JSON.stringify drops it.
    result = decode_js(
        """
        function decodeUplink(input) {
          var causes = [undefined, 'watchdog', 'power on'];
          return { data: { cause: causes[input.bytes[0]], list: [undefined, 1],
                           nested: { gone: undefined, kept: 2 }, helper: function () {} } };
        }""",
        1,
        b"\x00",
    )
    assert result.errors == ()
    assert result.fields == {"cause": None, "list": [None, 1], "nested": {"gone": None, "kept": 2}}


def test_an_absent_recv_time_copied_into_data_is_null() -> None:
    # TTN's example runner passes no recvTime; codecs that copy it still show the key.
    source = "function decodeUplink(i) { return { data: { value: 1, date: i.recvTime } }; }"
    assert decode_js(source, 1, b"").fields == {"value": 1, "date": None}
    when = datetime(2024, 3, 1, 12, 0, 0, 500000, tzinfo=UTC)
    at = JsCodec(source).decode(1, b"", recv_time=when)
    assert at.fields == {"value": 1, "date": "2024-03-01T12:00:00.5Z"}


@pytest.mark.parametrize(
    ("millis", "expected"),
    [
        ("Date.UTC(2023, 4, 17, 8, 30, 15)", "2023-05-17T08:30:15Z"),
        ("Date.UTC(2023, 4, 17, 8, 30, 15, 250)", "2023-05-17T08:30:15.25Z"),
        ("Date.UTC(2023, 4, 17, 8, 30, 15, 7)", "2023-05-17T08:30:15.007Z"),
        ("NaN", None),
    ],
)
def test_dates_are_written_as_go_writes_a_time(millis: str, expected: str | None) -> None:
    # goja hands a Date to Go as a time.Time: RFC 3339, fraction without trailing zeros.
    result = decode_js(
        f"function decodeUplink(i) {{ var t = new Date({millis});"
        " return { data: { at: t, list: [t] } }; }",
        1,
        b"",
    )
    assert result.fields == {"at": expected, "list": [expected]}


def test_typed_arrays_are_lists_of_numbers() -> None:
    result = decode_js(
        """
        function decodeUplink(input) {
          var raw = new Uint8Array(input.bytes);
          var words = new Int16Array(new Uint8Array([0xfe, 0xff, 0x02, 0x00]).buffer);
          return { data: { raw: raw, words: words } };
        }""",
        1,
        b"\x01\xff",
    )
    assert result.fields == {"raw": [1, 255], "words": [-2, 2]}


# -- decodeUplink output shapes ---------------------------------------------------------------
def test_warnings_without_data_are_an_empty_payload_not_an_error() -> None:
    result = decode_js(
        "function decodeUplink(i) { return { warnings: ['empty frame ignored'] }; }", 1, b""
    )
    assert result.fields == {}
    assert result.errors == ()
    assert result.warnings == ("empty frame ignored",)


def test_an_empty_errors_list_without_data_is_an_empty_payload_with_our_warning() -> None:
    result = decode_js("function decodeUplink(i) { return { errors: [] }; }", 1, b"")
    assert result.fields == {}
    assert result.errors == ()
    assert result.warnings == ()  # the codec gave none
    assert result.notes == ("decodeUplink returned no data",)


def test_only_data_warnings_and_errors_are_read_as_on_ttn() -> None:
    bare = decode_js("function decodeUplink(i) { return { level: 3, unit: 'cm' }; }", 1, b"")
    assert bare.fields == {}
    assert bare.errors == ()
    assert bare.warnings == ()
    assert "level, unit but no data key" in bare.notes[0]
    extra = decode_js(
        "function decodeUplink(i) { return { data: { level: 3 }, debug: 'x', fPort: 1 }; }", 1, b""
    )
    assert extra.fields == {"level": 3}
    assert extra.warnings == extra.notes == ()


def test_the_codec_warnings_stay_as_written_and_the_runtime_remarks_are_notes() -> None:
    result = decode_js(
        """
        function decodeUplink(input) {
          return { data: { ratio: 0 / 0 }, warnings: ['sensor not calibrated'] };
        }""",
        1,
        b"",
    )
    assert result.warnings == ("sensor not calibrated",)
    assert result.notes == ("codec returned ratio: NaN; stored as null",)
    # stored together, the codec's first
    assert result.all_warnings == (
        "sensor not calibrated", "codec returned ratio: NaN; stored as null",
    )  # fmt: skip


# -- habits of device-repository codecs -------------------------------------------------------
# (codec, examples in the device repository's shape: input and expected TTN output)
SLOPPY_IMPLICIT_GLOBALS = """
function decodeUplink(input) {
  bytes = input.bytes;                       // no var: an implicit global
  toFlag = function (bit) { return (bytes[0] >> bit & 1) == '1'; };
  for (i = 0, sum = 0; i < bytes.length; i++) sum += bytes[i];
  if (input.fPort !== 3) return { errors: ['unknown FPort'] };
  return { data: { open: toFlag(0), alarm: toFlag(1), checksum: sum & 0xff } };
}"""
TABLE_DRIVEN = """
var codec = {
  FIELDS: [
    { name: 'temperature', unit: '\u00b0C', convert: function (x) { return (x - 400) / 10; } },
    { name: 'humidity', unit: '%', convert: function (x) { return x / 10; } }
  ],
  word: function (b, at) { return (b[at] << 8) + b[at + 1]; },
  decode: function (b) {
    if (b[0] !== 2) return { error: 'protocol version ' + b[0] + " doesn't match v2" };
    var out = { protocol_version: b[0] };
    for (var i = 0; i < this.FIELDS.length; i++) {
      var f = this.FIELDS[i];
      out[f.name] = { value: f.convert.bind(this)(this.word(b, 1 + 2 * i)), unit: f.unit };
    }
    return out;
  }
};
function decodeUplink(input) {
  var res = codec.decode(input.bytes);
  return res.error ? { errors: [res.error] } : { data: res };
}"""
MODERN = """
'use strict';
class Cursor {
  #at = 0;
  constructor(bytes) { this.bytes = bytes; }
  u8() { return this.bytes[this.#at++]; }
  i16() { const v = (this.u8() << 8) | this.u8(); return v > 0x7fff ? v - 0x10000 : v; }
  get left() { return this.bytes.length - this.#at; }
}
const KINDS = new Map([[1, 'periodic'], [2, 'alarm']]);
const decodeUplink = ({ bytes, fPort }) => {
  const c = new Cursor(bytes);
  const kind = KINDS.get(c.u8()) ?? 'unknown';
  const warnings = [];
  const data = { kind, temperature: c.i16() / 100, label: `port ${fPort}` };
  if (c.left > 0) warnings.push(`${c.left} trailing byte(s) ignored`);
  if (kind === 'unknown') return { data, errors: [`unknown frame kind ${bytes[0]}`] };
  return warnings.length ? { data, warnings } : { data };
};"""
LEGACY_WRAPPED = """
function decodeUplink(input) {
  return { data: Decoder(input.bytes, input.fPort) };
}
function Decoder(bytes, port) {
  var decoded = {};
  for (var i = 0; i < bytes.length;) {
    var channel = bytes[i++], type = bytes[i++];
    if (channel === 0x01 && type === 0x75) { decoded.battery = bytes[i]; i += 1; }
    else if (channel === 0x03 && type === 0x67) {
      var raw = bytes[i] | (bytes[i + 1] << 8);
      decoded.temperature = (raw > 0x7fff ? raw - 0x10000 : raw) / 10; i += 2;
    } else { break; }
  }
  return decoded;
}"""
EMPTY_AND_LABELS = """
function decodeUplink(input) {
  var b = input.bytes, where = 0;
  if (b.length === 0 || b.every(function (x) { return x === 0; })) return {};
  if (b[0] !== 0) {
    field: "location",
    where = "" + (b[0] / 10) + "," + (b[1] / 10) + "";
  }
  var text = String.fromCharCode.apply(null, b.slice(2));
  return { data: { where: where, text: text, hex: b.map(function (x) {
    return ('0' + x.toString(16)).slice(-2); }).join('') } };
}"""

CASES: list[tuple[str, str, list[dict[str, Any]]]] = [
    (
        "sloppy-implicit-globals",
        SLOPPY_IMPLICIT_GLOBALS,
        [
            {
                "input": {"fPort": 3, "bytes": [3, 0x10]},
                "output": {"data": {"open": True, "alarm": True, "checksum": 0x13}},
            },
            {
                "input": {"fPort": 3, "bytes": [0]},
                "output": {"data": {"open": False, "alarm": False, "checksum": 0}},
            },
            {"input": {"fPort": 9, "bytes": [1]}, "output": {"errors": ["unknown FPort"]}},
        ],
    ),
    (
        "table-driven",
        TABLE_DRIVEN,
        [
            {
                "input": {"fPort": 1, "bytes": [2, 0x02, 0x71, 0x01, 0xF4]},
                "output": {
                    "data": {
                        "protocol_version": 2,
                        "temperature": {"value": 22.5, "unit": "°C"},
                        "humidity": {"value": 50, "unit": "%"},
                    }
                },
            },
            {
                "input": {"fPort": 1, "bytes": [3]},
                "output": {"errors": ["protocol version 3 doesn't match v2"]},
            },
        ],
    ),
    (
        "es2020-classes",
        MODERN,
        [
            {
                "input": {"fPort": 5, "bytes": [1, 0x09, 0x29]},
                "output": {"data": {"kind": "periodic", "temperature": 23.45, "label": "port 5"}},
            },
            {
                "input": {"fPort": 5, "bytes": [2, 0xFF, 0x9C, 7]},
                "output": {
                    "data": {"kind": "alarm", "temperature": -1, "label": "port 5"},
                    "warnings": ["1 trailing byte(s) ignored"],
                },
            },
            {
                "input": {"fPort": 5, "bytes": [9, 0, 0]},
                "output": {
                    "data": {"kind": "unknown", "temperature": 0, "label": "port 5"},
                    "errors": ["unknown frame kind 9"],
                },
            },
        ],
    ),
    (
        "legacy-decoder-wrapped",
        LEGACY_WRAPPED,
        [
            {
                "input": {"fPort": 85, "bytes": [0x01, 0x75, 0x5C, 0x03, 0x67, 0x34, 0x01]},
                "output": {"data": {"battery": 92, "temperature": 30.8}},
            },
            {
                "input": {"fPort": 85, "bytes": [0x03, 0x67, 0xFF, 0xFF]},
                "output": {"data": {"temperature": -0.1}},
            },
        ],
    ),
    (
        "labels-and-empty-payloads",
        EMPTY_AND_LABELS,
        [
            {
                "input": {"fPort": 2, "bytes": [225, 50, 72, 105]},
                "output": {"data": {"where": "22.5,5", "text": "Hi", "hex": "e1324869"}},
            },
            {"input": {"fPort": 2, "bytes": [0, 0, 0]}, "output": {"data": {}}},
        ],
    ),
]


@pytest.mark.parametrize(("name", "source", "examples"), CASES, ids=[c[0] for c in CASES])
def test_codec_habits_reproduce_their_examples_on_one_reused_context(
    name: str, source: str, examples: list[dict[str, Any]]
) -> None:
    codec = JsCodec(source, name=name)
    # Twice through, so state an uplink leaves behind (implicit globals) cannot leak.
    for example in examples + examples:
        given, expected = example["input"], example["output"]
        result = codec.decode(given["fPort"], bytes(given["bytes"]))
        ours = 1 if given["bytes"] and not any(given["bytes"]) else 0  # `return {}` is flagged
        assert _as_ttn_output(result, runtime_warnings=ours) == expected


# -- ChirpStack v4 ----------------------------------------------------------------------------
def test_chirpstack_v4_codec_sees_variables_and_recv_time() -> None:
    codec = JsCodec("""
        function decodeUplink(input) {
          var scale = parseFloat(input.variables.scale || '1');
          var taken = new Date(input.recvTime.getTime() - input.bytes[1] * 1000);
          return { data: { level: input.bytes[0] * scale, port: input.fPort, taken: taken } };
        }""")
    when = datetime(2024, 3, 1, 12, 0, 30, tzinfo=UTC)
    result = codec.decode(7, b"\x0a\x1e", recv_time=when, variables={"scale": "0.5"})
    assert result.errors == ()
    assert result.fields == {"level": 5, "port": 7, "taken": "2024-03-01T12:00:00Z"}


# -- receive time given as text (device-repository examples) ----------------------------------
def test_recv_time_text_comes_back_exactly_when_the_codec_hands_the_date_back() -> None:
    # Device-repository examples give recvTime as RFC 3339 text with nanoseconds and expect a
    # codec that copies it into its output to reproduce that text; a Date keeps milliseconds.
    codec = JsCodec("""
        function decodeUplink(input) {
          var t = input.recvTime;
          return { data: { at: t, later: new Date(t.getTime() + 1000), ms: t.getTime() % 1000 } };
        }""")
    result = codec.decode(1, b"", recv_time="2023-07-19T07:51:25.508306410Z")
    assert result.errors == ()
    assert result.fields == {
        "at": "2023-07-19T07:51:25.508306410Z",
        "later": "2023-07-19T07:51:26.508Z",
        "ms": 508,
    }


def test_recv_time_text_is_not_reused_for_a_date_the_codec_changed() -> None:
    codec = JsCodec("""
        function decodeUplink(input) {
          input.recvTime.setUTCSeconds(0);
          return { data: { at: input.recvTime } };
        }""")
    result = codec.decode(1, b"", recv_time="2024-02-01T10:20:30.123456789+00:00")
    assert result.fields == {"at": "2024-02-01T10:20:00.123Z"}


def test_recv_time_text_that_is_not_rfc3339_is_the_callers_error() -> None:
    with pytest.raises(ValueError):
        JsCodec("function decodeUplink(i) { return { data: {} }; }").decode(
            1, b"", recv_time="yesterday"
        )


# -- local time is UTC, as on TTN -------------------------------------------------------------
LOCAL_TIME_PROBE = r"""
import json, sys, time
from decoders.js import decode_js
source = '''
function decodeUplink(input) {
  var d = new Date(Date.UTC(2024, 6, 5, 3, 4, 5) + input.bytes[0] * 3600000);
  return { data: {
    hours: d.getHours(), day: d.getDate(), offset: d.getTimezoneOffset(),
    text: String(d), locale: d.toLocaleString(),
    built: new Date(2024, 0, 1, 12).getTime() === Date.UTC(2024, 0, 1, 12),
    parsed: Date.parse('2024-01-01T12:00:00') === Date.UTC(2024, 0, 1, 12),
    zoned: Date.parse('2024-01-01T12:00:00+02:00') === Date.UTC(2024, 0, 1, 10),
    setter: new Date(0).setHours(5) === 5 * 3600000,
  } };
}'''
print(json.dumps({"host": time.strftime("%z", time.localtime(1720148645)),
                  "fields": decode_js(source, 1, bytes([22])).fields}))
"""


@pytest.mark.parametrize("zone", ["Europe/Berlin", "America/New_York", "Asia/Kolkata"])
def test_local_time_methods_are_utc_whatever_the_host_time_zone(zone: str) -> None:
    # QuickJS takes local time from the process's TZ; TTN runs codecs in UTC. A fresh
    # interpreter, because the C library reads TZ once.
    env = {**os.environ, "TZ": zone}
    run = subprocess.run(
        [sys.executable, "-c", LOCAL_TIME_PROBE],
        capture_output=True,
        text=True,
        env=env,
        cwd=Path(__file__).resolve().parents[3],
        timeout=60,
        check=True,
    )
    out = json.loads(run.stdout)
    if out["host"] == "+0000":
        pytest.skip(f"no time zone data for {zone} on this host")
    assert out["fields"] == {
        "hours": 1,
        "day": 6,
        "offset": 0,
        "text": "Sat Jul 06 2024 01:04:05 GMT+0000 (UTC)",
        "locale": "07/06/2024, 01:04:05",
        "built": True,
        "parsed": True,
        "zoned": True,
        "setter": True,
    }


def test_date_stays_a_date_for_codecs_that_check_or_extend_it() -> None:
    result = decode_js(
        """
        class Stamp extends Date { hour() { return this.getHours(); } }
        function decodeUplink(input) {
          var s = new Stamp(Date.UTC(2024, 0, 1, 7));
          return { data: { hour: s.hour(), isDate: s instanceof Date,
                           tag: Object.prototype.toString.call(new Date(0)),
                           name: Date.name, arity: Date.length, called: typeof Date(),
                           invalid: String(new Date('not a date')), at: s } };
        }""",
        1,
        b"",
    )
    assert result.errors == ()
    assert result.fields == {
        "hour": 7,
        "isDate": True,
        "tag": "[object Date]",
        "name": "Date",
        "arity": 7,
        "called": "string",
        "invalid": "Invalid Date",
        "at": "2024-01-01T07:00:00Z",
    }


# -- ES2022 methods goja has ------------------------------------------------------------------
def test_es2022_methods_that_goja_has_work_in_codecs() -> None:
    # The QuickJS in the `quickjs` package predates ES2022; TTN's goja has these.
    result = decode_js(
        """
        function decodeUplink(input) {
          var b = input.bytes, typed = new Uint8Array(b);
          function small(x) { return x < 3; }
          return { data: {
            last: b.at(-1), first: b.at(0), beyond: b.at(9), before: b.at(-9),
            text: 'abc'.at(-1), typed: typed.at(-2), fraction: b.at(1.7),
            lastSmall: b.findLast(small), lastSmallAt: b.findLastIndex(small),
            none: b.findLastIndex(function (x) { return x > 9; }),
            typedLast: typed.findLast(function (x) { return x > 1; }),
            own: Object.hasOwn({ a: 1 }, 'a'), inherited: Object.hasOwn({}, 'toString'),
            hidden: Object.keys(Array.prototype).length
          } };
        }""",
        1,
        bytes([1, 2, 3, 4]),
    )
    assert result.errors == ()
    assert result.fields == {
        "last": 4,
        "first": 1,
        "beyond": None,
        "before": None,
        "text": "c",
        "typed": 3,
        "fraction": 2,
        "lastSmall": 2,
        "lastSmallAt": 1,
        "none": -1,
        "typedLast": 4,
        "own": True,
        "inherited": False,
        "hidden": 0,
    }


def test_radix_strings_of_fractions_and_big_numbers_are_written_as_goja_writes_them() -> None:
    # This QuickJS writes (255.5).toString(16) as "255.5" and 2**60 in base 10; goja (a port
    # of V8's DoubleToRadixCString) writes "ff.8" and "1000000000000000". Expected values are
    # V8's.
    result = decode_js(
        """
        function decodeUplink(input) {
          var half = (input.bytes[0] << 8 | input.bytes[1]) / 2;
          return { data: {
            hexHalf: half.toString(16), binHalf: (-half).toString(2),
            tenth: (0.1).toString(16), third: (1 / 3).toString(36),
            big: Math.pow(2, 60).toString(16), huge: (1e21).toString(16),
            tiny: (2.5e-10).toString(8), whole: (255).toString(16), decimal: half.toString()
          } };
        }""",
        1,
        b"\x01\xff",
    )
    assert result.errors == ()
    assert result.fields == {
        "hexHalf": "ff.8",
        "binHalf": "-11111111.1",
        "tenth": "0.1999999999999a",
        "third": "0.c",
        "big": "1000000000000000",
        "huge": "3635c9adc5dea00000",
        "tiny": "0.0000000000211340575011553225",
        "whole": "ff",
        "decimal": "255.5",
    }


# -- no Node globals unless a codec needs them ------------------------------------------------
def test_a_codecs_node_only_branch_is_skipped_as_on_ttn() -> None:
    # TTN defines no `module` or `require`, so vendor self-tests guarded by them never run;
    # defining `module` for every codec would run this one and fail on `require`.
    result = decode_js(
        """
        function decodeUplink(input) {
          return { data: { level: input.bytes[0], node: typeof module !== 'undefined' } };
        }
        if (typeof module !== 'undefined' && require.main === module) {
          console.log(decodeUplink({ bytes: [1], fPort: 1 }));
        }""",
        1,
        b"\x07",
    )
    assert result.errors == ()
    assert result.fields == {"level": 7, "node": False}


def test_a_codec_that_only_exports_still_gets_commonjs_globals() -> None:
    codec = JsCodec(
        "module.exports.decodeUplink = function (input) { return { data: { n: input.fPort } }; };"
    )
    assert codec.decode(3, b"").fields == {"n": 3}
    assert codec.decode(4, b"").fields == {"n": 4}
    assert codec.loads == 1


def test_normalize_uplink_gets_the_object_decode_uplink_returned() -> None:
    # TTN passes decodeUplink's own data to normalizeUplink: an absent reading is still
    # undefined there (not null) and a Date is still a Date.
    result = decode_js(
        """
        function decodeUplink(input) {
          return { data: { temperature: input.bytes[0] ? input.bytes[0] / 10 : undefined,
                           humidity: input.bytes[1], at: new Date(Date.UTC(2024, 0, 2)) } };
        }
        function normalizeUplink(input) {
          var air = {};
          if (input.data.temperature !== undefined) air.temperature = input.data.temperature;
          if (input.data.at instanceof Date) air.relativeHumidity = input.data.humidity;
          return { data: { air: air } };
        }""",
        1,
        b"\x00\x2a",
    )
    assert result.errors == ()
    assert result.fields == {"temperature": None, "humidity": 42, "at": "2024-01-02T00:00:00Z"}
    assert result.warnings == ()
    assert [(r.quantity, r.value) for r in result.readings] == [("relative_humidity", 42.0)]


def test_cube_roots_are_exact_for_cubes() -> None:
    # This QuickJS computes Math.cbrt as pow(x, 1/3): 27 gives 3.0000000000000004. goja (Go's
    # math.Cbrt) and V8 give 3; a codec deriving a size from a volume would differ.
    result = decode_js(
        """
        function decodeUplink(input) {
          return { data: { roots: [27, -8, 0.125, 1e30, 2, input.bytes[0]].map(Math.cbrt),
                           negativeZero: Object.is(Math.cbrt(-0), -0),
                           nan: isNaN(Math.cbrt('x')) } };
        }""",
        1,
        bytes([216]),
    )
    assert result.errors == ()
    assert result.fields == {
        "roots": [3, -2, 0.5, 1e10, 1.2599210498948732, 6],
        "negativeZero": True,
        "nan": True,
    }


def test_a_codec_file_that_is_not_utf8_loads_as_on_ttn(tmp_path: Path) -> None:
    # A Latin-1 degree sign (0xB0) is not UTF-8; TTN's engine reads it as U+FFFD and loads the
    # codec, so a stray byte in a comment changes nothing.
    path = tmp_path / "latin1.js"
    path.write_bytes(
        b"// temperature in \xb0C\n"
        b"function decodeUplink(input) {\n"
        b"  return { data: { t: input.bytes[0] / 2, unit: '\xb0C' } };\n"
        b"}\n"
    )
    assert decode_js(path, 1, b"\x2b").fields == {"t": 21.5, "unit": "\ufffdC"}
    assert JsCodec.from_file(path).decode(1, b"\x2c").fields == {"t": 22, "unit": "\ufffdC"}

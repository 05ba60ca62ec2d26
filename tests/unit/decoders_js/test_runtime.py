"""The QuickJS codec sandbox: limits, isolation, what a codec sees, what comes back."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml

from decoders.js import JsCodec, codec_decoder, decode_js, resolve_codec_path
from decoders.model import Reading

CODECS = Path(__file__).parent / "codecs"

ENDLESS_LOOP = "function decodeUplink(input) { while (true) {} }"
MEMORY_BOMB = """
function decodeUplink(input) {
  var hoard = [];
  while (true) { hoard.push('some text that takes room ' + hoard.length); }
}
"""
STRING_BOMB = "function decodeUplink(input) { var s = 'x'; while (true) { s = s + s; } }"
DEEP_RECURSION = "function f(n) { return f(n + 1) + 1; } function decodeUplink(i) { f(0); }"
HEALTHY = "function decodeUplink(input) { return { data: { first: input.bytes[0] } }; }"


# -- limits ----------------------------------------------------------------------------------
def test_endless_loop_is_stopped_by_the_time_limit() -> None:
    started = time.perf_counter()
    result = decode_js(ENDLESS_LOOP, 1, b"\x01")
    assert result.errors == ("codec timed out after 100 ms",)
    assert time.perf_counter() - started < 2


def test_time_limit_is_configurable_and_named_in_the_error() -> None:
    result = decode_js(ENDLESS_LOOP, 1, b"\x01", time_limit_ms=30)
    assert result.errors == ("codec timed out after 30 ms",)


@pytest.mark.parametrize("bomb", [MEMORY_BOMB, STRING_BOMB], ids=["array", "string"])
def test_memory_bomb_is_stopped_by_the_memory_limit(bomb: str) -> None:
    result = decode_js(bomb, 1, b"\x01", time_limit_ms=5000)
    assert result.errors == ("codec exceeded 16 MiB",)


def test_memory_limit_is_configurable_and_named_in_the_error() -> None:
    result = decode_js(MEMORY_BOMB, 1, b"\x01", time_limit_ms=5000, memory_limit=4 * 2**20)
    assert result.errors == ("codec exceeded 4 MiB",)


def test_endless_recursion_is_an_error_not_a_crash() -> None:
    assert decode_js(DEEP_RECURSION, 1, b"").errors == ("codec overflowed the stack",)


def test_a_codec_that_hit_a_limit_decodes_again_on_a_fresh_context() -> None:
    # 1 s, not the default 100 ms: filling 16 MiB takes 80-140 ms of CPU on a loaded
    # 2-core machine, and the memory limit must be the one that stops the bomb
    codec = JsCodec(
        time_limit_ms=1000,
        source="""
        function decodeUplink(input) {
          if (input.fPort === 66) { var a = []; while (true) a.push('x' + a.length); }
          if (input.fPort === 99) { while (true) {} }
          return { data: { first: input.bytes[0] } };
        }""",
    )
    assert codec.decode(1, b"\x07").fields == {"first": 7}
    assert codec.decode(99, b"\x07").errors == ("codec timed out after 1000 ms",)
    assert codec.decode(1, b"\x08").fields == {"first": 8}
    assert codec.decode(66, b"\x07").errors == ("codec exceeded 16 MiB",)
    assert codec.decode(1, b"\x09").fields == {"first": 9}
    assert codec.loads == 3


def test_other_codecs_still_work_after_limits_were_hit() -> None:
    for hostile in (ENDLESS_LOOP, MEMORY_BOMB, STRING_BOMB, DEEP_RECURSION):
        assert decode_js(hostile, 1, b"\x01", time_limit_ms=300).errors
    assert decode_js(HEALTHY, 1, b"\x2a").fields == {"first": 42}


def test_an_endless_loop_at_top_level_is_a_load_error_retried_only_now_and_then() -> None:
    codec = JsCodec("while (true) {}\n" + HEALTHY)
    started = time.perf_counter()
    for _ in range(50):
        assert codec.decode(1, b"\x01").errors == ("codec timed out after 1000 ms while loading",)
    assert time.perf_counter() - started < 1  # not a second per uplink


# -- isolation -------------------------------------------------------------------------------
def test_prototype_pollution_does_not_leak_into_another_codec() -> None:
    polluter = JsCodec("""
        Object.prototype.polluted = 'yes';
        Array.prototype.sum = function () { return 1; };
        function decodeUplink(input) { return { data: { seen: ({}).polluted } }; }""")
    victim = JsCodec("""
        function decodeUplink(input) {
          var keys = [];
          for (var key in { a: 1 }) keys.push(key);
          return { data: { polluted: ({}).polluted === undefined ? 'no' : 'yes',
                           keys: keys, sum: typeof [].sum } };
        }""")
    assert polluter.decode(1, b"").fields == {"seen": "yes"}
    assert victim.decode(1, b"").fields == {"polluted": "no", "keys": ["a"], "sum": "undefined"}


def test_globals_of_one_codec_are_invisible_to_another() -> None:
    first = JsCodec("var secret = 42; function decodeUplink(i) { return { data: {} }; }")
    second = JsCodec(
        "function decodeUplink(i) { return { data: { t: typeof secret } }; }",
    )
    first.decode(1, b"")
    assert second.decode(1, b"").fields == {"t": "undefined"}


def test_state_left_by_one_uplink_is_not_seen_by_the_next() -> None:
    codec = JsCodec("""
        var count = 0;
        let calls = 0;
        var seen = {};
        function decodeUplink(input) {
          var before = typeof leaked;
          count++;
          calls += 1;
          leaked = input.fPort;             // an implicit global
          seen[input.fPort] = true;         // mutates a global object in place
          return { data: { count: count, calls: calls, ports: Object.keys(seen),
                           leaked: before } };
        }""")
    for port in (1, 2, 3):
        assert codec.decode(port, b"").fields == {
            "count": 1,
            "calls": 1,
            "ports": [str(port)],
            "leaked": "undefined",
        }


def test_a_pure_codec_is_loaded_once_and_reused() -> None:
    codec = JsCodec("""
        var TABLE = { 1: 'one', 2: 'two' };
        const SCALE = 10;
        var scratch = 0;
        function decodeUplink(input) {
          scratch = input.bytes[0];          // reassigned, restored after the call
          tmp = scratch * SCALE;             // implicit global, deleted after the call
          return { data: { name: TABLE[input.fPort], value: tmp } };
        }""")
    for n in range(5):
        assert codec.decode(1 + n % 2, bytes([n])).fields == {
            "name": "one" if n % 2 == 0 else "two",
            "value": n * 10,
        }
    assert codec.loads == 1


def test_a_codec_mutating_a_prototype_during_decode_gets_a_fresh_context() -> None:
    codec = JsCodec("""
        function decodeUplink(input) {
          var before = typeof Array.prototype.extra;
          Array.prototype.extra = function () {};
          return { data: { before: before } };
        }""")
    assert codec.decode(1, b"").fields == {"before": "undefined"}
    assert codec.decode(1, b"").fields == {"before": "undefined"}


def test_contexts_are_per_thread() -> None:
    codec = JsCodec(HEALTHY)
    results: list[int] = []

    def work(value: int) -> None:
        for _ in range(20):
            results.append(int(codec.decode(1, bytes([value])).fields["first"]))

    threads = [threading.Thread(target=work, args=(v,)) for v in (1, 2, 3, 4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == sorted([1, 2, 3, 4] * 20)
    assert codec.loads == 5  # the constructing thread, then one per worker


# -- what a codec sees -----------------------------------------------------------------------
def test_input_bytes_is_a_real_array_and_fport_is_passed() -> None:
    result = decode_js(
        """
        function decodeUplink(input) {
          var b = input.bytes;
          return { data: {
            isArray: Array.isArray(b),
            proto: Object.getPrototypeOf(b) === Array.prototype,
            sliced: b.slice(1),
            doubled: b.map(function (x) { return x * 2; }),
            length: b.length,
            fPort: input.fPort,
            json: JSON.stringify(b),
          } };
        }""",
        42,
        b"\x01\xff\x10",
    )
    assert result.errors == ()
    assert result.fields == {
        "isArray": True,
        "proto": True,
        "sliced": [255, 16],
        "doubled": [2, 510, 32],
        "length": 3,
        "fPort": 42,
        "json": "[1,255,16]",
    }


def test_recv_time_is_a_date_when_given_and_absent_otherwise() -> None:
    codec = JsCodec("""
        function decodeUplink(input) {
          var t = input.recvTime;
          return { data: { isDate: t instanceof Date, iso: t ? t.toISOString() : null,
                           has: 'recvTime' in input } };
        }""")
    when = datetime(2024, 5, 17, 8, 30, 15, 250000, tzinfo=UTC)
    assert codec.decode(1, b"", recv_time=when).fields == {
        "isDate": True,
        "iso": "2024-05-17T08:30:15.250Z",
        "has": True,
    }
    assert codec.decode(1, b"").fields == {"isDate": False, "iso": None, "has": False}


def test_chirpstack_variables_are_passed() -> None:
    codec = JsCodec(
        "function decodeUplink(input) { return { data: { k: input.variables.k || null } }; }"
    )
    assert codec.decode(1, b"", variables={"k": "3.5"}).fields == {"k": "3.5"}
    assert codec.decode(1, b"").fields == {"k": None}


def test_es5_codec_with_legacy_ttn_v2_decoder() -> None:
    codec = JsCodec("""
        function Decoder(bytes, port) {
          var decoded = {};
          var raw = (bytes[0] << 8) | bytes[1];
          if (raw & 0x8000) { raw = raw - 0x10000; }
          decoded.temperature = raw / 10;
          decoded.port = port;
          return decoded;
        }""")
    assert codec.kind == "Decoder"
    result = codec.decode(3, b"\xff\x9c")
    assert result.fields == {"temperature": -10, "port": 3}
    assert result.errors == ()


def test_chirpstack_v3_decode_signature() -> None:
    codec = JsCodec(
        "function Decode(fPort, bytes, variables) { return { port: fPort, n: bytes.length }; }"
    )
    assert codec.kind == "Decode"
    assert codec.decode(5, b"\x01\x02").fields == {"port": 5, "n": 2}


def test_decode_uplink_wins_over_the_legacy_decoder() -> None:
    codec = JsCodec("""
        function Decoder(bytes, port) { return { from: 'Decoder' }; }
        function decodeUplink(input) { return { data: { from: 'decodeUplink' } }; }""")
    assert codec.decode(1, b"").fields == {"from": "decodeUplink"}


def test_es2020_codec() -> None:
    codec = JsCodec("""
        'use strict';
        class Reader {
          #offset = 0;
          constructor(bytes) { this.bytes = bytes; }
          u8() { return this.bytes[this.#offset++]; }
          static of(bytes) { return new Reader(bytes); }
        }
        const LABELS = { 1: 'ok', 2: 'alarm' };
        const decodeUplink = ({ bytes, fPort }) => {
          const r = Reader.of(bytes);
          const [status, value] = [r.u8(), r.u8()];
          const big = 2n ** 40n;
          const options = { nested: { deep: null } };
          return {
            data: {
              label: LABELS[status] ?? 'unknown',
              value,
              text: `port ${fPort}: ${value}`,
              deep: options?.nested?.deep?.missing ?? 'none',
              spread: [...bytes, ...[9]],
              big: Number(big),
              entries: Object.fromEntries([['a', 1]]),
            },
          };
        };""")
    result = codec.decode(4, b"\x02\x11")
    assert result.errors == ()
    assert result.fields == {
        "label": "alarm",
        "value": 17,
        "text": "port 4: 17",
        "deep": "none",
        "spread": [2, 17, 9],
        "big": 2**40,
        "entries": {"a": 1},
    }


@pytest.mark.parametrize(
    "source",
    [
        "module.exports = { decodeUplink: function (input) { return { data: { ok: 1 } }; } };",
        "exports.decodeUplink = function (input) { return { data: { ok: 1 } }; };",
        """
        function decodeUplink(input) { return { data: { ok: 1 } }; }
        if (typeof module !== 'undefined') { module.exports = { decodeUplink: decodeUplink }; }
        """,
    ],
    ids=["module.exports", "exports", "both"],
)
def test_module_exports_is_tolerated(source: str) -> None:
    assert decode_js(source, 1, b"").fields == {"ok": 1}


def test_console_is_a_harmless_stub() -> None:
    result = decode_js(
        """
        function decodeUplink(input) {
          console.log('decoding', input.bytes);
          console.info('info'); console.warn('warn'); console.error('error');
          console.debug({ a: 1 });
          return { data: { logged: true } };
        }""",
        1,
        b"\x01",
    )
    assert result == result.__class__(fields={"logged": True})


def test_a_codec_may_declare_its_own_console_and_exports() -> None:
    result = decode_js(
        """
        const console = { log: function () {} };
        let exports = {};
        let module = { exports: exports };
        function decodeUplink(input) { console.log('x'); return { data: { ok: true } }; }""",
        1,
        b"",
    )
    assert result.fields == {"ok": True}


def test_a_throwing_codec_is_an_error() -> None:
    result = decode_js(
        "function decodeUplink(input) { throw new Error('unsupported frame'); }", 1, b""
    )
    assert result.errors == ("codec threw: Error: unsupported frame",)
    bad_access = decode_js("function decodeUplink(input) { return input.nope.deeper; }", 1, b"")
    assert bad_access.errors[0].startswith("codec threw: TypeError")
    thrown_string = decode_js("function decodeUplink(input) { throw 'bad port'; }", 1, b"")
    assert thrown_string.errors == ("codec threw: bad port",)


def test_non_json_safe_output_is_made_plain() -> None:
    result = decode_js(
        """
        function decodeUplink(input) {
          return { data: { nan: NaN, inf: -Infinity, missing: undefined, list: [1, undefined],
                           big: 12345678901234567890n, small: 5n,
                           when: new Date(Date.UTC(2024, 0, 2, 3, 4, 5)) } };
        }""",
        1,
        b"",
    )
    assert result.errors == ()
    assert result.fields == {
        "nan": None,
        "inf": None,
        "missing": None,
        "list": [1, None],
        "big": "12345678901234567890",
        "small": 5,
        "when": "2024-01-02T03:04:05Z",
    }
    assert result.warnings == ()
    assert result.notes == (
        "codec returned nan: NaN; stored as null",
        "codec returned inf: -Infinity; stored as null",
    )


@pytest.mark.parametrize(
    ("source", "error"),
    [
        ("function decodeUplink(i) { }", "decodeUplink returned nothing, not an object"),
        ("function decodeUplink(i) { return 5; }", "decodeUplink returned 5, not an object"),
        (
            "function decodeUplink(i) { return { data: [1, 2] }; }",
            "decodeUplink returned data that is not an object: [1, 2]",
        ),
        ("function Decoder(b, p) { return null; }", "Decoder returned no data"),
        ("this is not javascript", "codec failed to load: SyntaxError: expecting ';'"),
        ("throw new Error('at load');", "codec failed to load: Error: at load"),
        (
            "var x = 1;",
            "codec defines neither decodeUplink(input), Decoder(bytes, port) "
            "nor Decode(fPort, bytes, variables)",
        ),
    ],
)
def test_unusable_results_and_codecs_are_errors(source: str, error: str) -> None:
    assert decode_js(source, 1, b"").errors == (error,)


def test_a_result_without_data_key_decodes_nothing_as_on_ttn() -> None:
    result = decode_js("function decodeUplink(i) { return { temperature: 21.5 }; }", 1, b"")
    assert result.fields == {}
    assert result.readings == ()
    assert result.errors == ()
    assert result.warnings == ()
    assert result.notes == (
        "decodeUplink returned temperature but no data key; TTN ignores such fields, "
        "so nothing was decoded (wrap them in {data: ...})",
    )


def test_errors_keep_the_data_the_codec_returned() -> None:
    result = decode_js(
        "function decodeUplink(i) { return { data: { raw: 1 }, errors: ['bad crc'] }; }", 1, b""
    )
    assert result.fields == {"raw": 1}
    assert result.errors == ("bad crc",)
    assert result.readings == ()


# -- readings --------------------------------------------------------------------------------
def test_readings_come_from_normalize_uplink_when_present() -> None:
    result = decode_js(
        """
        function decodeUplink(input) { return { data: { t: 21.5, soil: 30 } }; }
        function normalizeUplink(input) {
          var d = input.data;
          return { data: { air: { temperature: d.t }, soil: { moisture: d.soil } } };
        }""",
        1,
        b"",
    )
    assert result.readings == (
        Reading("air_temperature", 21.5),
        Reading("soil_moisture", 30.0),
    )


def test_readings_fall_back_to_the_key_table_without_normalize_uplink() -> None:
    result = decode_js(
        "function decodeUplink(i) { return { data: { TempC_SHT: 19.25, Hum_SHT: 55.1, x: 3 } }; }",
        1,
        b"",
    )
    assert result.readings == (
        Reading("air_temperature", 19.25),
        Reading("relative_humidity", 55.1),
    )


def test_a_throwing_normalize_uplink_is_a_warning() -> None:
    result = decode_js(
        """
        function decodeUplink(input) { return { data: { co2: 600 } }; }
        function normalizeUplink(input) { throw new Error('nope'); }""",
        1,
        b"",
    )
    assert result.errors == ()
    assert result.warnings == ()
    assert result.notes == ("normalizeUplink threw: Error: nope",)
    assert result.readings == (Reading("co2", 600.0),)


def test_implausible_normalized_readings_are_flagged() -> None:
    result = decode_js(
        """
        function decodeUplink(input) { return { data: { t: 500 } }; }
        function normalizeUplink(input) { return { data: { air: { temperature: 500 } } }; }""",
        1,
        b"",
    )
    assert result.readings == (Reading("air_temperature", 500.0),)
    assert result.warnings == ()
    assert result.notes == ("air_temperature 500.0 Cel outside plausible range -60..70",)


# -- a TTN device-repository style codec with its examples -----------------------------------
def _examples() -> list[dict[str, object]]:
    document = yaml.safe_load((CODECS / "th_sensor.yaml").read_text())
    examples: list[dict[str, object]] = document["uplinkDecoder"]["examples"]
    return examples


@pytest.mark.parametrize("example", _examples(), ids=lambda e: str(e["description"]))
def test_device_repository_codec_reproduces_its_examples(example: dict[str, object]) -> None:
    codec = JsCodec.from_file(CODECS / "th_sensor.js")
    given = example["input"]
    expected = example["output"]
    assert isinstance(given, dict) and isinstance(expected, dict)
    result = codec.decode(given["fPort"], bytes(given["bytes"]))
    assert dict(result.fields) == expected.get("data", {})
    assert list(result.errors) == expected.get("errors", [])
    assert [w for w in result.warnings if w in expected.get("warnings", [])] == expected.get(
        "warnings", []
    )
    normalized = example.get("normalizedOutput")
    if isinstance(normalized, dict):
        (measurement,) = normalized["data"]
        assert result.readings == (
            Reading("air_temperature", measurement["air"]["temperature"]),
            Reading("relative_humidity", measurement["air"]["relativeHumidity"]),
            Reading("battery_voltage", measurement["battery"]),
        )


def test_codec_files_by_path_and_by_string() -> None:
    path = CODECS / "th_sensor.js"
    payload = bytes([0x00, 0x09, 0x29, 0x7F, 0x0B, 0xB8])
    by_path = decode_js(path, 1, payload)
    by_str = decode_js(str(path), 1, payload)
    by_source = decode_js(path.read_text(), 1, payload)
    assert by_path == by_str == by_source
    assert by_path.fields["temperature"] == 23.45


def test_a_missing_codec_file_is_an_error(tmp_path: Path) -> None:
    result = decode_js(tmp_path / "absent.js", 1, b"")
    assert result.errors and "cannot read codec" in result.errors[0]


def test_an_edited_codec_file_is_read_again(tmp_path: Path) -> None:
    file = tmp_path / "codec.js"
    file.write_text("function decodeUplink(i) { return { data: { v: 1 } }; }")
    assert decode_js(file, 1, b"").fields == {"v": 1}
    file.write_text("function decodeUplink(i) { return { data: { v: 22 } }; }")
    assert decode_js(file, 1, b"").fields == {"v": 22}


def test_device_types_can_name_a_codec_file() -> None:
    assert resolve_codec_path("vendors/x/y.js") == (
        Path(__file__).resolve().parents[3] / "decoders" / "vendors" / "x" / "y.js"
    )
    absolute = CODECS / "th_sensor.js"
    assert resolve_codec_path(absolute) == absolute
    decode = codec_decoder(absolute)
    assert decode(bytes([0x00, 0x09, 0x29, 0x7F, 0x0B, 0xB8]), 1).fields["humidity"] == 63.5


def test_catalog_routes_a_codec_js_type_to_the_sandbox(monkeypatch: pytest.MonkeyPatch) -> None:
    from types import MappingProxyType

    from decoders import catalog
    from decoders.model import Decoded, DecoderSpec

    def never(payload: bytes, f_port: int) -> Decoded:
        raise AssertionError("the Python decode must not run for a codec_js type")

    spec = DecoderSpec(
        type_id="test/th-sensor",
        vendor="test",
        model="th-sensor",
        category="generic",
        f_ports=frozenset(),
        quantities=frozenset({"air_temperature"}),
        source="tests/unit/decoders_js/codecs/th_sensor.js",
        decode=never,
        codec_js=str(CODECS / "th_sensor.js"),
    )
    monkeypatch.setattr(catalog, "CATALOG", MappingProxyType({spec.type_id: spec}))
    result = catalog.decode("test/th-sensor", 1, bytes([0x00, 0x09, 0x29, 0x7F, 0x0B, 0xB8]))
    assert result.fields["temperature"] == 23.45
    assert Reading("air_temperature", 23.45) in result.readings
    assert catalog.decode("test/th-sensor", 9, b"\x00").errors == ("unknown FPort",)


# -- Math as goja computes it (Go's math package) ---------------------------------------------
GO_MATH = """
function decodeUplink(input) {
  return { data: {
    cube: Math.pow(-376.2, 3), square: Math.pow(-3897.4, 2), inverse: Math.pow(1.1, -8),
    centi: Math.pow(10, -2), log: Math.log(658.111), log10: Math.log10(3762.001),
    log2: Math.log2(1437.876), exact: Math.log2(8),
    nan: [Math.pow(1, Infinity), Math.pow(-8, 1 / 3), Math.log(-1)].map(String),
    signed: [Math.pow(0, -1), Math.pow(-0, -3), Math.pow(-Infinity, -3), Math.pow(-0, 0.5)]
      .map(function (x) { return Object.is(x, -0) ? '-0' : String(x); }),
  } };
}
"""


def test_math_pow_and_logarithms_give_the_bits_go_gives() -> None:
    # Expected values are Go's math.Pow/Log/Log10/Log2 on amd64 (what goja calls); the C
    # library behind QuickJS gives -53242246.72799999, 15189726.76, 0.4665073802097331,
    # 6.4893736101073705, 3.5754189066567905 and 10.48972355021773 for the first six.
    fields = decode_js(GO_MATH, 1, b"").fields
    assert fields["cube"] == -53242246.728
    assert fields["square"] == 15189726.760000002
    assert fields["inverse"] == 0.46650738020973315
    assert fields["centi"] == 0.01
    assert fields["log"] == 6.48937361010737
    assert fields["log10"] == 3.575418906656791
    assert fields["log2"] == 10.489723550217729
    assert fields["exact"] == 3
    # JavaScript's special cases, not Go's (Go's Pow(1, Inf) is 1): goja checks them first.
    assert fields["nan"] == ["NaN", "NaN", "NaN"]
    assert fields["signed"] == ["Infinity", "-Infinity", "-0", "0"]


def test_arc_tangents_and_arc_sines_give_the_bits_go_gives() -> None:
    # Go's math.Atan/Asin/Atan2/Acos; QuickJS's C library gives 0.2380963620052179,
    # -0.22116869473704148, 2.2528334958367218 and 1.5711725268037704.
    codec = """
    function decodeUplink(input) {
      return { data: { atan: Math.atan(0.2427), asin: Math.asin(-0.21937),
        atan2: Math.atan2(426.66, -346.46339970090617), acos: Math.acos(-0.0003762),
        corners: [Math.atan2(0, -0), Math.atan2(-0, 0), Math.atan2(-Infinity, -Infinity),
          Math.acos(2)].map(function (x) { return Object.is(x, -0) ? '-0' : String(x); }) } };
    }"""
    fields = decode_js(codec, 1, b"").fields
    assert fields["atan"] == 0.23809636200521792
    assert fields["asin"] == -0.22116869473704145
    assert fields["atan2"] == 2.2528334958367213
    assert fields["acos"] == 1.5711725268037702
    assert fields["corners"] == ["3.141592653589793", "-0", "-2.356194490192345", "NaN"]


def test_cube_roots_give_the_bits_go_gives() -> None:
    # Go's math.Cbrt: exact for cubes, and 21.293608991650924 where a Newton-corrected
    # pow(x, 1/3) gives 21.293608991650927; subnormal inputs take Go's separate path.
    codec = """
    function decodeUplink(input) {
      return { data: { roots: [Math.cbrt(27), Math.cbrt(-8), Math.cbrt(9654.901),
        Math.cbrt(1e-310), Math.cbrt('64')] } };
    }"""
    assert decode_js(codec, 1, b"").fields["roots"] == [
        3,
        -2,
        21.293608991650924,
        4.641588833612774e-104,
        4,
    ]

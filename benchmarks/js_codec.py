"""JS codec runtime throughput: prints one JSON object of ms per uplink.

    .venv/bin/python benchmarks/js_codec.py [--uplinks N]

Figures: `reused_ms` is the steady state (a loaded codec called again, state restored after
each call), `fresh_ms` loads a new context for every uplink (what a codec that mutates its
global objects costs, and the first uplink of every codec), for a small TTN-style codec and a
large one (~150 helper functions, ~40 kB, in the size range of big vendor codecs).
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from decoders.js import JsCodec

SMALL = Path(__file__).parent.parent / "tests" / "unit" / "decoders_js" / "codecs" / "th_sensor.js"
PAYLOAD = bytes([0x00, 0x09, 0x29, 0x7F, 0x0B, 0xB8])


def large_codec() -> str:
    helpers = "\n".join(
        f"""function field{i}(bytes, offset) {{
  // helper {i}: a signed 16-bit big-endian value with its own scale
  var value = (bytes[offset] << 8) | bytes[offset + 1];
  if (value > 0x7fff) {{ value -= 0x10000; }}
  return Math.round(value / {i + 1} * 100) / 100;
}}"""
        for i in range(150)
    )
    table = ",\n".join(f"  {i}: 'label {i}'" for i in range(300))
    return f"""{helpers}
var LABELS = {{
{table}
}};
function decodeUplink(input) {{
  var b = input.bytes;
  return {{ data: {{ a: field0(b, 1), b: field1(b, 3), c: field2(b, 4), label: LABELS[b[0]] }} }};
}}
"""


def per_uplink_ms(codec: JsCodec, uplinks: int) -> float:
    started = time.perf_counter()
    for _ in range(uplinks):
        codec.decode(1, PAYLOAD)
    return (time.perf_counter() - started) / uplinks * 1000


def fresh_ms(source: str, uplinks: int) -> float:
    started = time.perf_counter()
    for _ in range(uplinks):
        JsCodec(source).decode(1, PAYLOAD)
    return (time.perf_counter() - started) / uplinks * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--uplinks", type=int, default=2000)
    args = parser.parse_args()
    figures = {}
    for name, source in (("small", SMALL.read_text()), ("large", large_codec())):
        codec = JsCodec(source)
        codec.decode(1, PAYLOAD)  # warm
        figures[name] = {
            "source_bytes": len(source.encode()),
            "reused_ms": round(per_uplink_ms(codec, args.uplinks), 4),
            "fresh_ms": round(fresh_ms(source, max(args.uplinks // 10, 20)), 4),
            "contexts_loaded": codec.loads,
        }
    print(json.dumps({"js_codec_ms_per_uplink": figures}))


if __name__ == "__main__":
    main()

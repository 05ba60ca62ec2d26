"""JavaScript codecs (TTN device repository, ChirpStack) run in a QuickJS sandbox.

`decode_js(source_or_path, f_port, payload)` for one-off calls (loaded codecs are cached),
`JsCodec` to hold one codec and call it per uplink. Both never raise: failures come back as
`Decoded.errors`. See `decoders.js.runtime` for what a codec sees and how it is contained.
"""

from decoders.js.runtime import (
    DEFAULT_MEMORY_LIMIT,
    DEFAULT_TIME_LIMIT_MS,
    JsCodec,
    codec_decoder,
    decode_js,
    resolve_codec_path,
)

__all__ = [
    "DEFAULT_MEMORY_LIMIT",
    "DEFAULT_TIME_LIMIT_MS",
    "JsCodec",
    "codec_decoder",
    "decode_js",
    "resolve_codec_path",
]

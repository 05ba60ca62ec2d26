"""QuickJS sandbox for TTN device-repository and ChirpStack JavaScript codecs.

What a codec sees
    * ``decodeUplink(input)`` (TTN v3, ChirpStack v4, LoRaWAN Codec API) with ``input.bytes`` a
      plain JS ``Array`` of numbers 0..255 made inside the engine (``JSON.parse``; not a typed
      array), ``input.fPort``, ``input.variables`` (ChirpStack device variables, ``{}`` unless
      given) and ``input.recvTime``: a JS ``Date`` when the caller passes ``recv_time``, and
      absent otherwise (the library stays free of the clock, so only callers that know the
      receive time set it). ``recv_time`` may be an RFC 3339 string, as device-repository
      examples give it: a codec that hands the ``Date`` back unchanged then gets that exact
      text back (nanoseconds included), as the repository's example runner does.
    * When ``decodeUplink`` is missing: the TTN v2 ``Decoder(bytes, port)``, then the ChirpStack
      v3 ``Decode(fPort, bytes, variables)``; both return the data object itself.
    * ``normalizeUplink({data})`` when the codec has one (TTN's normalized payload).
    * A ``console`` whose methods do nothing (codecs log freely; the output is not ours to
      keep). Like TTN, no ``module``/``exports``/``require``: a codec's "am I in Node?" branch
      (``typeof module !== 'undefined' && ...``) is skipped as it is on TTN. Only a codec that
      cannot load or has no entry point without them gets ``module = {exports: {}}`` and
      ``exports = module.exports`` (global properties, so it may declare its own), and its
      entry points are then looked up in ``module.exports``/``exports`` too.
    * Everything QuickJS implements: ES2020 (classes, arrow functions, ``?.``, ``??``,
      destructuring, template strings, BigInt). No timers, no ``require``, no I/O, no
      ``Intl`` (TTN's engine has none either). ``builtins.js`` adds the ES2022 methods goja has
      and this QuickJS lacks (``at``, ``findLast``, ``findLastIndex``, ``Object.hasOwn``) and
      writes ``toString(radix)`` of fractions as goja does. ES2022 *syntax* this QuickJS lacks
      (class ``static {}`` blocks) is a load error.
    * ``Math.pow``, ``log``, ``log10``, ``log2``, ``atan``, ``atan2``, ``asin``, ``acos`` and
      ``cbrt`` give the bits Go's ``math`` package gives (goja calls it; ``go_math.js`` ports
      it), not the C library's: device-repository examples print full doubles, and about a
      fifth of integer powers differ in the last bit otherwise. ``Math.exp``, ``sin``, ``cos``
      and the ``**`` operator stay QuickJS's own.
    * Local time is UTC, as on TTN, whatever the host's time zone: ``utc_date.js`` makes
      ``getHours()``, ``new Date(y, m, d)``, zone-less ``Date.parse`` and ``getTimezoneOffset()``
      UTC inside the codec's context only, and dates print the way goja prints them.

What comes back
    The result is turned into JSON inside the engine the way TTN's engine hands it to Go
    (``undefined`` members as ``null``, ``Date`` in Go's RFC 3339 form), so a device-repository
    codec reproduces the examples TTN's CI checked; `decoders.js.adapter` has the details.

Isolation and limits
    * Every codec gets its own QuickJS context, and the Python binding gives every context its
      own runtime, so one codec's ``Object.prototype`` changes never reach another codec.
    * ``time_limit_ms`` (100 ms) bounds each call; ``memory_limit`` (16 MiB) bounds the whole
      context. Loading a codec (parsing and running its top level) gets at least one second,
      because large vendor codecs take longer to parse than to run (a 300 KiB webpack bundle
      takes about 70 ms and 1 MiB); it happens once per codec and thread, not per uplink. The
      time limit is measured with the C ``clock()``, i.e. process CPU time: under heavy CPU
      load in *other* threads a codec can time out early, never late.
    * After a timeout, a memory or stack overflow, the context is discarded (QuickJS contexts
      are not trusted after running out of memory), and the next uplink gets a fresh one.

Reuse (why it is safe)
    Loading a codec costs about a millisecond; calling a loaded one costs tens of microseconds.
    So a loaded context is reused for the next uplink of the *same* codec (never shared between
    codecs), with the semantics of a fresh context: after each call the harness
    (``harness.js``) puts the codec's global state back as it was right after loading. Implicit
    globals created by the call are deleted, reassigned ``var``/``let`` bindings get their
    loaded values back, and if anything cannot be restored (an object mutated in place, a
    changed built-in prototype, a rebound ``const``), the context is thrown away after that
    call. State hidden in closures is invisible to that check; TTN codecs are specified as pure
    functions, so this is the one documented gap.

Threads
    A QuickJS runtime must only ever run on the thread that created it (its stack limit is
    taken from that thread's stack). A `JsCodec` therefore keeps one context per thread.
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
import os
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import Any

import quickjs

from decoders.js.adapter import to_decoded
from decoders.model import Decoded

DEFAULT_TIME_LIMIT_MS = 100
DEFAULT_MEMORY_LIMIT = 16 * 2**20
LOAD_TIME_LIMIT_MS = 1000
LOAD_RETRY_EVERY = 100
"""After a load hit a limit, that many uplinks get the same error before the next attempt."""
CACHE_SIZE = 64
"""How many codecs `decode_js` keeps loaded (least recently used are dropped)."""

_CONSOLE = """
// A property of the global object, not a `var`: a codec may still declare its own `console`.
globalThis.console = (function () {
  function ignore() {}
  return { log: ignore, info: ignore, warn: ignore, error: ignore, debug: ignore,
           trace: ignore, dir: ignore, table: ignore };
})();
"""
_COMMONJS = """
// Properties of the global object, not `var`s: a codec may still declare its own
// `let exports` without a redeclaration error.
globalThis.module = { exports: {} };
globalThis.exports = globalThis.module.exports;
"""
_MAX_LEXICALS = 500
_LEXICAL = re.compile(r"(?<![\w$.])(let|const|class)\s+([A-Za-z_$][\w$]*)")
_ENTRY_POINTS = ("decodeUplink", "normalizeUplink", "Decoder", "Decode")


class CodecLoadError(Exception):
    """A codec that cannot be loaded: syntax error, top-level throw, no entry point."""


@functools.cache
def _js_source(name: str) -> str:
    return resources.files("decoders.js").joinpath(name).read_text(encoding="utf-8")


def _mib(limit: int) -> str:
    return f"{limit / 2**20:g} MiB"


@dataclass(frozen=True, slots=True)
class _Limits:
    time_limit_ms: int
    memory_limit: int

    def explain(self, exc: quickjs.JSException, context: quickjs.Context | None, what: str) -> str:
        """One line for `errors`, from a QuickJS exception raised by a call or a load."""
        message = str(exc).split("\n", 1)[0].strip()
        if isinstance(exc, quickjs.StackOverflow):
            return f"codec overflowed the stack{what}"
        if message == "InternalError: interrupted":
            limit = self.time_limit_ms if not what else max(self.time_limit_ms, LOAD_TIME_LIMIT_MS)
            return f"codec timed out after {limit} ms{what}"
        if message == "InternalError: out of memory" or self._near_limit(message, context):
            return f"codec exceeded {_mib(self.memory_limit)}{what}"
        return f"codec threw{what}: {message}"

    def _near_limit(self, message: str, context: quickjs.Context | None) -> bool:
        # QuickJS throws `null` when it cannot even allocate the out-of-memory error; the
        # harness passes that on, so a codec that itself throws null reads as out of memory.
        if message in ("", "null"):
            return True
        if context is None:
            return False
        used = int(context.memory().get("memory_used_size", 0))
        return used > self.memory_limit * 0.9


class _Engine:
    """One context with one codec loaded. Used only by the thread that built it."""

    def __init__(self, source: str, limits: _Limits, *, commonjs: bool) -> None:
        self.context = context = quickjs.Context()
        context.set_memory_limit(limits.memory_limit)
        context.set_time_limit(max(limits.time_limit_ms, LOAD_TIME_LIMIT_MS) / 1000)
        builtins = context.eval("JSON.stringify(Object.getOwnPropertyNames(globalThis))")
        context.eval(_js_source("builtins.js"))
        context.eval(_js_source("go_math.js"))
        context.eval(_js_source("utc_date.js"))
        context.eval(_CONSOLE)
        if commonjs:
            context.eval(_COMMONJS)
        context.eval(source)
        names = _lexical_names(source)
        readers = context.eval(
            "[" + ",".join(f"function () {{ return {name}; }}" for _, name in names) + "]"
        )
        writers = context.eval(
            "["
            + ",".join(
                f"function (v) {{ {name} = v; }}" if kind != "const" else "null"
                for kind, name in names
            )
            + "]"
        )
        entries = context.eval(
            "({"
            + ",".join(
                f"{name}: typeof {name} === 'function' ? {name} : null" for name in _ENTRY_POINTS
            )
            + "})"
        )
        make_runner = context.eval(_js_source("harness.js"))
        config = json.dumps({"builtins": json.loads(builtins)})
        self.run = make_runner(config, readers, writers, entries)
        self.kind: str | None = json.loads(self.run(None))["kind"]
        if self.kind is None:
            raise CodecLoadError(
                "codec defines neither decodeUplink(input), Decoder(bytes, port) "
                "nor Decode(fPort, bytes, variables)"
            )
        context.set_time_limit(limits.time_limit_ms / 1000)


def _lexical_names(source: str) -> list[tuple[str, str]]:
    """Candidate top-level `let`/`const`/`class` bindings (a superset; extras are harmless)."""
    seen: dict[str, str] = {}
    for match in _LEXICAL.finditer(source):
        kind, name = match.group(1), match.group(2)
        if name not in seen:
            seen[name] = kind
        elif seen[name] != kind and "const" in (kind, seen[name]):
            seen[name] = "const"  # unknown which one is global: never write it back
        if len(seen) >= _MAX_LEXICALS:
            break
    return [(kind, name) for name, kind in seen.items()]


@dataclass(slots=True)
class _Stats:
    loads: int = 0
    discarded: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


class JsCodec:
    """A JavaScript codec, loaded once per thread and called once per uplink.

    `decode` never raises: load failures, limits and exceptions thrown by the codec all come
    back as `Decoded.errors`.
    """

    def __init__(
        self,
        source: str,
        *,
        name: str = "<codec>",
        time_limit_ms: int = DEFAULT_TIME_LIMIT_MS,
        memory_limit: int = DEFAULT_MEMORY_LIMIT,
    ) -> None:
        self.source = source
        self.name = name
        self.limits = _Limits(int(time_limit_ms), int(memory_limit))
        self._local = threading.local()
        self._stats = _Stats()
        self.load_error: str | None = None
        self._commonjs = False
        self._engine()  # compile now, so a broken codec is reported where it is loaded

    @classmethod
    def from_file(
        cls,
        path: str | os.PathLike[str],
        *,
        time_limit_ms: int = DEFAULT_TIME_LIMIT_MS,
        memory_limit: int = DEFAULT_MEMORY_LIMIT,
    ) -> JsCodec:
        """Load a codec file (see `_codec_text`). OSError propagates: a missing file is the
        caller's bug."""
        file = Path(path)
        return cls(
            _codec_text(file),
            name=str(file),
            time_limit_ms=time_limit_ms,
            memory_limit=memory_limit,
        )

    @property
    def kind(self) -> str | None:
        """The entry point in use: decodeUplink, Decoder or Decode (None if not loadable)."""
        engine = self._engine()
        return None if engine is None else engine.kind

    @property
    def loads(self) -> int:
        """How many contexts this codec has loaded so far (1 when every reuse was safe)."""
        return self._stats.loads

    def _engine(self) -> _Engine | None:
        if self.load_error is not None:
            return None
        engine: _Engine | None = getattr(self._local, "engine", None)
        if engine is not None:
            return engine
        try:
            engine = self._load()
        except CodecLoadError as exc:
            self.load_error = str(exc)
            return None
        except quickjs.JSException as exc:
            problem = self.limits.explain(exc, None, " while loading")
            if problem.startswith("codec threw"):
                # Deterministic (a syntax error, a throw at top level): remember it.
                self.load_error = "codec failed to load: " + problem.split(": ", 1)[1]
            else:
                # A limit: possibly load-dependent (CPU time is process-wide), so try again,
                # but only every LOAD_RETRY_EVERY uplinks, not at a second's cost per uplink.
                self._local.load_problem = problem
                self._local.retry_in = LOAD_RETRY_EVERY
            return None
        with self._stats.lock:
            self._stats.loads += 1
        self._local.engine = engine
        return engine

    def _load(self) -> _Engine:
        """A context as TTN's: CommonJS globals only for a codec that needs them to load."""
        if self._commonjs:
            return _Engine(self.source, self.limits, commonjs=True)
        try:
            return _Engine(self.source, self.limits, commonjs=False)
        except (CodecLoadError, quickjs.JSException) as first:
            if isinstance(first, quickjs.JSException) and not self.limits.explain(
                first, None, ""
            ).startswith("codec threw"):
                raise  # a limit, not a missing `module`
            try:
                engine = _Engine(self.source, self.limits, commonjs=True)
            except (CodecLoadError, quickjs.JSException):
                raise first from None
            self._commonjs = True
            return engine

    def _discard(self) -> None:
        self._local.engine = None
        with self._stats.lock:
            self._stats.discarded += 1

    def decode(
        self,
        f_port: int,
        payload: bytes,
        *,
        recv_time: datetime | str | None = None,
        variables: Mapping[str, str] | None = None,
    ) -> Decoded:
        """Run the codec on one uplink; see the module docstring for what the codec sees.

        A ``recv_time`` string that is not RFC 3339 raises ValueError (the caller's bug).
        """
        retry_in = getattr(self._local, "retry_in", 0)
        if retry_in > 0:
            self._local.retry_in = retry_in - 1
            return Decoded(errors=(self._local.load_problem,))
        self._local.load_problem = None
        engine = self._engine()
        if engine is None:
            problem = self.load_error or getattr(self._local, "load_problem", None)
            return Decoded(errors=(problem or "codec could not be loaded",))
        args = json.dumps(
            {
                "bytes": list(bytes(payload)),
                "fPort": int(f_port),
                "variables": dict(variables or {}),
                "recvTime": None if recv_time is None else _epoch_ms(recv_time),
                "recvText": recv_time if isinstance(recv_time, str) else None,
            }
        )
        try:
            raw = engine.run(args)
        except quickjs.JSException as exc:
            problem = self.limits.explain(exc, engine.context, "")
            self._discard()
            return Decoded(errors=(problem,))
        if not isinstance(raw, str):
            self._discard()
            return Decoded(errors=("codec broke the runtime's harness (JSON was replaced?)",))
        outcome: dict[str, Any] = json.loads(raw)
        if outcome.get("dirty"):
            self._discard()
        return to_decoded(outcome)

    def decode_payload(self, payload: bytes, f_port: int) -> Decoded:
        """`decode` with the argument order of `decoders.model.DecodeFn`."""
        return self.decode(f_port, payload)


def _epoch_ms(moment: datetime | str) -> float:
    if isinstance(moment, str):
        # Python keeps microseconds; a Date keeps milliseconds, so extra digits may go.
        moment = datetime.fromisoformat(_FRACTION_BEYOND_MICROS.sub(r"\1", moment))
    if moment.tzinfo is None:
        raise ValueError("recv_time must be timezone-aware")
    return math.floor(moment.timestamp() * 1000)


_FRACTION_BEYOND_MICROS = re.compile(r"(\.\d{6})\d+")


_cache: OrderedDict[tuple[str, int, int], JsCodec] = OrderedDict()
_cache_lock = threading.Lock()


def _cached_codec(source: str, name: str, time_limit_ms: int, memory_limit: int) -> JsCodec:
    key = (hashlib.sha256(source.encode("utf-8")).hexdigest(), time_limit_ms, memory_limit)
    with _cache_lock:
        codec = _cache.get(key)
        if codec is not None:
            _cache.move_to_end(key)
            return codec
    codec = JsCodec(source, name=name, time_limit_ms=time_limit_ms, memory_limit=memory_limit)
    with _cache_lock:
        _cache[key] = codec
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return codec


_PACKAGE_DIR = Path(__file__).resolve().parent.parent


def resolve_codec_path(name: str | os.PathLike[str]) -> Path:
    """A `DecoderSpec.codec_js` value as a path: absolute, or relative to `decoders/`."""
    path = Path(name)
    return path if path.is_absolute() else _PACKAGE_DIR / path


_files: dict[Path, tuple[int, int, str]] = {}
_files_lock = threading.Lock()


def _codec_text(path: Path) -> str:
    """UTF-8, with bytes that are not UTF-8 read as U+FFFD, as TTN's engine reads them.

    Some vendor files carry a Latin-1 degree sign, mostly in comments; TTN loads them.
    """
    return path.read_bytes().decode("utf-8", errors="replace")


def _read_codec(path: Path) -> str:
    """The file's text, read again only when its size or modification time changed."""
    stat = path.stat()
    with _files_lock:
        known = _files.get(path)
    if known is not None and known[:2] == (stat.st_mtime_ns, stat.st_size):
        return known[2]
    source = _codec_text(path)
    with _files_lock:
        _files[path] = (stat.st_mtime_ns, stat.st_size, source)
        while len(_files) > CACHE_SIZE:
            del _files[next(iter(_files))]
    return source


def codec_decoder(path: str | os.PathLike[str]) -> Callable[[bytes, int], Decoded]:
    """A `DecoderSpec.decode` for a type served by a codec file (see `DecoderSpec.codec_js`)."""
    resolved = resolve_codec_path(path)

    def decode(payload: bytes, f_port: int) -> Decoded:
        return decode_js(resolved, f_port, payload)

    return decode


def _looks_like_path(value: str | os.PathLike[str]) -> bool:
    if not isinstance(value, str):
        return True
    return "\n" not in value and len(value) < 4096 and os.path.isfile(value)


def decode_js(
    source_or_path: str | os.PathLike[str],
    f_port: int,
    payload: bytes,
    *,
    time_limit_ms: int = DEFAULT_TIME_LIMIT_MS,
    memory_limit: int = DEFAULT_MEMORY_LIMIT,
    recv_time: datetime | str | None = None,
    variables: Mapping[str, str] | None = None,
) -> Decoded:
    """Decode one uplink with a JavaScript codec given as source text or as a file path.

    A `pathlib.Path`, or a one-line string naming an existing file, is read as a codec file;
    any other string is the codec's source. Loaded codecs are cached by content (the
    `CACHE_SIZE` most recently used), so calling this per uplink is cheap. Never raises; an
    unreadable file comes back as an error too.
    """
    if _looks_like_path(source_or_path):
        try:
            source = _read_codec(Path(source_or_path))
        except OSError as exc:
            return Decoded(errors=(f"cannot read codec {source_or_path}: {exc}",))
        name = str(source_or_path)
    else:
        source, name = str(source_or_path), "<codec>"
    codec = _cached_codec(source, name, int(time_limit_ms), int(memory_limit))
    return codec.decode(f_port, payload, recv_time=recv_time, variables=variables)

// smartregion codec harness. Evaluated as one expression after the codec in the codec's own
// QuickJS context; it returns `makeRunner`, and the runner is what Python calls per uplink.
//
// The runner calls the codec's entry point, turns the result into JSON inside the engine (so
// Python never walks JS objects), and afterwards puts the codec's global state back the way
// it was when the codec had just been loaded. It reports whether that restore was complete
// ("dirty": false); when it was not, Python throws the context away, so every uplink sees the
// codec exactly as a fresh context would.
(function makeRunner(configJson, lexReaders, lexWriters, entries) {
  'use strict';
  var g = globalThis;
  var stringify = JSON.stringify;
  var parse = JSON.parse;
  var ownNames = Object.getOwnPropertyNames;
  var hasOwn = Function.prototype.call.bind(Object.prototype.hasOwnProperty);
  var same = Object.is;
  var config = parse(configJson);
  var InternalErr = typeof InternalError === 'function' ? InternalError : null;

  var builtinNames = {};
  var builtinValues = [];
  for (var i = 0; i < config.builtins.length; i++) {
    builtinNames[config.builtins[i]] = true;
    builtinValues.push(g[config.builtins[i]]);
  }
  builtinNames.globalThis = true;
  var protos = [Object.prototype, Array.prototype, String.prototype, Number.prototype,
    Boolean.prototype, Function.prototype, Date.prototype, RegExp.prototype, Math, JSON];

  function json(value) {
    if (value === null || typeof value !== 'object') return null;
    try {
      return stringify(value);
    } catch (e) {
      return '\u0000unserializable';
    }
  }
  function protoShape() {
    var parts = [];
    for (var i = 0; i < protos.length; i++) parts.push(ownNames(protos[i]).join(','));
    return parts.join('|');
  }
  function userGlobals() {
    var names = ownNames(g);
    var out = [];
    for (var i = 0; i < names.length; i++) if (!hasOwn(builtinNames, names[i])) out.push(names[i]);
    return out;
  }
  function readLexicals() {
    var values = [];
    for (var i = 0; i < lexReaders.length; i++) {
      try {
        values.push(lexReaders[i]());
      } catch (e) {
        values.push(undefined);
      }
    }
    return values;
  }

  // The codec's state right after loading: what every uplink must see.
  var pristineNames = userGlobals();
  var pristine = {};
  for (var i = 0; i < pristineNames.length; i++) {
    var value = g[pristineNames[i]];
    pristine[pristineNames[i]] = { value: value, json: json(value) };
  }
  var pristineLex = readLexicals();
  var pristineLexJson = pristineLex.map(json);
  var pristineShape = protoShape();

  function restore() {
    var clean = true;
    var names = userGlobals();
    for (var i = 0; i < names.length; i++) {
      if (!hasOwn(pristine, names[i])) {
        // An implicit global created during the call (`x = 1` without `var`).
        try {
          if (!delete g[names[i]]) clean = false;
        } catch (e) {
          clean = false;
        }
      }
    }
    for (var j = 0; j < pristineNames.length; j++) {
      var name = pristineNames[j];
      var p = pristine[name];
      if (!hasOwn(g, name)) {
        clean = false;
        continue;
      }
      if (!same(g[name], p.value)) {
        try {
          g[name] = p.value;
        } catch (e) {
          clean = false;
        }
        if (!same(g[name], p.value)) clean = false;
      }
      if (p.json !== null && json(p.value) !== p.json) clean = false;
    }
    var lex = readLexicals();
    for (var k = 0; k < lex.length; k++) {
      if (!same(lex[k], pristineLex[k])) {
        try {
          lexWriters[k](pristineLex[k]);
        } catch (e) {
          clean = false;
        }
      }
      if (pristineLexJson[k] !== null && json(pristineLex[k]) !== pristineLexJson[k]) clean = false;
    }
    for (var m = 0; m < builtinValues.length; m++) {
      if (!same(g[config.builtins[m]], builtinValues[m])) clean = false;
    }
    if (protoShape() !== pristineShape) clean = false;
    return clean;
  }

  // Entry points, looked up once: global functions (var, function or top-level let/const),
  // then CommonJS exports.
  function exported(name) {
    if (typeof entries[name] === 'function') return entries[name];
    var m = g.module;
    if (m && m.exports && typeof m.exports[name] === 'function') return m.exports[name];
    if (g.exports && typeof g.exports[name] === 'function') return g.exports[name];
    return null;
  }
  var decodeUplink = exported('decodeUplink');
  var normalizeUplink = exported('normalizeUplink');
  var legacyDecoder = exported('Decoder');
  var chirpstackV3 = exported('Decode');
  var kind = decodeUplink ? 'decodeUplink' : legacyDecoder ? 'Decoder' : chirpstackV3 ? 'Decode' : null;

  var nonFinite = [];
  var tagOf = Function.prototype.call.bind(Object.prototype.toString);
  var timeOf = Function.prototype.call.bind(Date.prototype.getTime);
  var isoOf = Function.prototype.call.bind(Date.prototype.toISOString);
  var arrayFrom = Array.from;
  var isView = ArrayBuffer.isView;
  function isTypedArray(value) {
    return isView(value) && tagOf(value) !== '[object DataView]';
  }
  // TTN's engine (goja) hands a Date to Go as a time.Time, which Go writes in RFC 3339 with
  // the fraction's trailing zeros dropped: 2024-05-17T08:30:15.25Z, 2024-05-17T08:30:15Z.
  // Device-repository examples are written against that, so Dates come out the same here.
  function goTime(date) {
    if (timeOf(date) !== timeOf(date)) return null;
    return isoOf(date).replace(/\.(\d*?)0*Z$/, function (whole, digits) {
      return digits ? '.' + digits + 'Z' : 'Z';
    });
  }
  // input.recvTime and the RFC 3339 text it was made from (when the caller gave text).
  var recvDate = null;
  var recvText = null;
  var recvMs = NaN;
  function replacer(key, value) {
    // goja exports an undefined member as nil, i.e. JSON null; JSON.stringify would drop it.
    if (value === undefined && key !== '') return null;
    if (typeof value === 'string' || value === null) {
      var raw = this[key]; // what toJSON was called on
      if (raw !== value && tagOf(raw) === '[object Date]') {
        // The receive time handed back untouched: its text as given, beyond milliseconds.
        if (raw === recvDate && recvText !== null && timeOf(raw) === recvMs) return recvText;
        return goTime(raw);
      }
    }
    // A typed array as the plain list of its numbers, not JSON.stringify's {"0": .., "1": ..}.
    if (value !== null && typeof value === 'object' && isTypedArray(value)) return arrayFrom(value);
    if (typeof value === 'number' && !isFinite(value)) {
      nonFinite.push((key === '' ? '(result)' : key) + ': ' + String(value));
      return null;
    }
    if (typeof value === 'bigint') {
      var n = Number(value);
      return Number.isSafeInteger(n) ? n : String(value);
    }
    return value;
  }
  function toJson(value) {
    return value === undefined ? 'null' : stringify(value, replacer);
  }
  function describe(e) {
    if (e instanceof Error) return String(e);
    if (typeof e === 'string') return e;
    try {
      return String(stringify(e));
    } catch (err) {
      return String(e);
    }
  }
  function isLimit(e) {
    return InternalErr !== null && e instanceof InternalErr;
  }

  return function run(argsJson) {
    if (argsJson === null) return stringify({ kind: kind });
    var args = parse(argsJson);
    var out = { kind: kind, result: null, normalized: null, normalizeError: null, threw: null,
      nonFinite: [] };
    nonFinite = [];
    recvDate = null;
    recvText = args.recvText;
    recvMs = args.recvTime;
    try {
      if (kind === 'decodeUplink') {
        var input = { bytes: args.bytes, fPort: args.fPort, variables: args.variables };
        if (args.recvTime !== null) input.recvTime = recvDate = new Date(args.recvTime);
        var result = decodeUplink(input);
        out.result = toJson(result);
        if (normalizeUplink && result && typeof result === 'object' && result.data &&
            !(result.errors && result.errors.length)) {
          try {
            // The very object decodeUplink returned, as TTN's wrapper passes it: undefined
            // members stay undefined and Dates stay Dates for the normalizer.
            out.normalized = toJson(normalizeUplink({ data: result.data }));
          } catch (e) {
            if (e === null || isLimit(e)) throw e;
            out.normalizeError = describe(e);
          }
        }
      } else if (kind === 'Decoder') {
        out.result = toJson(legacyDecoder(args.bytes, args.fPort));
      } else if (kind === 'Decode') {
        out.result = toJson(chirpstackV3(args.fPort, args.bytes, args.variables));
      }
    } catch (e) {
      // QuickJS throws null when it cannot even allocate the out-of-memory error.
      if (e === null || isLimit(e)) throw e;
      out.threw = describe(e);
    }
    out.nonFinite = nonFinite;
    out.dirty = !restore();
    return stringify(out);
  };
})

// smartregion: the ES2022 built-in methods TTN's engine (goja) has and this QuickJS lacks.
//
// The QuickJS inside the `quickjs` package predates ES2022, so a codec written against TTN
// that calls `bytes.at(-1)`, `Object.hasOwn(o, k)` or `list.findLast(f)` would throw here.
// Each method is added only when missing, non-enumerable, and as the specification says
// (negative indexes count from the end; holes read as undefined).
(function () {
  'use strict';
  var defineProperty = Object.defineProperty;
  function add(target, name, fn) {
    if (typeof target[name] === 'function') return;
    defineProperty(target, name, { value: fn, writable: true, enumerable: false, configurable: true });
  }
  function toIntegerOrInfinity(value) {
    var n = Number(value);
    if (n !== n) return 0;
    return n < 0 ? Math.ceil(n) : Math.floor(n);
  }
  function at(index) {
    var o = Object(this);
    var length = typeof o === 'object' && typeof o.length === 'number' ? o.length >>> 0 : 0;
    if (typeof this === 'string' || this instanceof String) {
      o = String(this);
      length = o.length;
    }
    var k = toIntegerOrInfinity(index);
    if (k < 0) k += length;
    return k < 0 || k >= length ? undefined : o[k];
  }
  function findLastIndex(predicate, thisArg) {
    if (typeof predicate !== 'function') throw new TypeError('predicate is not a function');
    var o = Object(this);
    for (var k = (o.length >>> 0) - 1; k >= 0; k--) {
      if (predicate.call(thisArg, o[k], k, o)) return k;
    }
    return -1;
  }
  function findLast(predicate, thisArg) {
    var k = findLastIndex.call(this, predicate, thisArg);
    return k < 0 ? undefined : Object(this)[k];
  }
  var typedArray = Object.getPrototypeOf(Uint8Array.prototype);
  var targets = [Array.prototype, typedArray];
  for (var i = 0; i < targets.length; i++) {
    add(targets[i], 'at', at);
    add(targets[i], 'findLast', findLast);
    add(targets[i], 'findLastIndex', findLastIndex);
  }
  add(String.prototype, 'at', at);
  var hasOwnProperty = Object.prototype.hasOwnProperty;
  add(Object, 'hasOwn', function hasOwn(object, key) {
    if (object === null || object === undefined) {
      throw new TypeError('Cannot convert undefined or null to object');
    }
    return hasOwnProperty.call(Object(object), key);
  });
})();

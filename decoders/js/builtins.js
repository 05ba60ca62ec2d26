// smartregion: built-ins as TTN's engine (goja) has them, where this QuickJS lacks them or
// gets them wrong.
//
// The QuickJS inside the `quickjs` package predates ES2022, so a codec written against TTN
// that calls `bytes.at(-1)`, `Object.hasOwn(o, k)` or `list.findLast(f)` would throw here.
// Each method is added only when missing, non-enumerable, and as the specification says
// (negative indexes count from the end; holes read as undefined).
// Its Number.prototype.toString(radix) also writes fractions and integers beyond 2^53 in
// base 10 ((255.5).toString(16) gives "255.5"); goja, like V8, gives "ff.8", so those cases
// use V8's algorithm (DoubleToRadixCString), which goja ports. Math functions that goja
// takes from Go's math package are in go_math.js.
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
  var nativeToString = Number.prototype.toString;
  var numberValue = Function.prototype.call.bind(Number.prototype.valueOf);
  var DIGITS = '0123456789abcdefghijklmnopqrstuvwxyz';
  var TWO_53 = 9007199254740992;
  var view = new DataView(new ArrayBuffer(8));
  // The gap to the next larger double (value > 0 and finite).
  function ulp(value) {
    view.setFloat64(0, value);
    var high = view.getUint32(0);
    var low = view.getUint32(4);
    if (low === 0xffffffff) {
      view.setUint32(0, high + 1);
      view.setUint32(4, 0);
    } else {
      view.setUint32(4, low + 1);
    }
    return view.getFloat64(0) - value;
  }
  function radixString(value, radix) {
    var negative = value < 0;
    if (negative) value = -value;
    var integer = Math.floor(value);
    var fraction = value - integer;
    // Fraction digits only as far as the double's own precision, rounded half to even.
    var delta = Math.max(0.5 * ulp(value), Number.MIN_VALUE);
    var fractionDigits = [];
    if (fraction >= delta) {
      do {
        fraction *= radix;
        delta *= radix;
        var digit = Math.floor(fraction);
        fractionDigits.push(digit);
        fraction -= digit;
        if ((fraction > 0.5 || (fraction === 0.5 && (digit & 1))) && fraction + delta > 1) {
          for (;;) {
            if (fractionDigits.length === 0) {
              integer += 1;
              break;
            }
            var last = fractionDigits.pop();
            if (last + 1 < radix) {
              fractionDigits.push(last + 1);
              break;
            }
          }
          break;
        }
      } while (fraction >= delta);
    }
    var integerDigits = [];
    while (integer / radix >= TWO_53) {
      integer /= radix;
      integerDigits.push('0');
    }
    do {
      var remainder = integer % radix;
      integerDigits.push(DIGITS.charAt(remainder));
      integer = (integer - remainder) / radix;
    } while (integer > 0);
    var text = integerDigits.reverse().join('');
    if (fractionDigits.length) {
      text += '.';
      for (var k = 0; k < fractionDigits.length; k++) text += DIGITS.charAt(fractionDigits[k]);
    }
    return negative ? '-' + text : text;
  }
  defineProperty(Number.prototype, 'toString', {
    value: function toString(radix) {
      var value = numberValue(this);
      var r = radix === undefined ? 10 : toIntegerOrInfinity(radix);
      if (r === 10 || r < 2 || r > 36 || value !== value || value === Infinity ||
          value === -Infinity || (Math.floor(value) === value && Math.abs(value) <= TWO_53)) {
        return nativeToString.call(value, radix);
      }
      return radixString(value, r);
    },
    writable: true, enumerable: false, configurable: true,
  });

  var hasOwnProperty = Object.prototype.hasOwnProperty;
  add(Object, 'hasOwn', function hasOwn(object, key) {
    if (object === null || object === undefined) {
      throw new TypeError('Cannot convert undefined or null to object');
    }
    return hasOwnProperty.call(Object(object), key);
  });
})();

// smartregion: Math.pow, log, log10, log2, atan, atan2, asin, acos and cbrt computed as TTN's
// engine computes them.
//
// TTN runs codecs in goja, whose Math functions are Go's `math` package; the device
// repository's examples were checked with it (tools/runscript in TheThingsNetwork/
// lorawan-devices). QuickJS calls the C library instead, and the two disagree in the last
// bit for about a fifth of integer powers (Math.pow(-376.2, 3) is -53242246.72799999 here,
// -53242246.728 in Go), a third of base-10 logarithms and a quarter of arc tangents, which an
// example that prints the full double then fails. These are ports of Go's algorithms
// (math/pow.go, log.go, log10.go, atan.go, atan2.go, asin.go, cbrt.go), checked bit for bit against
// the amd64 build TTN runs: Go does not fuse multiply-adds on amd64, so plain JS arithmetic
// reproduces each step. Math.exp (and the fractional part of a power) stays the C library's:
// Go's amd64 Exp is assembly that uses FMA where the CPU has it, so it is not ported here;
// sin, cos and tan are not ported either.
// Licence: Go's BSD 3-Clause licence and the FreeBSD/Cephes notices it carries, in
// LICENSE-go-math.txt beside this file.
(function () {
  'use strict';
  var defineProperty = Object.defineProperty;
  var nativeExp = Math.exp;
  var P1 = 1.66666666666666657415e-01;
  var P2 = -2.77777777770155933842e-03;
  var P3 = 6.61375632143793436117e-05;
  var P4 = -1.65339022054652515390e-06;
  var P5 = 4.13813679705723846039e-08;
  var LOG2E = 1.44269504088896338700e+00;
  function exp(x) {
    if (x !== x || x === Infinity) return x;
    if (x === -Infinity) return 0;
    if (x > 7.09782712893383973096e+02) return Infinity;
    if (x < -7.45133219101941108420e+02) return 0;
    if (-3.725290298461914e-9 < x && x < 3.725290298461914e-9) return 1 + x;
    var k = 0;
    if (x < 0) k = Math.trunc(LOG2E * x - 0.5);
    else if (x > 0) k = Math.trunc(LOG2E * x + 0.5);
    var hi = x - k * 6.93147180369123816490e-01;
    var lo = k * 1.90821492927058770002e-10;
    var r = hi - lo;
    var t = r * r;
    var c = r - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
    var y = 1 - ((lo - (r * c) / (2 - c)) - hi);
    return ldexp(y, k);
  }
  var view = new DataView(new ArrayBuffer(8));
  var TWO_52 = 4503599627370496;
  var SQRT2_2 = Math.SQRT2 / 2;

  // Go's math.Frexp for a finite, non-zero x: [fraction in [0.5, 1), exponent].
  function frexp(x) {
    var e = 0;
    if (Math.abs(x) < 2.2250738585072014e-308) {
      x *= TWO_52;
      e = -52;
    }
    view.setFloat64(0, x);
    var high = view.getUint32(0);
    e += ((high >>> 20) & 0x7ff) - 1022;
    view.setUint32(0, (high & 0x800fffff) | (1022 << 20));
    return [view.getFloat64(0), e];
  }

  // Go's math.Ldexp: frac * 2**exp with one rounding, also into the subnormal range.
  function ldexp(frac, exp) {
    if (frac === 0 || frac !== frac || frac === Infinity || frac === -Infinity) return frac;
    var parts = frexp(frac);
    frac = parts[0];
    exp += parts[1];
    if (exp < -1074) return frac < 0 ? -0 : 0;
    if (exp > 1024) return frac < 0 ? -Infinity : Infinity;
    var m = 1;
    if (exp < -1021) {
      exp += 53;
      m = 1 / 9007199254740992; // 2**-53
    }
    view.setFloat64(0, frac);
    var high = view.getUint32(0);
    view.setUint32(0, (high & 0x800fffff) | ((exp + 1022) << 20));
    return m * view.getFloat64(0);
  }

  function isOddInt(y) {
    if (Math.abs(y) >= 9007199254740992) return false;
    return Math.floor(y) === y && Math.abs(y % 2) === 1;
  }

  var LN2_HI = 6.93147180369123816490e-01;
  var LN2_LO = 1.90821492927058770002e-10;
  var L1 = 6.666666666666735130e-01;
  var L2 = 3.999999999940941908e-01;
  var L3 = 2.857142874366239149e-01;
  var L4 = 2.222219843214978396e-01;
  var L5 = 1.818357216161805012e-01;
  var L6 = 1.531383769920937332e-01;
  var L7 = 1.479819860511658591e-01;

  // math/log.go (FreeBSD's e_log.c).
  function log(x) {
    if (x !== x || x === Infinity) return x;
    if (x < 0) return NaN;
    if (x === 0) return -Infinity;
    var parts = frexp(x);
    var f1 = parts[0];
    var ki = parts[1];
    if (f1 < SQRT2_2) {
      f1 *= 2;
      ki--;
    }
    var f = f1 - 1;
    var k = ki;
    var s = f / (2 + f);
    var s2 = s * s;
    var s4 = s2 * s2;
    var t1 = s2 * (L1 + s4 * (L3 + s4 * (L5 + s4 * L7)));
    var t2 = s4 * (L2 + s4 * (L4 + s4 * L6));
    var R = t1 + t2;
    var hfsq = 0.5 * f * f;
    return k * LN2_HI - ((hfsq - (s * (hfsq + R) + k * LN2_LO)) - f);
  }

  // math/pow.go, with JavaScript's answers where the two languages' special cases differ
  // (goja checks those before calling Go).
  function pow(x, y) {
    if (y !== y) return NaN;
    if (y === 0) return 1;
    if (x !== x) return NaN;
    if ((y === Infinity || y === -Infinity) && (x === 1 || x === -1)) return NaN;
    if (x === 1) return 1;
    if (y === 1) return x;
    if (x === 0) {
      if (y < 0) {
        if (isOddInt(y)) return 1 / x; // +-Infinity with x's sign
        return Infinity;
      }
      if (isOddInt(y)) return x;
      return 0;
    }
    if (y === Infinity || y === -Infinity) {
      if ((Math.abs(x) > 1) === (y > 0)) return Infinity;
      return 0;
    }
    if (x === Infinity || x === -Infinity) {
      if (x === -Infinity) return pow(1 / x, -y); // Pow(-0, -y)
      return y < 0 ? 0 : Infinity;
    }
    if (y === 0.5) return Math.sqrt(x);
    if (y === -0.5) return 1 / Math.sqrt(x);

    var absY = Math.abs(y);
    var yi = Math.floor(absY);
    var yf = absY - yi;
    if (yf !== 0 && x < 0) return NaN;
    if (yi >= 9223372036854775808) {
      // A huge even integer: overflow or underflow for every x but -1.
      if (x === -1) return 1;
      if ((Math.abs(x) < 1) === (y > 0)) return 0;
      return Infinity;
    }

    var a1 = 1;
    var ae = 0;
    if (yf !== 0) {
      if (yf > 0.5) {
        yf--;
        yi++;
      }
      a1 = nativeExp(yf * log(x));
    }

    var parts = frexp(x);
    var x1 = parts[0];
    var xe = parts[1];
    // Repeated squaring over the bits of yi (beyond 2**53 the low bits are zero anyway).
    for (var i = yi; i !== 0; i = Math.floor(i / 2)) {
      if (xe < -4096 || 4096 < xe) {
        ae += xe;
        break;
      }
      if (i % 2 === 1) {
        a1 *= x1;
        ae += xe;
      }
      x1 *= x1;
      xe *= 2;
      if (x1 < 0.5) {
        x1 += x1;
        xe--;
      }
    }
    if (y < 0) {
      a1 = 1 / a1;
      ae = -ae;
    }
    return ldexp(a1, ae);
  }

  // Go folds these constants exactly, then rounds once; the literals round the same way.
  var INV_LN10 = 0.43429448190325182765112891891660508229439700580366; // 1 / Ln10
  var INV_LN2 = 1.44269504088896340735992468100189213742664595415299; // 1 / Ln2
  function log10(x) {
    return log(x) * INV_LN10;
  }
  function log2(x) {
    if (x !== x || x <= 0 || x === Infinity) return log(x);
    var parts = frexp(x);
    if (parts[0] === 0.5) return parts[1] - 1;
    return log(parts[0]) * INV_LN2 + parts[1];
  }

  // math/atan.go, math/atan2.go, math/asin.go (Cephes).
  var PI = Math.PI;
  var PI_2 = PI / 2;
  var PI_4 = PI / 4;
  var PI3_4 = 2.35619449019234492884698253745962716314787704953132936573120844; // 3*Pi/4
  var MOREBITS = 6.123233995736765886130e-17;
  var HALF_MOREBITS = 0.5 * MOREBITS;
  function xatan(x) {
    var z = x * x;
    z = z * ((((-8.750608600031904122785e-01 * z + -1.615753718733365076637e+01) * z +
      -7.500855792314704667340e+01) * z + -1.228866684490136173410e+02) * z +
      -6.485021904942025371773e+01) / (((((z + 2.485846490142306297962e+01) * z +
      1.650270098316988542046e+02) * z + 4.328810604912902668951e+02) * z +
      4.853903996359136964868e+02) * z + 1.945506571482613964425e+02);
    return x * z + x;
  }
  function satan(x) {
    if (x <= 0.66) return xatan(x);
    if (x > 2.41421356237309504880) return PI_2 - xatan(1 / x) + MOREBITS;
    return PI_4 + xatan((x - 1) / (x + 1)) + HALF_MOREBITS;
  }
  function atan(x) {
    if (x === 0 || x !== x) return x;
    return x > 0 ? satan(x) : -satan(-x);
  }
  function sign(y, magnitude) {
    return y < 0 || Object.is(y, -0) ? -magnitude : magnitude;
  }
  function atan2(y, x) {
    if (y !== y || x !== x) return NaN;
    if (y === 0) return x >= 0 && !Object.is(x, -0) ? y : sign(y, PI);
    if (x === 0) return sign(y, PI_2);
    var yInfinite = y === Infinity || y === -Infinity;
    if (x === Infinity) return yInfinite ? sign(y, PI_4) : sign(y, 0);
    if (x === -Infinity) return yInfinite ? sign(y, PI3_4) : sign(y, PI);
    if (yInfinite) return sign(y, PI_2);
    var q = atan(y / x);
    if (x < 0) return q <= 0 ? q + PI : q - PI;
    return q;
  }
  function asin(x) {
    if (x === 0 || x !== x) return x;
    var negative = x < 0;
    if (negative) x = -x;
    if (x > 1) return NaN;
    var temp = Math.sqrt(1 - x * x);
    temp = x > 0.7 ? PI_2 - satan(temp / x) : satan(x / temp);
    return negative ? -temp : temp;
  }
  function acos(x) {
    return PI_2 - asin(x);
  }

  // math/cbrt.go (FreeBSD's s_cbrt.c); the bit tricks divide the 64-bit pattern by 3.
  function bitsOver3Plus(x, bias) {
    view.setFloat64(0, x);
    var bits = (BigInt(view.getUint32(0)) << 32n) | BigInt(view.getUint32(4));
    bits = bits / 3n + (BigInt(bias) << 32n);
    view.setUint32(0, Number((bits >> 32n) & 0xffffffffn));
    view.setUint32(4, Number(bits & 0xffffffffn));
    return view.getFloat64(0);
  }
  function cbrt(x) {
    if (x === 0 || x !== x || x === Infinity || x === -Infinity) return x;
    var negative = x < 0;
    if (negative) x = -x;
    var t = bitsOver3Plus(x, 715094163);
    if (x < 2.22507385850720138309e-308) {
      t = 18014398509481984 * x; // 2**54
      t = bitsOver3Plus(t, 696219795);
    }
    var r = t * t / x;
    var s = 5.42857142857142815906e-01 + r * t;
    t *= 3.57142857142857150787e-01 + 1.60714285714285720630e+00 /
      (s + 1.41428571428571436819e+00 + -7.05306122448979611050e-01 / s);
    // Chop to 22 bits and round up: keep the top 34 bits, then add 2**30.
    view.setFloat64(0, t);
    var low = (view.getUint32(4) & 0xc0000000) >>> 0;
    var high = view.getUint32(0);
    low += 0x40000000;
    if (low > 0xffffffff) {
      low -= 0x100000000;
      high += 1;
    }
    view.setUint32(0, high);
    view.setUint32(4, low);
    t = view.getFloat64(0);
    s = t * t;
    r = x / s;
    var w = t + t;
    r = (r - t) / (w + r);
    t = t + t * r;
    return negative ? -t : t;
  }

  function install(name, fn, length) {
    var wrapped = {
      pow: function (a, b) { return fn(Number(a), Number(b)); },
      other: function (a) { return fn(Number(a)); },
    };
    var f = length === 2 ? wrapped.pow : wrapped.other;
    defineProperty(f, 'name', { value: name });
    defineProperty(Math, name, { value: f, writable: true, enumerable: false, configurable: true });
  }
  install('pow', pow, 2);
  install('log', log, 1);
  install('log10', log10, 1);
  install('log2', log2, 1);
  install('atan', atan, 1);
  install('atan2', atan2, 2);
  install('asin', asin, 1);
  install('acos', acos, 1);
  install('cbrt', cbrt, 1);
})();

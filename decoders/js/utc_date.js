// smartregion: make Date local time UTC, as on TTN, whatever the host's time zone.
//
// QuickJS takes local time from the C library, i.e. from the process's TZ. TTN's engine (goja)
// runs in UTC, and device-repository examples are written against that. Setting TZ for the
// whole process would change the host application's clock too, so instead each codec context
// gets this shim before the codec: local-time getters and setters are the UTC ones, the
// constructor and Date.parse read a date without a zone as UTC, getTimezoneOffset() is 0, and
// toString()/toLocaleString() and friends are written the way goja writes them in UTC
// ("Fri Jul 05 2024 03:04:05 GMT+0000 (UTC)", "07/05/2024, 03:04:05").
(function () {
  'use strict';
  var NativeDate = Date;
  var proto = NativeDate.prototype;
  var construct = Reflect.construct;
  var defineProperty = Object.defineProperty;
  var timeOf = Function.prototype.call.bind(proto.getTime);
  var nativeParse = NativeDate.parse;
  var nativeUTC = NativeDate.UTC;
  var nativeNow = NativeDate.now;
  var local = {
    year: Function.prototype.call.bind(proto.getFullYear),
    month: Function.prototype.call.bind(proto.getMonth),
    day: Function.prototype.call.bind(proto.getDate),
    hours: Function.prototype.call.bind(proto.getHours),
    minutes: Function.prototype.call.bind(proto.getMinutes),
    seconds: Function.prototype.call.bind(proto.getSeconds),
    millis: Function.prototype.call.bind(proto.getMilliseconds),
  };

  function method(name, fn) {
    defineProperty(proto, name, { value: fn, writable: true, enumerable: false, configurable: true });
  }

  // An explicit zone (Z, +01:00, GMT, UTC...) or an ISO date-only form: already UTC as parsed.
  var HAS_ZONE = /(?:\d[zZ]|[+-]\d\d:?\d\d|\b(?:GMT|UTC|UT)\b[^()]*)\s*(?:\([^)]*\))?\s*$/;
  var ISO_DATE_ONLY = /^\s*[+-]?\d{4,6}(?:-\d\d(?:-\d\d)?)?\s*$/;

  function parseUTC(text) {
    var s = String(text);
    var t = nativeParse(s);
    if (t !== t || HAS_ZONE.test(s) || ISO_DATE_ONLY.test(s)) return t;
    // Parsed as wall-clock time in the host's zone: read the same wall clock as UTC.
    var d = new NativeDate(t);
    return nativeUTC(local.year(d), local.month(d), local.day(d), local.hours(d),
      local.minutes(d), local.seconds(d), local.millis(d));
  }

  var DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  var MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  function pad(n, width) {
    var s = String(Math.abs(n));
    while (s.length < width) s = '0' + s;
    return (n < 0 ? '-' : '') + s;
  }
  function parts(date) {
    var t = timeOf(date);
    if (t !== t) return null;
    var d = new NativeDate(t);
    return {
      weekday: DAYS[d.getUTCDay()], month: d.getUTCMonth(), day: d.getUTCDate(),
      year: d.getUTCFullYear(), time: pad(d.getUTCHours(), 2) + ':' + pad(d.getUTCMinutes(), 2) +
        ':' + pad(d.getUTCSeconds(), 2),
    };
  }
  function formatter(build) {
    return function () {
      var p = parts(this);
      return p === null ? 'Invalid Date' : build(p);
    };
  }
  // goja's layouts: "Mon Jan 02 2006 15:04:05 GMT-0700 (MST)", "01/02/2006, 15:04:05".
  function dateString(p) {
    return p.weekday + ' ' + MONTHS[p.month] + ' ' + pad(p.day, 2) + ' ' + pad(p.year, 4);
  }
  function localeDate(p) {
    return pad(p.month + 1, 2) + '/' + pad(p.day, 2) + '/' + pad(p.year, 4);
  }
  var toString = formatter(function (p) { return dateString(p) + ' ' + p.time + ' GMT+0000 (UTC)'; });
  method('toString', toString);
  method('toDateString', formatter(dateString));
  method('toTimeString', formatter(function (p) { return p.time + ' GMT+0000 (UTC)'; }));
  method('toLocaleString', formatter(function (p) { return localeDate(p) + ', ' + p.time; }));
  method('toLocaleDateString', formatter(localeDate));
  method('toLocaleTimeString', formatter(function (p) { return p.time; }));

  var same = ['FullYear', 'Month', 'Date', 'Day', 'Hours', 'Minutes', 'Seconds', 'Milliseconds'];
  for (var i = 0; i < same.length; i++) {
    method('get' + same[i], proto['getUTC' + same[i]]);
    if (same[i] !== 'Day') method('set' + same[i], proto['setUTC' + same[i]]);
  }
  method('getTimezoneOffset', function getTimezoneOffset() {
    var t = timeOf(this);
    return t !== t ? NaN : 0;
  });
  if (typeof proto.getYear === 'function') {
    method('getYear', function getYear() {
      return this.getUTCFullYear() - 1900;
    });
  }

  // A named expression, not a declaration: a hoisted `Date` would shadow the native one above.
  var UTCDate = function Date(year, month, day, hours, minutes, seconds, ms) {
    if (new.target === undefined) return toString.call(new NativeDate(nativeNow()));
    var n = arguments.length;
    var t;
    if (n === 0) t = nativeNow();
    else if (n === 1) t = typeof year === 'string' ? parseUTC(year) : timeOf(new NativeDate(year));
    else t = nativeUTC.apply(null, arguments);
    return construct(NativeDate, [t], new.target);
  };
  defineProperty(UTCDate, 'prototype', { value: proto, writable: false, enumerable: false,
    configurable: false });
  method('constructor', UTCDate);
  var statics = { UTC: nativeUTC, now: nativeNow, parse: function parse(text) { return parseUTC(text); } };
  for (var name in statics) {
    defineProperty(UTCDate, name, { value: statics[name], writable: true, enumerable: false,
      configurable: true });
  }
  defineProperty(globalThis, 'Date', { value: UTCDate, writable: true, enumerable: false,
    configurable: true });
})();

// Codec for a simple temperature/humidity sensor, written for smartregion's tests in the style
// of the TTN device repository (decodeUplink + normalizeUplink, ES5 only).
//
// fPort 1, periodic report, 6 bytes:
//   0   status: bit 0 = button pressed, bit 1 = low battery
//   1-2 temperature, int16 big endian, 0.01 °C
//   3   relative humidity, uint8, 0.5 %
//   4-5 battery voltage, uint16 big endian, mV
// fPort 2, firmware report: major, minor.
function readInt16BE(bytes, offset) {
  var value = (bytes[offset] << 8) | bytes[offset + 1];
  return value > 0x7fff ? value - 0x10000 : value;
}

function decodeUplink(input) {
  var bytes = input.bytes;
  switch (input.fPort) {
    case 1:
      if (bytes.length !== 6) {
        return { errors: ['expected 6 bytes on fPort 1, got ' + bytes.length] };
      }
      var warnings = [];
      if (bytes[0] & 0x02) {
        warnings.push('low battery');
      }
      return {
        data: {
          button: (bytes[0] & 0x01) === 1,
          temperature: readInt16BE(bytes, 1) / 100,
          humidity: bytes[3] / 2,
          battery: ((bytes[4] << 8) | bytes[5]) / 1000,
        },
        warnings: warnings,
      };
    case 2:
      return { data: { firmware: bytes[0] + '.' + bytes[1] } };
    default:
      return { errors: ['unknown FPort'] };
  }
}

function normalizeUplink(input) {
  if (input.data.temperature === undefined) {
    return { data: [] };
  }
  return {
    data: {
      air: {
        temperature: input.data.temperature,
        relativeHumidity: input.data.humidity,
      },
      battery: input.data.battery,
    },
  };
}

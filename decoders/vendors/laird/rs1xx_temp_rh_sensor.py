"""Laird Sentrius RS1xx temperature and humidity sensor (RS191 family).

What we read: the message examples of the TTN device repository entry
(vendor/laird/rs1xx-temp-rh-sensor-codec.yaml, eight uplinks with their decoded values);
Laird's "Sentrius RS1xx LoRa Protocol" document itself was not available to us, so the
layouts below are what those examples pin down, and fields they leave open are marked.
Every uplink starts with the message type and an options bit field (bit 0 sensor requests
server time, bit 1 configuration error, bit 2 alarm flag, bit 3 reset flag, bit 4 fault
flag). Humidity and temperature are each a fractional byte (hundredths) followed by an
integer byte (signed for temperature; we read the value as integer + fraction / 100 below 0 °C too,
which the examples do not pin down).

* 1 temp/RH data: humidity, temperature, battery capacity index (0-5), alarm message count
  and backlog message count (uint16 big-endian each);
* 2 aggregated data: three count bytes (all zero in the only example; kept raw as
  `counts`), battery index, number of readings, timestamp (uint32), then the readings;
* 3 backlog message: timestamp, humidity, temperature; 4 backlog messages: count, then
  (timestamp, humidity, temperature) per reading;
* 5/6 simple/advanced configuration, 7 firmware version, 10 battery voltage.

Timestamps: the raw uint32 is kept as `timestamp`. Laird's Sentrius RS191 configuration
manual says the sensor takes the network time "in epoch time, number of seconds since
January 1, 2015", and can keep a backlog only once it has it; so a backlog entry (types 3
and 4: measurements the sensor could not deliver when taken) is dated 2015-01-01 UTC plus
its timestamp, as `time` and on its readings, instead of taking the receive time. A
timestamp before 2016 means the sensor's clock was never set (the repository examples use
0 and 2, and their decoder renders them in 2000, an epoch we found no document for): such an
entry stays in the fields, without readings, with a warning. The aggregated message (type 2)
does not say how its samples are spaced, so its readings carry the newest sample at the
receive time; fields keep all of them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from decoders import bits
from decoders.errors import DecodeError, PayloadLengthError
from decoders.model import Decoded, DecoderSpec, Reading

BATTERY = ("0-5%", "5-20%", "20-40%", "40-60%", "60-80%", "80-100%")
OPTIONS = (
    "Sensor request for server time",
    "Sensor configuration error",
    "Sensor alarm flag",
    "Sensor reset flag",
    "Sensor fault flag",
)
BATTERY_TYPES = {1: "Alkaline", 2: "Lithium"}
LENGTHS = {1: 11, 3: 10, 5: 8, 6: 16, 7: 11, 10: 4}
PORT = 1
EPOCH = datetime(2015, 1, 1, tzinfo=UTC)  # the RS1xx network time's epoch (RS191 manual)
CLOCK_SET_AFTER = 365 * 86400  # a timestamp before 2016: the sensor never got network time


def _options(byte: int) -> list[str]:
    return [name for i, name in enumerate(OPTIONS) if byte & (1 << i)] or ["None"]


def _battery(index: int) -> str:
    if index >= len(BATTERY):
        raise DecodeError(f"battery capacity index {index} is not defined")
    return BATTERY[index]


def _th(payload: bytes, offset: int) -> tuple[float, float]:
    humidity = payload[offset + 1] + payload[offset] / 100
    whole = payload[offset + 3] - 256 if payload[offset + 3] > 127 else payload[offset + 3]
    temperature = whole + payload[offset + 2] / 100
    return round(humidity, 2), round(temperature, 2)


def _config(payload: bytes, kind: int) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "msgType": "Laird_Simple_Config" if kind == 5 else "Laird_Advanced_Config",
        "batteryType": BATTERY_TYPES.get(payload[2], f"unknown {payload[2]}"),
        "sensorReadPeriod": bits.u16be(payload, 3),
        "sensorAggregate": payload[5],
        "tempAlarmsEnabled": "True" if payload[6] else "False",
        "humidityAlarmsEnabled": "True" if payload[7] else "False",
    }
    if kind == 6:
        fields |= {
            "tempAlarmLimitLow": payload[8] - 256 if payload[8] > 127 else payload[8],
            "tempAlarmLimitHigh": payload[9] - 256 if payload[9] > 127 else payload[9],
            "humidityAlarmLimitLow": payload[10],
            "humidityAlarmLimitHigh": payload[11],
            "ledBle": bits.u16be(payload, 12),
            "ledLora": bits.u16be(payload, 14),
        }
    return fields


def decode(payload: bytes, f_port: int) -> Decoded:  # noqa: ARG001 - the type byte decides
    """Decode one RS1xx temperature/humidity uplink."""
    if len(payload) < 2:
        raise PayloadLengthError(expected="at least 2", got=len(payload))
    kind = payload[0]
    fields: dict[str, Any] = {"options": _options(payload[1])}
    samples: list[tuple[float, float]] = []  # undated: the newest is the current reading
    dated: list[tuple[datetime, float, float]] = []  # backlog entries with their own time
    backlog: list[dict[str, Any]] = []  # the backlog entries' fields, dated or not
    if kind in LENGTHS and len(payload) != LENGTHS[kind]:
        raise PayloadLengthError(expected=LENGTHS[kind], got=len(payload))
    if kind == 1:
        humidity, temperature = _th(payload, 2)
        fields |= {
            "msgType": "Laird_Internal_TH",
            "batteryCapacity": _battery(payload[6]),
            "temperature": temperature,
            "humidity": humidity,
            "alarmMsgCount": bits.u16be(payload, 7),
            "backlogMsgCount": bits.u16be(payload, 9),
        }
        samples.append((humidity, temperature))
    elif kind == 2:
        count = payload[6]
        if len(payload) != 11 + 4 * count:
            raise PayloadLengthError(expected=11 + 4 * count, got=len(payload))
        batch = [_th(payload, 11 + 4 * i) for i in range(count)]
        fields |= {
            "msgType": "Laird_Agg_TH",
            "counts": payload[2:5].hex(),
            "batteryCapacity": _battery(payload[5]),
            "numberOfReadings": count,
            "timestamp": bits.u32be(payload, 7),
            "readings": [{"temperature": t, "humidity": h} for h, t in batch],
        }
        samples += batch
    elif kind == 3:
        humidity, temperature = _th(payload, 6)
        backlog.append(_backlog_entry(bits.u32be(payload, 2), humidity, temperature, dated))
        fields |= {"msgType": "SendBackLogMessage"} | backlog[0]
    elif kind == 4:
        count = payload[2]
        if len(payload) != 3 + 8 * count:
            raise PayloadLengthError(expected=3 + 8 * count, got=len(payload))
        for i in range(count):
            offset = 3 + 8 * i
            humidity, temperature = _th(payload, offset + 4)
            backlog.append(
                _backlog_entry(bits.u32be(payload, offset), humidity, temperature, dated)
            )
        fields |= {"msgType": "SendBackLogMessages", "numberOfReadings": count,
                   "readings": backlog}  # fmt: skip
    elif kind in (5, 6):
        fields |= _config(payload, kind)
    elif kind == 7:
        fields |= {
            "msgType": "Laird_FW_Version",
            "releaseDate": f"{payload[2]}/{payload[3]}/{payload[4]}",
            "releaseNumber": f"{payload[5]}.{payload[6]}",
            "partNumber": bits.u32be(payload, 7),
        }
    elif kind == 10:
        voltage = round(payload[3] + payload[2] / 100, 2)
        fields |= {"msgType": "Laird_Battery_Voltage", "voltage": voltage}
        return Decoded(fields=fields, readings=(Reading("battery_voltage", voltage),))
    else:
        raise DecodeError(f"message type {kind} is not a documented uplink")
    readings: list[Reading] = []
    if samples:
        humidity, temperature = samples[-1]
        readings += [
            Reading("air_temperature", temperature),
            Reading("relative_humidity", humidity),
        ]
    for time, humidity, temperature in dated:
        readings += [
            Reading("air_temperature", temperature, time=time),
            Reading("relative_humidity", humidity, time=time),
        ]
    warnings: tuple[str, ...] = ()
    if any("time" not in entry for entry in backlog):
        warnings = ("backlog entry without network time (timestamp before 2016): no readings",)
    return Decoded(fields=fields, readings=tuple(readings), warnings=warnings)


def _backlog_entry(
    timestamp: int, humidity: float, temperature: float,
    dated: list[tuple[datetime, float, float]],
) -> dict[str, Any]:  # fmt: skip
    """The entry's fields; a dated entry is also added to `dated` for its readings."""
    entry: dict[str, Any] = {"timestamp": timestamp}
    if timestamp >= CLOCK_SET_AFTER:
        time = EPOCH + timedelta(seconds=timestamp)
        entry["time"] = time.isoformat()
        dated.append((time, humidity, temperature))
    return entry | {"temperature": temperature, "humidity": humidity}


def encode(readings: Sequence[Reading]) -> tuple[int, bytes]:
    """A type-1 temp/RH data uplink (options none, battery 80-100 %, no alarms or backlog).

    Raises:
        ValueError: a missing or unsupported reading, or a value out of range.
    """
    values = {r.quantity: r.value for r in readings}
    if set(values) != {"air_temperature", "relative_humidity"}:
        raise ValueError("RS1xx encode carries exactly air_temperature and relative_humidity")
    hundredths_h = round(values["relative_humidity"] * 100)
    whole_t, frac_t = divmod(round(values["air_temperature"] * 100), 100)
    if not (0 <= hundredths_h < 25600 and -128 <= whole_t <= 127):
        raise ValueError(f"RS1xx cannot represent {values}")
    return PORT, bytes((1, 0, hundredths_h % 100, hundredths_h // 100, frac_t,
                        whole_t & 0xFF, 5, 0, 0, 0, 0))  # fmt: skip


SPEC = DecoderSpec(
    type_id="laird/rs1xx-temp-rh-sensor",
    vendor="Laird Connectivity",
    model="Sentrius RS1xx Temperature & Humidity Sensor",
    category="smart_city",
    f_ports=frozenset(),
    quantities=frozenset({"air_temperature", "relative_humidity", "battery_voltage"}),
    source="TTN device repository, vendor/laird/rs1xx-temp-rh-sensor-codec.yaml (message "
    "examples); Laird Sentrius RS191 configuration manual (network time epoch 2015-01-01); "
    "Laird Sentrius RS1xx LoRa Protocol (not available to us)",
    decode=decode,
    encode=encode,
)

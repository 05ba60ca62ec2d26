"""Sept-S TG563A LoRaWAN smoke alarm (sold by Hager as the TG563A).

Source: Sept-S "SE000304A: TG563A Technical Reference Manual", section 5.1 "Uplink message"
(https://github.com/modrisb/tg563a-payload-decoder/blob/main/docs/SE000304A_TG563A_Technical_Reference_Manual.pdf).

    byte 0      MessageType: 0x0 periodic, 0x1-0x9 events (smoke alarm, low battery, smoke
                chamber failure, fouling smoke chamber, ultrasonic sensor failure, infrared
                sensor failure, buzzer failure, obstacle detected, air inlet covered), 0xF
                periodic with additional data; 0xA-0xE reserved. The type gives the size:
                0xF carries the 35-byte Figure 4 frame, the others bytes 0-4 only
    byte 1      Configuration: bits 2:0 transmission periodicity (1, 2, 4, 6, 8, 12, 24, 48 h),
                bit 3 AdditionalDataEnabled, 4 ObstructionEventEnabled,
                5 HardwareFailureEventEnabled, 6 SmokeEventEnabled
    byte 2      Temperature, signed, degC
    bytes 4:3   Status bits 0-15 (byte 3 carries bits 15:8): SmokeAlarm, LowBattery,
                SmokeChamberFailure, FouledSmokeChamber, UltrasonicSensorFailure,
                InfraredSensorFailure, BuzzerFailure, -, Mounted, Brightness,
                TemperatureOutOfRange, -, ObstacleDetected, AirInletCovered,
                TooLongInactivity, TooLongUnmounted
    --- 0xF only ---
    byte 5      BatteryLevel: V = value / 100 + 1
    bytes 9:6   SerialNumber, 8 BCD digits, LSB first
    bytes 11:10, 13:12   ProductionDate, InstallationDate: bits 15:9 year - 2000,
                8:5 month, 4:0 day, LSB first
    bytes 15:14 ... 21:20   Running, SmokeAlarm, TestAlarm and Fault time counters: bits
                15:2 value, bits 1:0 unit (0 s, 1 min, 2 h, 3 days)
    bytes 22-28 SmokeAlarm, TestAlarm, SmokeError, LowBattery, SmokeAlarmDeactivation,
                FaultDeactivation and Mounting counters
    bytes 29-31 EnergyUsage, LightGuideDirtiness, FoulingSmokeChamber (%)
    bytes 32-33 Minimum and Maximum temperature (signed degC); byte 34 DistanceThreshold
                (1-5 = 10-50 cm)

The manual states the byte order of the serial number and the dates (LSB first) but not of
the status word and the time counters. We read the time counters LSB first like the other
multi-byte fields, and the status word with byte 3 as its high byte: both shared reference
frames confirm it (a periodic frame's status 03 00 is Mounted and Brightness; read the other
way it would be a smoke alarm with a low battery). Dates are rendered as the manual's example
writes them, DD/MM/YYYY.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from decoders import bits
from decoders.errors import PayloadLengthError, ReservedValueError
from decoders.model import Decoded, DecoderSpec, Reading

PORT = 1  # encode() only; the manual's downlinks use fPort 1, the reference uplinks too
SHORT, LONG = 5, 35
ADDITIONAL_DATA = 0xF
MESSAGE_TYPES = {
    0x0: "PERIODIC",
    0x1: "SMOKE_ALARM_EVENT",
    0x2: "LOW_BATTERY_EVENT",
    0x3: "SMOKE_CHAMBER_FAILURE_EVENT",
    0x4: "FOULING_SMOKE_CHAMBER_EVENT",
    0x5: "ULTRASONIC_SENSOR_FAILURE_EVENT",
    0x6: "INFRARED_SENSOR_FAILURE_EVENT",
    0x7: "BUZZER_FAILURE",
    0x8: "OBSTACLE_DETECTED_EVENT",
    0x9: "AIR_INLET_COVERED_EVENT",
    ADDITIONAL_DATA: "PERIODIC_WITH_ADDITIONAL_DATA",
}
PERIOD_HOURS = (1, 2, 4, 6, 8, 12, 24, 48)
CONFIG_BITS = {
    3: "additional_data_enabled",
    4: "obstruction_event_enabled",
    5: "hardware_failure_event_enabled",
    6: "smoke_event_enabled",
}
STATUS_BITS = {
    0: "smoke_alarm",
    1: "low_battery",
    2: "smoke_chamber_failure",
    3: "fouled_smoke_chamber",
    4: "ultrasonic_sensor_failure",
    5: "infrared_sensor_failure",
    6: "buzzer_failure",
    8: "mounted",
    9: "brightness",
    10: "temperature_out_of_range",
    12: "obstacle_detected",
    13: "air_inlet_covered",
    14: "too_long_inactivity",
    15: "too_long_unmounted",
}
TIME_COUNTERS = (
    (14, "running_time_counter"),
    (16, "smoke_alarm_time_counter"),
    (18, "test_alarm_time_counter"),
    (20, "fault_time_counter"),
)
UNIT_SECONDS = (1, 60, 3600, 86400)
COUNTERS = (
    "smoke_alarm_counter",
    "test_alarm_counter",
    "smoke_error_counter",
    "low_battery_counter",
    "smoke_alarm_deactivation_counter",
    "fault_deactivation_counter",
    "mounting_counter",
    "energy_usage",
    "light_guide_dirtiness",
    "fouling_smoke_chamber",
)  # bytes 22-31, one unsigned byte each


def decode(payload: bytes, f_port: int) -> Decoded:  # noqa: ARG001 - the type byte decides
    """Decode a periodic, event or additional-data uplink."""
    if not payload:
        raise PayloadLengthError(expected=f"{SHORT} or {LONG}", got=0)
    message_type = payload[0]
    if message_type not in MESSAGE_TYPES:
        raise ReservedValueError(f"message type 0x{message_type:X} is reserved")
    expected = LONG if message_type == ADDITIONAL_DATA else SHORT
    if len(payload) != expected:
        raise PayloadLengthError(expected=expected, got=len(payload))
    configuration, status = payload[1], bits.u16be(payload, 3)
    fields: dict[str, Any] = {
        "message_type": message_type,
        "message_type_name": MESSAGE_TYPES[message_type],
        "configuration": configuration,
        "transmission_periodicity": PERIOD_HOURS[configuration & 0x07],
        **{name: bool(configuration >> bit & 1) for bit, name in CONFIG_BITS.items()},
        "temperature": _s8(payload[2]),
        "status": status,
        **{name: bool(status >> bit & 1) for bit, name in STATUS_BITS.items()},
    }
    readings = [
        Reading("smoke_alarm", float(fields["smoke_alarm"])),
        Reading("air_temperature", float(fields["temperature"])),
    ]
    if message_type == ADDITIONAL_DATA:
        fields.update(_additional_data(payload))
        readings.append(Reading("battery_voltage", fields["battery_level"]))
    return Decoded(fields=fields, readings=tuple(readings))


def _additional_data(payload: bytes) -> dict[str, Any]:
    serial = payload[6:10][::-1].hex()
    if not serial.isdigit():
        raise ReservedValueError(f"serial number {serial.upper()} is not BCD")
    fields: dict[str, Any] = {
        "battery_level": round(payload[5] / 100 + 1, 2),
        "serial_number": serial,
        "production_date": _date(bits.u16le(payload, 10)),
        "installation_date": _date(bits.u16le(payload, 12)),
    }
    for offset, name in TIME_COUNTERS:
        word = bits.u16le(payload, offset)
        fields[name] = (word >> 2) * UNIT_SECONDS[word & 0x03]
    fields.update(zip(COUNTERS, payload[22:32], strict=True))
    threshold = payload[34]
    if not 1 <= threshold <= 5:
        raise ReservedValueError(f"distance threshold code {threshold} is not 1-5")
    fields |= {
        "minimum_temperature": _s8(payload[32]),
        "maximum_temperature": _s8(payload[33]),
        "distance_threshold": threshold * 10,
    }
    return fields


def _date(word: int) -> str:
    """Bits 15:9 year since 2000, 8:5 month, 4:0 day, as the manual writes it (DD/MM/YYYY)."""
    year, month, day = 2000 + (word >> 9), (word >> 5) & 0x0F, word & 0x1F
    if not (1 <= month <= 12 and 1 <= day <= 31):
        raise ReservedValueError(f"date word 0x{word:04X} is not a calendar date")
    return f"{day:02d}/{month:02d}/{year}"


def _s8(value: int) -> int:
    return value - 256 if value > 127 else value


def encode(readings: Sequence[Reading]) -> tuple[int, bytes]:
    """Build an additional-data frame (0xF) of a mounted detector (for the simulator).

    Raises:
        ValueError: a missing or unsupported reading, or a value the frame cannot hold.
    """
    values = {r.quantity: r.value for r in readings}
    needed = {"smoke_alarm", "air_temperature", "battery_voltage"}
    if set(values) != needed:
        raise ValueError(f"TG563A carries exactly {sorted(needed)}, got {sorted(values)}")
    alarm = round(values["smoke_alarm"])
    if alarm not in (0, 1):
        raise ValueError(f"smoke_alarm must be 0 or 1, got {values['smoke_alarm']}")
    battery = round((values["battery_voltage"] - 1) * 100)
    if not 0 <= battery <= 255:
        raise ValueError(f"battery {values['battery_voltage']} V outside 1.00-3.55 V")
    status = (1 << 8) | alarm  # mounted
    date = (25 << 9) | (5 << 5) | 22  # 22/05/2025, the manual's example
    payload = (
        bytes((ADDITIONAL_DATA, 0x7E))
        + bits.pack_int(round(values["air_temperature"]), 1)
        + bits.pack_uint(status, 2)
        + bytes((battery, 0x01, 0x00, 0x20, 0x93))  # serial 93200001, the manual's example
        + bits.pack_uint(date, 2, big_endian=False) * 2
        + bytes(8)  # time counters: 0 s
        + bytes(10)  # event counters and percentages
        + bytes((0x00, 0x00, 5))  # min/max temperature, 50 cm threshold
    )
    return PORT, payload


SPEC = DecoderSpec(
    type_id="sept-s/tg563a",
    vendor="Sept-S",
    model="TG563A smoke alarm (Hager TG563A)",
    category="smart_city",
    f_ports=frozenset(),
    quantities=frozenset({"smoke_alarm", "air_temperature", "battery_voltage"}),
    source="Sept-S SE000304A TG563A Technical Reference Manual, 5.1 Uplink message",
    decode=decode,
    encode=encode,
)

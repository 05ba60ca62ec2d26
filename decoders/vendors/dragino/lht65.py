"""Dragino LHT65: LoRaWAN temperature and humidity sensor with an external probe connector.

Source: Dragino "LHT65 LoRaWAN Temperature & Humidity Sensor User Manual", section 2.4
"Uplink Payload" (https://wiki.dragino.com/xwiki/bin/view/Main/User%20Manual%20for%20LoRaWAN
%20End%20Nodes/LHT65%20LoRaWAN%20Temperature%20%26%20Humidity%20Sensor%20User%20Manual/).
Periodic uplinks on fPort 2, big-endian:

    BAT (2) | Built-in temperature (2) | Built-in humidity (2) | Ext # (1) | Ext value (4)

* BAT: bits 15-14 battery status (00 ultra low <= 2.50 V, 01 low, 10 OK, 11 good >= 2.65 V),
  bits 13-0 the voltage in mV.
* Built-in temperature (SHT20/SHT31): int16 / 100 °C; humidity: uint16 / 10 %.
* Ext #: the external sensor type; the four Ext value bytes are absent when it is 0.
  0x01 E1 temperature probe (DS18B20, int16 / 100 °C; 0x7FFF = no probe connected, the last
  two bytes meaningless), 0x04 E4 interrupt (pin level, status), 0x05 E5 illumination (lux),
  0x06 E6 ADC (mV -> V), 0x07 E7 16-bit counter, 0x08 E7 32-bit counter.

Field names are those of Dragino's own decoder output (`BatV`, `TempC_SHT`, ...). Readings:
the built-in sensor is `air_temperature` / `relative_humidity` on channel 0; the E1 probe
is `air_temperature` on channel 1 (it is usually a cable probe in a fridge or room).
The LHT65N keeps the same layout (see `lht65n.py`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from decoders import bits
from decoders.errors import PayloadLengthError, UnknownPortError
from decoders.model import Decoded, DecoderSpec, Reading

PORTS = frozenset({2})
NO_PROBE = 0x7FFF
EXT_SENSORS = {
    0x00: "No external sensor",
    0x01: "Temperature Sensor",
    0x04: "Interrupt Sensor",
    0x05: "Illumination Sensor",
    0x06: "ADC Sensor",
    0x07: "Interrupt Sensor count",
    0x08: "Interrupt Sensor count",
}


def decode_frame(payload: bytes, f_port: int) -> Decoded:
    """Decode one LHT65-family periodic uplink (shared with the LHT65N)."""
    if f_port not in PORTS:
        raise UnknownPortError(f_port)
    if len(payload) not in (7, 11):
        raise PayloadLengthError(expected="7 or 11", got=len(payload))
    bat = bits.u16be(payload, 0)
    battery_v = (bat & 0x3FFF) / 1000
    temperature = bits.s16be(payload, 2) / 100
    humidity = bits.u16be(payload, 4) / 10
    ext = payload[6]
    fields: dict[str, Any] = {
        "BatV": battery_v,
        "Bat_status": bat >> 14,
        "TempC_SHT": temperature,
        "Hum_SHT": humidity,
        "Ext_sensor": EXT_SENSORS.get(ext, f"unknown external sensor 0x{ext:02x}"),
    }
    readings = [
        Reading("battery_voltage", battery_v),
        Reading("air_temperature", temperature),
        Reading("relative_humidity", humidity),
    ]
    warnings: list[str] = []
    if len(payload) == 11:
        word = bits.u16be(payload, 7)
        if ext == 0x01:
            fields["TempC_DS"] = bits.s16be(payload, 7) / 100
            if word != NO_PROBE:
                readings.append(Reading("air_temperature", fields["TempC_DS"], 1))
        elif ext == 0x04:
            fields["Exti_pin_level"] = payload[7]
            fields["Exti_status"] = payload[8]
        elif ext == 0x05:
            fields["ILL_lux"] = word
            readings.append(Reading("illuminance", float(word)))
        elif ext == 0x06:
            fields["ADC_V"] = word / 1000
            readings.append(Reading("voltage", word / 1000))
        elif ext == 0x07:
            fields["Exit_count"] = word
            readings.append(Reading("pulse_count", float(word)))
        elif ext == 0x08:
            fields["Exit_count"] = bits.u32be(payload, 7)
            readings.append(Reading("pulse_count", float(fields["Exit_count"])))
        else:
            warnings.append(f"external sensor type 0x{ext:02x} is not documented; value ignored")
    return Decoded(fields=fields, readings=tuple(readings), warnings=tuple(warnings))


def encode_frame(readings: Sequence[Reading]) -> tuple[int, bytes]:
    """An 11-byte fPort 2 uplink with the E1 probe slot (0x7FFF when no probe reading).

    Raises:
        ValueError: a reading the device does not carry, a missing one, or one out of range.
    """
    values = {(r.quantity, r.channel): r.value for r in readings}
    needed = {("battery_voltage", 0), ("air_temperature", 0), ("relative_humidity", 0)}
    if not needed <= set(values) or set(values) - needed - {("air_temperature", 1)}:
        raise ValueError(f"LHT65 carries {sorted(needed)} and the probe, got {sorted(values)}")
    battery_mv = round(values[("battery_voltage", 0)] * 1000)
    if not 0 <= battery_mv <= 0x3FFF:
        raise ValueError(f"battery {battery_mv} mV does not fit 14 bits")
    probe = values.get(("air_temperature", 1))
    probe_word = NO_PROBE if probe is None else round(probe * 100)
    if probe is not None and probe_word == NO_PROBE:
        raise ValueError("the probe value 327.67 °C is the no-probe marker")
    payload = (
        bits.pack_uint(0xC000 | battery_mv, 2)
        + bits.pack_int(round(values[("air_temperature", 0)] * 100), 2)
        + bits.pack_uint(round(values[("relative_humidity", 0)] * 10), 2)
        + b"\x01"
        + bits.pack_int(probe_word, 2)
        + bits.pack_uint(NO_PROBE, 2)
    )
    return 2, payload


QUANTITIES = frozenset(
    {
        "battery_voltage",
        "air_temperature",
        "relative_humidity",
        "illuminance",
        "voltage",
        "pulse_count",
    }
)


def decode(payload: bytes, f_port: int) -> Decoded:
    """Decode one LHT65 uplink."""
    return decode_frame(payload, f_port)


def encode(readings: Sequence[Reading]) -> tuple[int, bytes]:
    """Build the uplink that decodes to `readings` (for the simulator)."""
    return encode_frame(readings)


SPEC = DecoderSpec(
    type_id="dragino/lht65",
    vendor="Dragino",
    model="LHT65",
    category="smart_city",
    f_ports=PORTS,
    quantities=QUANTITIES,
    source=(
        "Dragino LHT65 LoRaWAN Temperature & Humidity Sensor User Manual, 2.4 Uplink Payload "
        "(wiki.dragino.com)"
    ),
    decode=decode,
    encode=encode,
)

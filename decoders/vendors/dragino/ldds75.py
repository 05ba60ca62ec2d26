"""Dragino LDDS75: LoRaWAN ultrasonic distance sensor (tank, bin and water level).

Source: Dragino "LDDS75 - LoRaWAN Distance Detection Sensor User Manual", section 2.3
"Uplink Payload" (https://wiki.dragino.com/xwiki/bin/view/Main/User%20Manual%20for%20LoRaWAN
%20End%20Nodes/LDDS75%20-%20LoRaWAN%20Distance%20Detection%20Sensor%20User%20Manual/).
Periodic uplinks on fPort 2, 8 bytes, big-endian:

    BAT (2, mV) | Distance (2, mm) | Interrupt flag (1) | DS18B20 temperature (2) | Sensor flag (1)

* BAT: battery voltage in mV.
* Distance: mm from the sensor to the surface; 0 means no echo / no sensor detected, so it
  becomes no reading (the field keeps the 0).
* Interrupt flag: 1 for an uplink triggered by the interrupt pin.
* DS18B20 temperature: optional probe, int16 / 10 °C (0 when no probe is fitted); it stays
  a field only.
* Sensor flag: 1 when the ultrasonic sensor is detected.

Battery: only the low 14 bits are the voltage, as Dragino's decoder reads the word. fPort 5
is the device status every Dragino node shares (`probe.decode_status`; the model code is
reported in hex, this model's code not being in our sources).

Field names are Dragino's decoder output names. Dragino's decoder renders the temperature
as a string with two decimals ("0.00"); ours is the number.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from decoders import bits
from decoders.errors import PayloadLengthError, UnknownPortError
from decoders.model import Decoded, DecoderSpec, Reading
from decoders.vendors.dragino import probe

PORTS = frozenset({2, 5})


def decode_distance_frame(payload: bytes) -> tuple[dict[str, Any], list[Reading]]:
    """The 8-byte BAT / distance / interrupt / temperature / sensor-flag frame (LDDS75 family)."""
    if len(payload) != 8:
        raise PayloadLengthError(expected=8, got=len(payload))
    battery_v = (bits.u16be(payload, 0) & 0x3FFF) / 1000
    distance = bits.u16be(payload, 2)
    fields: dict[str, Any] = {
        "Bat": battery_v,
        "Distance": distance,
        "Interrupt_flag": payload[4],
        "TempC_DS18B20": bits.s16be(payload, 5) / 10,
        "Sensor_flag": payload[7],
    }
    readings = [Reading("battery_voltage", battery_v)]
    if distance:
        readings.append(Reading("distance", float(distance)))
    return fields, readings


def encode_distance_frame(readings: Sequence[Reading]) -> bytes:
    """The 8-byte frame for `readings` (battery_voltage, and distance when echoed).

    Raises:
        ValueError: a reading the device does not carry, or one out of range.
    """
    values = {r.quantity: r.value for r in readings if r.channel == 0}
    if "battery_voltage" not in values or set(values) - {"battery_voltage", "distance"}:
        raise ValueError(f"carries battery_voltage and distance, got {sorted(values)}")
    distance = round(values.get("distance", 0))
    if "distance" in values and distance == 0:
        raise ValueError("a distance of 0 mm is the no-echo marker")
    return (
        bits.pack_uint(round(values["battery_voltage"] * 1000), 2)
        + bits.pack_uint(distance, 2)
        + b"\x00"
        + bits.pack_int(0, 2)
        + b"\x01"
    )


def decode(payload: bytes, f_port: int) -> Decoded:
    """Decode one LDDS75 uplink (measurement on fPort 2, device status on fPort 5)."""
    if f_port not in PORTS:
        raise UnknownPortError(f_port)
    if f_port == probe.STATUS_PORT:
        return probe.decode_status(payload, {}, "Bat")
    fields, readings = decode_distance_frame(payload)
    return Decoded(fields=fields, readings=tuple(readings))


def encode(readings: Sequence[Reading]) -> tuple[int, bytes]:
    """Build the uplink that decodes to `readings` (for the simulator)."""
    return 2, encode_distance_frame(readings)


SPEC = DecoderSpec(
    type_id="dragino/ldds75",
    vendor="Dragino",
    model="LDDS75",
    category="smart_city",
    f_ports=PORTS,
    quantities=frozenset({"battery_voltage", "distance"}),
    source=(
        "Dragino LDDS75 LoRaWAN Distance Detection Sensor User Manual, 2.3 Uplink Payload "
        "(wiki.dragino.com)"
    ),
    decode=decode,
    encode=encode,
)

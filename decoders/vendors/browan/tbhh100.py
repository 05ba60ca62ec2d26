"""Browan Tabs TBHH100 "Healthy Home" sensor: temperature, humidity, CO2 and VOC.

Source: Browan Tabs sensor reference manuals, "4.1.2 Payload" (the table shared by the Tabs
family, e.g. the TBHV110 IAQ sensor and the TBWL100 reference manuals, © 2019 Browan
Communications). Uplinks on fPort 103, little-endian multi-byte values:

    Status (1) | Battery (1) | Temp (1) | RH (1) | CO2 (2) | VOC (2) [| IAQ (2) | Env. temp (1)]

* Status: bit 0 = 1 for a triggered uplink, 0 for keep-alive; bits 4-6 flag a temperature,
  RH or air-quality change; the others are RFU.
* Battery: bits 3:0 = v, voltage = (25 + v) / 10 V; bits 7:4 RFU.
* Temp: bits 6:0 = t, temperature = t - 32 °C (range -32 ... 95 °C).
* RH: bits 6:0 in %, 0-100; 127 signals a measurement error.
* CO2 (ppm) and VOC (ppb), uint16; 0xFFFF means the model has no such sensor (the plain
  temperature/humidity TBHH100 sends 0xFFFF in both).
* The 11-byte frame of the air-quality variant adds IAQ (uint16 index) and the environment
  temperature (bits 6:0 - 32 °C).

Battery: the Tabs reference manuals' "2.5 Power" (TBWL100 reference manual): a 3.6 V 1/2 AA
Li-SOCl2 cell, "Maximum Voltage 3.6V, Minimum Voltage 3.1V", which are the pack's 100 % and
0 %. The TBHH100's own reference manual was not at hand; the family shares the cell.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from decoders import bits
from decoders.errors import PayloadLengthError, UnknownPortError
from decoders.model import BatteryPack, Decoded, DecoderSpec, Reading

PORT = 103
BATTERY = BatteryPack(
    description="1 x 1/2 AA Li-SOCl2 cell, 3.6 V",
    cutoff_v=3.1,
    full_v=3.6,
    source="Browan Tabs reference manuals, 2.5 Power (TBWL100: maximum 3.6 V, minimum 3.1 V)",
)
NOT_FITTED = 0xFFFF
RH_ERROR = 127


def decode(payload: bytes, f_port: int) -> Decoded:
    """Decode one TBHH100 status uplink."""
    if f_port != PORT:
        raise UnknownPortError(f_port)
    if len(payload) not in (8, 11):
        raise PayloadLengthError(expected="8 or 11", got=len(payload))
    status = payload[0]
    battery_v = (25 + (payload[1] & 0x0F)) / 10
    temperature = (payload[2] & 0x7F) - 32
    rh = payload[3] & 0x7F
    fields: dict[str, Any] = {
        "status": status,
        "trigger_event": bool(status & 0x01),
        "battery": battery_v,
        "temperature": temperature,
    }
    readings = [
        Reading("battery_voltage", battery_v),
        Reading("air_temperature", float(temperature)),
    ]
    warnings: list[str] = []
    if rh == RH_ERROR:
        warnings.append("RH 127: the humidity sensor reports a measurement error")
    else:
        fields["humidity"] = rh
        readings.append(Reading("relative_humidity", float(rh)))
    for name, quantity, offset in (("co2", "co2", 4), ("voc", "tvoc", 6)):
        raw = bits.u16le(payload, offset)
        if raw != NOT_FITTED:
            fields[name] = raw
            readings.append(Reading(quantity, float(raw)))
    if len(payload) == 11:
        fields["iaq"] = bits.u16le(payload, 8)
        fields["temperature_environment"] = (payload[10] & 0x7F) - 32
    return Decoded(fields=fields, readings=tuple(readings), warnings=tuple(warnings))


def encode(readings: Sequence[Reading]) -> tuple[int, bytes]:
    """Build the 8-byte uplink that decodes to `readings` (for the simulator).

    Battery, temperature and humidity are required; CO2 and VOC are optional (0xFFFF if absent).

    Raises:
        ValueError: a missing or unsupported reading, or a value the byte cannot hold.
    """
    values = {r.quantity: r.value for r in readings}
    required = {"battery_voltage", "air_temperature", "relative_humidity"}
    unknown = set(values) - required - {"co2", "tvoc"}
    if not required <= set(values) or unknown:
        raise ValueError(f"TBHH100 needs {sorted(required)} (+co2, tvoc), got {sorted(values)}")
    battery = round(values["battery_voltage"] * 10) - 25
    temperature = round(values["air_temperature"]) + 32
    rh = round(values["relative_humidity"])
    if not (0 <= battery <= 0x0F and 0 <= temperature <= 0x7F and 0 <= rh <= 100):
        raise ValueError(f"TBHH100 cannot represent {values}")
    co2 = round(values.get("co2", NOT_FITTED))
    voc = round(values.get("tvoc", NOT_FITTED))
    payload = (
        bytes((0, battery, temperature, rh))
        + bits.pack_uint(co2, 2, big_endian=False)
        + bits.pack_uint(voc, 2, big_endian=False)
    )
    return PORT, payload


SPEC = DecoderSpec(
    type_id="browan/tbhh100",
    vendor="Browan",
    model="Tabs TBHH100 Healthy Home Sensor",
    category="smart_city",
    f_ports=frozenset({PORT}),
    quantities=frozenset(
        {"battery_voltage", "air_temperature", "relative_humidity", "co2", "tvoc"}
    ),
    source=(
        "Browan Tabs reference manuals, 4.1.2 Payload (TBHV110 Healthy Home IAQ and TBWL100 "
        "reference manuals, BQW_02 series, 2019)"
    ),
    decode=decode,
    encode=encode,
    battery=BATTERY,
)

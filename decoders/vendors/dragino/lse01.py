"""Dragino LSE01: LoRaWAN soil moisture, temperature and EC sensor (FDR probe).

Source: Dragino "LSE01 LoRaWAN Soil Moisture & EC Sensor User Manual", section 2.3 "Uplink
Payload" (wiki.dragino.com). The periodic uplink is 11 bytes, big-endian:

    BAT (2) | Temperature, DS18B20, reserved (2) | Soil Moisture (2) | Soil Temperature (2)
    | Soil Conductivity (2) | Digital Interrupt (1, optional)

* BAT: battery in mV. Only the low 14 bits are the voltage; the shared reference frame
  `ce29...` decodes to 3.625 V, so the top two bits carry something else and are masked.
* Temperature (DS18B20): x / 10 °C, signed; the manual marks it "Reserve, ignore now", so it
  stays a field and becomes no reading.
* Soil Moisture: x / 100 % (volumetric), range 0-100.00 %.
* Soil Temperature: int16 x / 100 °C (two's complement; the manual's worked example
  subtracts 0xFFFF instead of 0x10000 and so reads one hundredth too high for negatives).
* Soil Conductivity: x uS/cm, range 0-20000 "(can be greater)".
* Digital Interrupt: bit 0 set on an interrupt-triggered uplink.

Battery: the manual's "Battery Info" names a non-rechargeable Li-SOCl2 primary cell (3.6 V
nominal) and gives no device cut-off, so the pack's 0 % is the cell's own discharge cut-off,
2.0 V, as Li-SOCl2 bobbin-cell datasheets state it (e.g. EEMB ER-series datasheet, "Nominal
Voltage 3.6V", "Discharge Cut-off Voltage 2.0V").

Ports: fPort 5 is the device status every Dragino node shares (`probe.decode_status`; the
model code is reported in hex, this model's code not being in our sources). The manual sends
data on fPort 2; the shared (akenza) reference frame arrives on
fPort 1 with the same layout, so both are accepted. Field names are the ones Dragino's own
decoder output uses for this device (`Bat`, `water_SOIL`, ...).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from decoders import bits
from decoders.errors import PayloadLengthError, UnknownPortError
from decoders.model import BatteryPack, Decoded, DecoderSpec, Reading
from decoders.vendors.dragino import probe

PORTS = frozenset({1, 2, 5})
BATTERY = BatteryPack(
    description="1 x Li-SOCl2 primary cell, 3.6 V",
    cutoff_v=2.0,
    full_v=3.6,
    source="Dragino LSE01 User Manual, Battery Info (cell); Li-SOCl2 cell datasheet (cut-off)",
)
LENGTHS = (10, 11)  # the interrupt byte is optional


def decode(payload: bytes, f_port: int) -> Decoded:
    """Decode one LSE01 uplink (periodic on fPort 2 or 1, device status on fPort 5)."""
    if f_port not in PORTS:
        raise UnknownPortError(f_port)
    if f_port == probe.STATUS_PORT:
        return probe.decode_status(payload, {}, "Bat")
    if len(payload) not in LENGTHS:
        raise PayloadLengthError(expected="10 or 11", got=len(payload))
    battery_v = (bits.u16be(payload, 0) & 0x3FFF) / 1000
    ds18b20 = bits.s16be(payload, 2) / 10
    moisture = bits.u16be(payload, 4) / 100
    soil_temp = bits.s16be(payload, 6) / 100
    conductivity = bits.u16be(payload, 8)
    fields: dict[str, Any] = {
        "Bat": battery_v,
        "TempC_DS18B20": ds18b20,
        "water_SOIL": moisture,
        "temp_SOIL": soil_temp,
        "conduct_SOIL": conductivity,
    }
    if len(payload) == 11:
        fields["Interrupt_flag"] = payload[10] & 0x01
    return Decoded(
        fields=fields,
        readings=(
            Reading("battery_voltage", battery_v),
            Reading("soil_moisture", moisture),
            Reading("soil_temperature", soil_temp),
            Reading("soil_conductivity", float(conductivity)),
        ),
    )


def encode(readings: Sequence[Reading]) -> tuple[int, bytes]:
    """Build the 11-byte uplink on fPort 2 that decodes to `readings` (for the simulator).

    Raises:
        ValueError: a reading the LSE01 does not carry, a missing one, or one out of range.
    """
    values = {r.quantity: r.value for r in readings}
    needed = {"battery_voltage", "soil_moisture", "soil_temperature", "soil_conductivity"}
    if set(values) != needed:
        raise ValueError(f"LSE01 carries exactly {sorted(needed)}, got {sorted(values)}")
    battery_mv = round(values["battery_voltage"] * 1000)
    if not 0 <= battery_mv <= 0x3FFF:
        raise ValueError(f"battery {values['battery_voltage']} V does not fit 14 bits")
    payload = (
        bits.pack_uint(battery_mv, 2)
        + bits.pack_int(0, 2)  # DS18B20 slot: reserved, no probe
        + bits.pack_uint(round(values["soil_moisture"] * 100), 2)
        + bits.pack_int(round(values["soil_temperature"] * 100), 2)
        + bits.pack_uint(round(values["soil_conductivity"]), 2)
        + b"\x00"  # periodic, not interrupt-triggered
    )
    return 2, payload


SPEC = DecoderSpec(
    type_id="dragino/lse01",
    vendor="Dragino",
    model="LSE01",
    category="agriculture",
    f_ports=PORTS,
    quantities=frozenset(
        {"battery_voltage", "soil_moisture", "soil_temperature", "soil_conductivity"}
    ),
    source=(
        "Dragino LSE01 LoRaWAN Soil Moisture & EC Sensor User Manual, 2.3 Uplink Payload "
        "(http://wiki.dragino.com/xwiki/bin/view/Main/User%20Manual%20for%20LoRaWAN%20End%20Nodes/"
        "LSE01-LoRaWAN%20Soil%20Moisture%20%26%20EC%20Sensor%20User%20Manual/)"
    ),
    decode=decode,
    encode=encode,
    battery=BATTERY,
)

"""Netvox RA02A wireless smoke detector with high-temperature alarm.

Source: Netvox "RA02A Wireless Smoke Detector User Manual", 5 "Data Report" (DeviceType
0x0A). Reports on fPort 6, 11 bytes; see `decoders.vendors.netvox` for the header and the
version packet. ReportType 0x01:

    Battery (1, 0.1 V, bit 7 = low battery) | FireAlarm (1: 0x00 no alarm, 0x01 alarm)
    | HighTempAlarm (1: 0x00 no alarm, 0x01 alarm; above 60 °C) | Temperature (int16 BE,
    0.1 °C) | Reserved (3)

The manual sends a report immediately when the smoke state changes and every minute while
the high-temperature alarm lasts. The manual copy we read marks the bytes after the alarms
reserved; Netvox's own status-report example in the TTN device repository
(`vendor/netvox/ra02a-codec.yaml`, https://github.com/TheThingsNetwork/lorawan-devices:
011E 01 01 04B0 -> FireAlarm, HighTempAlarm, Temp 120 °C) shows the next two carrying the
temperature in Netvox's usual signed 0.1 °C unit. Older firmware sends 0 there, so the value
is kept as the vendor's field, not as a reading.

Configuration responses come on fPort 7 (manual 5.2 "Example of ConfigureCmd"); the RA02A has
no reportable change after BatteryChange.
"""

from __future__ import annotations

from collections.abc import Sequence

from decoders import bits
from decoders.errors import ReservedValueError
from decoders.model import Decoded, DecoderSpec, Reading
from decoders.vendors.netvox import (
    COMMAND_PORT,
    REPORT_PORT,
    VERSION_PACKET,
    battery,
    check_frame,
    config_response,
    header,
    pack_battery,
    version_packet,
)

DEVICE_TYPE = 0x0A
PORTS = frozenset({REPORT_PORT, COMMAND_PORT})


def decode(payload: bytes, f_port: int) -> Decoded:
    """Decode one RA02A report (fPort 6) or configuration response (fPort 7)."""
    if f_port == COMMAND_PORT:
        return Decoded(fields=config_response(payload, DEVICE_TYPE, ()))
    report_type = check_frame(payload, f_port, PORTS, DEVICE_TYPE)
    if report_type == VERSION_PACKET:
        return Decoded(fields=version_packet(payload))
    if report_type != 0x01:
        raise ReservedValueError(f"unknown ReportType 0x{report_type:02X}")
    voltage, low = battery(payload[3])
    fire, high_temp = payload[4], payload[5]
    if fire > 1 or high_temp > 1:
        raise ReservedValueError(f"alarm bytes 0x{fire:02X} 0x{high_temp:02X} are not 0 or 1")
    return Decoded(
        fields={
            **header(payload),
            "Battery": voltage,
            "LowBattery": low,
            "FireAlarm": fire,
            "HighTempAlarm": high_temp,
            "Temperature": bits.s16be(payload, 6) / 10,
        },
        readings=(
            Reading("battery_voltage", voltage),
            Reading("smoke_alarm", float(fire)),
        ),
    )


def encode(readings: Sequence[Reading]) -> tuple[int, bytes]:
    """Build the ReportType 0x01 frame that decodes to `readings` (for the simulator).

    Raises:
        ValueError: a missing or unsupported reading, or a value out of range.
    """
    values = {r.quantity: r.value for r in readings}
    needed = {"battery_voltage", "smoke_alarm"}
    if set(values) != needed:
        raise ValueError(f"RA02A carries exactly {sorted(needed)}, got {sorted(values)}")
    fire = round(values["smoke_alarm"])
    if fire not in (0, 1):
        raise ValueError(f"smoke_alarm must be 0 or 1, got {values['smoke_alarm']}")
    payload = bytes((0x01, DEVICE_TYPE, 0x01, pack_battery(values["battery_voltage"]), fire))
    return REPORT_PORT, payload + bytes(6)


SPEC = DecoderSpec(
    type_id="netvox/ra02a",
    vendor="Netvox",
    model="RA02A Wireless Smoke Detector",
    category="smart_city",
    f_ports=PORTS,
    quantities=frozenset({"battery_voltage", "smoke_alarm"}),
    source=(
        "Netvox RA02A Wireless Smoke Detector User Manual, 5 Data Report (DeviceType 0x0A) "
        "and 5.2 Example of ConfigureCmd; temperature bytes: Netvox's example in TTN "
        "lorawan-devices vendor/netvox/ra02a-codec.yaml"
    ),
    decode=decode,
    encode=encode,
)

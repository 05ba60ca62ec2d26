"""Netvox R711 indoor temperature and humidity sensor.

Source: Netvox "R711 Wireless Temperature and Humidity Sensor User Manual", 5 "Data Report"
and 5.1 "Example of ReportDataCmd" (DeviceType 0x01). Reports on fPort 6, 11 bytes; see
`decoders.vendors.netvox` for the header and the version packet. ReportType 0x01:

    Battery (1, 0.1 V, bit 7 = low battery) | Temperature (int16 BE, 0.01 °C)
    | Humidity (uint16 BE, 0.01 %) | Reserved (3)

The shared akenza reference frame arrives on fPort 1 with the same layout, so fPort 1 is
accepted as well. Configuration responses come on fPort 7 (manual 5.2 "Example of
ConfigureCmd"); the R711's reportable changes after BatteryChange are TemperatureChange
(2, 0.01 °C) and HumidityChange (2, 0.01 %).
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

DEVICE_TYPE = 0x01
PORTS = frozenset({1, REPORT_PORT, COMMAND_PORT})
CHANGES = (("TemperatureChange", 2, 0.01), ("HumidityChange", 2, 0.01))


def decode(payload: bytes, f_port: int) -> Decoded:
    """Decode one R711 report (fPort 1 or 6) or configuration response (fPort 7)."""
    if f_port == COMMAND_PORT:
        return Decoded(fields=config_response(payload, DEVICE_TYPE, CHANGES))
    report_type = check_frame(payload, f_port, PORTS, DEVICE_TYPE)
    if report_type == VERSION_PACKET:
        return Decoded(fields=version_packet(payload))
    if report_type != 0x01:
        raise ReservedValueError(f"unknown ReportType 0x{report_type:02X}")
    voltage, low = battery(payload[3])
    temperature = bits.s16be(payload, 4) / 100
    humidity = bits.u16be(payload, 6) / 100
    return Decoded(
        fields={
            **header(payload),
            "Battery": voltage,
            "LowBattery": low,
            "Temperature": temperature,
            "Humidity": humidity,
        },
        readings=(
            Reading("battery_voltage", voltage),
            Reading("air_temperature", temperature),
            Reading("relative_humidity", humidity),
        ),
    )


def encode(readings: Sequence[Reading]) -> tuple[int, bytes]:
    """Build the ReportType 0x01 frame that decodes to `readings` (for the simulator).

    Raises:
        ValueError: a missing or unsupported reading, or a value out of range.
    """
    values = {r.quantity: r.value for r in readings}
    needed = {"battery_voltage", "air_temperature", "relative_humidity"}
    if set(values) != needed:
        raise ValueError(f"R711 carries exactly {sorted(needed)}, got {sorted(values)}")
    payload = (
        bytes((0x01, DEVICE_TYPE, 0x01, pack_battery(values["battery_voltage"])))
        + bits.pack_int(round(values["air_temperature"] * 100), 2)
        + bits.pack_uint(round(values["relative_humidity"] * 100), 2)
        + bytes(3)
    )
    return REPORT_PORT, payload


SPEC = DecoderSpec(
    type_id="netvox/r711",
    vendor="Netvox",
    model="R711 Wireless Temperature and Humidity Sensor",
    category="smart_city",
    f_ports=PORTS,
    quantities=frozenset({"battery_voltage", "air_temperature", "relative_humidity"}),
    source=(
        "Netvox R711 User Manual, 5 Data Report (DeviceType 0x01, ReportType 0x01) and "
        "5.2 Example of ConfigureCmd"
    ),
    decode=decode,
    encode=encode,
)

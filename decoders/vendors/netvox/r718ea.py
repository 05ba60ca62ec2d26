"""Netvox R718EA wireless tilt sensor with surface temperature (DeviceType 0x9A).

Sources actually read:

* Netvox "R718EA User Manual", 5 "Data Report" (the manualshive.com copy of page 7): after
  power-on the device sends a version packet and uplinks carrying temperature, battery voltage
  and the tilt angle of the X, Y and Z axes; default reportable changes BatteryChange 0x01
  (0.1 V), AngleChange 0x05 (5°), TemperatureChange 0x0A (1 °C, so 0.1 °C units),
  ActiveThreshold 0x0003 (range 0x0003-0x00FF), InActiveTime 0x05 s.
* Netvox's own uplink examples for the R718EA in the TTN device repository
  (`vendor/netvox/r718ea-codec.yaml`: a version report, a status report and four fPort 7
  command responses). The manual page with the byte table was not available to us; the byte
  positions below are the ones those examples pin down (every value in them is distinct).

Reports arrive on fPort 6 with the common Netvox header (`decoders.vendors.netvox`).
ReportType 0x01:

    Battery (1, 0.1 V, bit 7 = low battery) | AngleX (int8, °) | AngleY (int8, °)
    | AngleZ (int8, °) | Temperature (int16 BE, 0.1 °C) | Reserved (2)

Command responses arrive on fPort 7 as CmdID (1) | DeviceType (1) | 9 bytes:

    0x81 ConfigReportRsp, 0x83 SetActiveThresholdRsp: Status (0x00 = success)
    0x82 ReadConfigReportRsp: MinTime (2, s) | MaxTime (2, s) | BatteryChange (1, 0.1 V)
        | AngleChange (1, °) | TemperatureChange (1, 0.1 °C)
    0x84 GetActiveThresholdRsp: ActiveThreshold (2) | InActiveTime (1, s)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from decoders import bits
from decoders.errors import ReservedValueError
from decoders.model import Decoded, DecoderSpec, Reading
from decoders.vendors.netvox import (
    REPORT_PORT,
    VERSION_PACKET,
    battery,
    check_frame,
    config_response,
    header,
    pack_battery,
    version_packet,
)

DEVICE_TYPE = 0x9A
COMMAND_PORT = 7
PORTS = frozenset({REPORT_PORT, COMMAND_PORT})
AXES = ("AngleX", "AngleY", "AngleZ")


def decode(payload: bytes, f_port: int) -> Decoded:
    """Decode one R718EA report (fPort 6) or command response (fPort 7)."""
    if f_port == COMMAND_PORT:
        return Decoded(fields=_command_response(payload))
    report_type = check_frame(payload, f_port, PORTS, DEVICE_TYPE)
    if report_type == VERSION_PACKET:
        return Decoded(fields=version_packet(payload))
    if report_type != 0x01:
        raise ReservedValueError(f"unknown ReportType 0x{report_type:02X}")
    voltage, low = battery(payload[3])
    angles = [_s8(payload[4 + axis]) for axis in range(3)]
    temperature = bits.s16be(payload, 7) / 10
    fields: dict[str, Any] = {**header(payload), "Battery": voltage, "LowBattery": low}
    fields.update(zip(AXES, angles, strict=True))
    fields["Temperature"] = temperature
    return Decoded(
        fields=fields,
        readings=(
            Reading("battery_voltage", voltage),
            *(Reading("tilt_angle", float(angle), axis) for axis, angle in enumerate(angles)),
            Reading("surface_temperature", temperature),
        ),
    )


def _s8(byte: int) -> int:
    return byte - 0x100 if byte & 0x80 else byte


# ReadConfigReportRsp carries these changes after BatteryChange (field, bytes, unit)
CONFIG_CHANGES = (("AngleChange", 1, 1), ("TemperatureChange", 1, 0.1))
# the R718EA's own fPort 7 responses beside the common ConfigReportRsp/ReadConfigReportRsp
ACTIVE_THRESHOLD_RESPONSES = {
    0x83: lambda p: {"Cmd": "SetActiveThresholdRsp", "Status": p[2]},
    0x84: lambda p: {
        "Cmd": "GetActiveThresholdRsp",
        "ActiveThreshold": bits.u16be(p, 2),
        "InActiveTime": p[4],
    },
}


def _command_response(payload: bytes) -> dict[str, Any]:
    return config_response(payload, DEVICE_TYPE, CONFIG_CHANGES, ACTIVE_THRESHOLD_RESPONSES)


def encode(readings: Sequence[Reading]) -> tuple[int, bytes]:
    """Build the ReportType 0x01 frame that decodes to `readings` (for the simulator).

    Raises:
        ValueError: a missing or unsupported reading, or a value out of range.
    """
    values = {(r.quantity, r.channel): r.value for r in readings}
    needed = {("battery_voltage", 0), ("surface_temperature", 0)} | {
        ("tilt_angle", axis) for axis in range(3)
    }
    if set(values) != needed:
        raise ValueError(f"R718EA carries exactly {sorted(needed)}, got {sorted(values)}")
    angles = b"".join(bits.pack_int(round(values[("tilt_angle", a)]), 1) for a in range(3))
    payload = (
        bytes((0x01, DEVICE_TYPE, 0x01, pack_battery(values[("battery_voltage", 0)])))
        + angles
        + bits.pack_int(round(values[("surface_temperature", 0)] * 10), 2)
        + bytes(2)
    )
    return REPORT_PORT, payload


SPEC = DecoderSpec(
    type_id="netvox/r718ea",
    vendor="Netvox",
    model="R718EA Wireless Tilt Sensor with Surface Temperature",
    category="smart_city",
    f_ports=PORTS,
    quantities=frozenset({"battery_voltage", "tilt_angle", "surface_temperature"}),
    source=(
        "Netvox R718EA User Manual, 5 Data Report (DeviceType 0x9A); byte positions from "
        "Netvox's R718EA examples in the TTN device repository (vendor/netvox/r718ea-codec.yaml)"
    ),
    decode=decode,
    encode=encode,
)

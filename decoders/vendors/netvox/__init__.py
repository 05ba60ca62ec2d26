"""Netvox devices: the frame header and version packet every Netvox LoRaWAN device shares.

Source: the "Data Report" chapter of each Netvox user manual and the Netvox LoRaWAN
Application Command document. Reports arrive on fPort 6 as 11 bytes:

    Version (1) | DeviceType (1) | ReportType (1) | NetvoxPayLoadData (8)

ReportType 0x00 is the version packet (SoftwareVersion, HardwareVersion, DateCode as 4 BCD
bytes, 2 reserved); the software version byte counts tenths ("SoftwareVersion (1Byte)
Eg.0x0A-V1.0" in the manuals' tables), so 0x64 is V10.0; other report types are
device-specific. In every data report the battery byte carries the voltage in 0.1 V in bits
0-6 and a low-battery flag in bit 7.

Configuration responses arrive on fPort 7 ("5.2 Example of ConfigureCmd" in the manuals), 11
bytes: CmdID (1) | DeviceType (1) | NetvoxPayLoadData (9). ConfigReportRsp (0x81) carries
Status (0x00 = success); ReadConfigReportRsp (0x82) carries MinTime (2, s), MaxTime (2, s),
BatteryChange (1, 0.1 V) and then the device's own reportable changes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from decoders import bits
from decoders.errors import DecodeError, PayloadLengthError, ReservedValueError, UnknownPortError

REPORT_PORT = 6
COMMAND_PORT = 7
LENGTH = 11
VERSION_PACKET = 0x00


def check_frame(payload: bytes, f_port: int, ports: frozenset[int], device_type: int) -> int:
    """Validate port, length and device type; return the ReportType."""
    if f_port not in ports:
        raise UnknownPortError(f_port)
    if len(payload) != LENGTH:
        raise PayloadLengthError(expected=LENGTH, got=len(payload))
    if payload[1] != device_type:
        raise DecodeError(f"device type 0x{payload[1]:02X}, expected 0x{device_type:02X}")
    return int(payload[2])


def header(payload: bytes) -> dict[str, Any]:
    """Version, DeviceType and ReportType as the manuals name them."""
    return {"Version": payload[0], "DeviceType": payload[1], "ReportType": payload[2]}


def version_packet(payload: bytes) -> dict[str, Any]:
    """Fields of the version packet (ReportType 0x00)."""
    return {
        **header(payload),
        "SoftwareVersion": payload[3] / 10,  # 0x0A = V1.0
        "HardwareVersion": payload[4],
        "DateCode": payload[5:9].hex(),  # BCD, e.g. "20200520"
    }


def battery(byte: int) -> tuple[float, bool]:
    """(voltage in V, low-battery flag) from a Netvox battery byte."""
    return (byte & 0x7F) / 10, bool(byte & 0x80)


def pack_battery(voltage: float) -> int:
    """The battery byte for `voltage` (flag clear); ValueError if it does not fit 7 bits."""
    raw = round(voltage * 10)
    if not 0 <= raw <= 0x7F:
        raise ValueError(f"battery {voltage} V does not fit 7 bits of 0.1 V")
    return raw


def config_response(
    payload: bytes,
    device_type: int,
    changes: Sequence[tuple[str, int, float]],
    other_commands: Mapping[int, Callable[[bytes], dict[str, Any]]] | None = None,
) -> dict[str, Any]:
    """Fields of a ConfigReportRsp / ReadConfigReportRsp on fPort 7.

    `changes` lists the device's reportable changes after BatteryChange as (field name,
    size in bytes, unit), in payload order. `other_commands` decodes a model's own
    responses (by CmdID) after the common length and device-type checks.
    """
    if len(payload) != LENGTH:
        raise PayloadLengthError(expected=LENGTH, got=len(payload))
    if payload[1] != device_type:
        raise DecodeError(f"device type 0x{payload[1]:02X}, expected 0x{device_type:02X}")
    cmd = payload[0]
    fields: dict[str, Any] = {"CmdID": cmd, "DeviceType": payload[1]}
    if cmd == 0x81:
        fields |= {"Cmd": "ConfigReportRsp", "Status": payload[2]}
    elif cmd == 0x82:
        fields |= {
            "Cmd": "ReadConfigReportRsp",
            "MinTime": bits.u16be(payload, 2),
            "MaxTime": bits.u16be(payload, 4),
            "BatteryChange": payload[6] / 10,
        }
        offset = 7
        for name, size, unit in changes:
            fields[name] = round(int.from_bytes(payload[offset : offset + size], "big") * unit, 6)
            offset += size
    elif other_commands and cmd in other_commands:
        fields |= other_commands[cmd](payload)
    else:
        raise ReservedValueError(f"unknown CmdID 0x{cmd:02X} on fPort {COMMAND_PORT}")
    return fields

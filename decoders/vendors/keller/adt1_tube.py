"""KELLER ADT1-Tube: LoRaWAN data logger for KELLER level probes and pressure transmitters.

Sources: KELLER's "The KELLER LoRa communication protocol" page (docs.kolibricloud.ch,
sending-technology/lora-technology/keller-lora-payload, kept in KELLER's own repository
KELLERAGfuerDruckmesstechnik/PressureSuite-Cloud-Documentation), which describes the
measurement message and lists the device (connection) types, the measurement definitions and
the channel mapping of the "ADT1 LoRa data communication protocol" (V02.2020); and KELLER's
uplink examples in the TTN device repository (`vendor/keller/keller-codec.yaml`).

* Measurements (fPort 1, function code 1): function code (1) | connection type (1) | channel
  bits (uint16 BE; bit 0 = channel 1 ... bit 15 = channel 16) | one IEEE 754 float32 (BE) per
  set bit, in ascending channel order. Up to five floats fit in one message; a logger with
  more channels sends two. Each connection type maps channel numbers onto measurement
  definitions (table below). Pressures are in bar, temperatures in °C.
* Device information (fPort 4, function code 12): only KELLER's TTN example pins this layout
  down (the protocol PDF was not available to us): function code | 1 byte not described
  (kept as `part`) | class, group (1 each, "19.00") | firmware (1 each, "19.47") | serial
  number (uint32 BE) | the logger's local date and time (uint32 BE, seconds since
  2000-01-01 00:00:00) | battery voltage (float32 BE, V) | battery capacity (1, %) | humidity
  inside the logger (1, %).

`port` repeats the fPort, which KELLER's protocol uses as the base message type (1
measurements, 2 alarm, 3 configuration, 4 information, 5 answer to a request), as KELLER's
codec reports it.

Readings: the differential (gauge) pressure Pd (P1-PBaro) or Pd (P1-P2) of the level probe
as water pressure, the probe temperature TOB1 as water temperature, PBaro (bar, as hPa) as air
pressure and TBaro (the logger's temperature, which KELLER calls similar to the air
temperature) as air temperature; battery voltage and capacity from the information message.
The other channels (absolute P1, the second sensor, conductivity, SDI-12, counter, voltage
inputs) stay fields: turning them into series needs the installation's context. The humidity
inside the housing is not air humidity and stays a field too. A float that is not finite is
returned as null and gives no reading.

Category: groundwater level and flood early-warning monitoring, which KELLER names first for
this logger, are municipal and water-authority tasks in a smart region, so smart_city.
"""

from __future__ import annotations

import math
import struct
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from decoders import bits
from decoders.errors import PayloadLengthError, ReservedValueError, UnknownPortError
from decoders.model import Decoded, DecoderSpec, Reading

MEASUREMENTS_PORT, INFO_PORT = 1, 4
MEASUREMENTS, DEVICE_INFO = 1, 12
INFO_LENGTH = 20
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
_FLOAT = struct.Struct(">f")

# Measurement definitions (KELLER's table): id -> name.
DEFINITIONS = {
    1: "Pd (P1-P2)", 2: "P1", 3: "P2", 4: "T", 5: "TOB1", 6: "TOB2", 7: "PBaro", 8: "TBaro",
    9: "Volt Inp. 1", 10: "Volt Inp. 2", 11: "Pd (P1-PBaro)", 12: "Conductivity Tc",
    13: "Conductivity raw", 14: "T (Conductivity)", 15: "P1 (2)", 16: "P1 (3)", 17: "P1 (4)",
    18: "P1 (5)", 19: "Counter input", 20: "SDI12 CH1", 21: "SDI12 CH2", 22: "SDI12 CH3",
    23: "SDI12 CH4", 24: "SDI12 CH5", 25: "SDI12 CH6", 26: "SDI12 CH7", 27: "SDI12 CH8",
    28: "SDI12 CH9", 29: "SDI12 CH10", 30: "TOB1 (2)", 31: "TOB1 (3)", 32: "TOB1 (4)",
    33: "TOB1 (5)", 42: "Conductivity Tc (2)", 43: "Conductivity Tc (3)",
    44: "T (Conductivity) (2)", 45: "T (Conductivity) (3)", 46: "P2 (2)", 47: "TOB2 (2)",
}  # fmt: skip

# Connection type -> measurement definition id of channel 1, 2, ... (KELLER's mapping table;
# 0 marks a channel number the table leaves out). Type 12 (Modbus ABB Aquamaster) has no
# mapping in the table: its channels are named by number.
_RS485 = (1, 2, 3, 4, 5, 6)
_BARO_PB = (11, 2, 3, 4, 5, 6, 7, 8)
_BARO_P2 = (1, 2, 3, 4, 5, 6, 7, 8)
CHANNELS: dict[int, tuple[int, ...]] = {
    0: _RS485,
    1: _RS485,
    2: _BARO_PB,
    3: _BARO_PB,
    4: (*_BARO_P2, 9, 10),
    5: (*_BARO_PB, 9, 10),
    6: (*_BARO_P2, 9, 10, 15, 16, 17, 18, 19),
    7: (0, 7, 8, 9, 10, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29),
    8: (2, 5, 15, 30, 16, 31, 17, 32, 18, 33, 9, 10, 7, 8, 19),
    9: (1, 2, 3, 14, 5, 6, 7, 8, 9, 10, 12, 13),
    10: (11, 2, 3, 14, 5, 6, 7, 8, 9, 10, 12, 13),
    11: (2, 5, 12, 14, 15, 30, 42, 44, 16, 31, 43, 45, 7, 8, 19),
    12: (),
    13: (2, 3, 5, 6, 15, 46, 30, 47, 7, 8, 9, 10, 19),
}

# Measurement definition id -> (quantity, factor from the channel's unit to the canonical one).
READINGS = {
    1: ("water_pressure", 1.0),  # bar
    11: ("water_pressure", 1.0),  # bar
    5: ("water_temperature", 1.0),  # °C
    7: ("air_pressure", 1000.0),  # bar -> hPa
    8: ("air_temperature", 1.0),  # °C
}


def decode(payload: bytes, f_port: int) -> Decoded:
    """Decode one measurement or device information message."""
    if f_port not in (MEASUREMENTS_PORT, INFO_PORT):
        raise UnknownPortError(f_port)
    if not payload:
        raise PayloadLengthError(expected="at least 1", got=0)
    function = payload[0]
    if f_port == MEASUREMENTS_PORT and function == MEASUREMENTS:
        return _measurements(payload)
    if f_port == INFO_PORT and function == DEVICE_INFO:
        return _device_info(payload)
    raise ReservedValueError(f"function code {function} on fPort {f_port} is not decoded")


def _finite(value: float) -> float | None:
    return value if math.isfinite(value) else None


def _measurements(payload: bytes) -> Decoded:
    if len(payload) < 4:
        raise PayloadLengthError(expected="at least 4", got=len(payload))
    connection = payload[1]
    mapping = CHANNELS.get(connection)
    if mapping is None:
        raise ReservedValueError(f"connection type {connection} is not defined")
    mask = bits.u16be(payload, 2)
    channels = [n + 1 for n in range(16) if mask >> n & 1]
    expected = 4 + 4 * len(channels)
    if len(payload) != expected:
        raise PayloadLengthError(expected=expected, got=len(payload))
    fields: dict[str, Any] = {
        "port": MEASUREMENTS_PORT,
        "func": MEASUREMENTS,
        "ct": connection,
        "channel": f"{mask:016b}",
        "channelCount": len(channels),
    }
    readings: list[Reading] = []
    warnings: list[str] = []
    for index, channel in enumerate(channels):
        value = _finite(_FLOAT.unpack_from(payload, 4 + 4 * index)[0])
        definition = mapping[channel - 1] if channel <= len(mapping) else 0
        if definition == 0 and mapping:
            raise ReservedValueError(f"channel {channel} is not defined for type {connection}")
        name = DEFINITIONS.get(definition, f"Channel_{channel}")
        fields[name] = value
        if value is None:
            warnings.append(f"{name} is not a finite number")
        elif definition in READINGS:
            quantity, factor = READINGS[definition]
            readings.append(Reading(quantity, value * factor))
    return Decoded(fields=fields, readings=tuple(readings), warnings=tuple(warnings))


def _device_info(payload: bytes) -> Decoded:
    if len(payload) != INFO_LENGTH:
        raise PayloadLengthError(expected=INFO_LENGTH, got=len(payload))
    local_time = EPOCH + timedelta(seconds=bits.u32be(payload, 10))
    voltage = _finite(_FLOAT.unpack_from(payload, 14)[0])
    capacity = payload[18]
    fields = {
        "port": INFO_PORT,
        "func": DEVICE_INFO,
        "part": payload[1],
        "class_group_text": f"{payload[2]:02d}.{payload[3]:02d}",
        "sw_version_text": f"{payload[4]:02d}.{payload[5]:02d}",
        "serial_number": bits.u32be(payload, 6),
        "device_local_datetime": local_time.strftime("%Y-%m-%d %H:%M:%S"),
        "battery_voltage": voltage,
        "battery_capacity_percentage": capacity,
        "humidity_percentage": payload[19],
    }
    readings = [Reading("battery_level", float(capacity))]
    if voltage is not None:
        readings.insert(0, Reading("battery_voltage", voltage))
    return Decoded(fields=fields, readings=tuple(readings))


# What `encode` sends: connection type 3 (RS485 & Baro (P1-PB) & Dig.Inp.1) with the channels
# that carry readings, in channel order.
ENCODE_TYPE = 3
ENCODE_CHANNELS = (
    (1, "water_pressure", 1.0),
    (5, "water_temperature", 1.0),
    (7, "air_pressure", 1000.0),
    (8, "air_temperature", 1.0),
)


def encode(readings: Sequence[Reading]) -> tuple[int, bytes]:
    """Build a measurement message (connection type 3) that decodes to `readings`.

    Raises:
        ValueError: a missing or unsupported reading.
    """
    values = {r.quantity: r.value for r in readings}
    wanted = {quantity for _, quantity, _ in ENCODE_CHANNELS}
    if set(values) != wanted:
        raise ValueError(f"ADT1 measurements carry {sorted(wanted)}, got {sorted(values)}")
    mask = sum(1 << (channel - 1) for channel, _, _ in ENCODE_CHANNELS)
    body = b"".join(_FLOAT.pack(values[q] / factor) for _, q, factor in ENCODE_CHANNELS)
    return MEASUREMENTS_PORT, bytes((MEASUREMENTS, ENCODE_TYPE)) + mask.to_bytes(2, "big") + body


SPEC = DecoderSpec(
    type_id="keller/adt1-tube",
    vendor="KELLER",
    model="ADT1-Tube level and pressure data logger",
    category="smart_city",
    f_ports=frozenset({MEASUREMENTS_PORT, INFO_PORT}),
    quantities=frozenset(
        {
            "water_pressure",
            "water_temperature",
            "air_pressure",
            "air_temperature",
            "battery_voltage",
            "battery_level",
        }
    ),
    source=(
        "KELLER, The KELLER LoRa communication protocol (docs.kolibricloud.ch/sending-technology"
        "/lora-technology/keller-lora-payload; device types, measurement definitions, channel "
        "mapping of the ADT1 LoRa data communication protocol V02.2020) and KELLER's examples "
        "in the TTN device repository (vendor/keller/keller-codec.yaml)"
    ),
    decode=decode,
    encode=encode,
)

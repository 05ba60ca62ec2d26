"""Dragino LSPH01: LoRaWAN soil pH sensor (pH and soil temperature).

Source: Dragino "LSPH01 LoRaWAN Soil pH Sensor User Manual", 2.3 "Uplink Payload"
(wiki.dragino.com): 11 bytes on fPort 2, big-endian: BAT (mV) | Temperature DS18B20 (int16 /
10 °C, optional probe) | Soil pH (uint16 / 100) | Soil Temperature (int16 / 10 °C) | reserved (1)
| Digital Interrupt (1) | Message Type (1). The frame layout is shared with the other single-probe
sensors (`probe.py`); field names are Dragino's decoder's (`PH1_SOIL`, `TEMP_SOIL`).
fPort 5 is the device status every Dragino node shares (`probe.decode_status`); the sensor
model code is reported in hex, the manual's code for this model not being in our sources.
"""

from __future__ import annotations

from collections.abc import Sequence

from decoders.model import Decoded, DecoderSpec, Reading
from decoders.vendors.dragino import probe

VALUES = (
    probe.Value("PH1_SOIL", 100, False, "soil_ph"),
    probe.Value("TEMP_SOIL", 10, True, "soil_temperature"),
)


def decode(payload: bytes, f_port: int) -> Decoded:
    """Decode one LSPH01 uplink (measurement on fPort 2, device status on fPort 5)."""
    if f_port == probe.STATUS_PORT:
        return probe.decode_status(payload, {}, "Bat")
    fields = probe.decode(payload, f_port, VALUES)
    fields["Interrupt_flag"] = payload[9]  # byte 8 is reserved
    fields["Message_type"] = payload[10]
    return Decoded(fields=fields, readings=probe.readings(fields, VALUES))


def encode(readings: Sequence[Reading]) -> tuple[int, bytes]:
    """The periodic uplink that decodes to `readings` (for the simulator)."""
    return probe.PORT, probe.encode(readings, VALUES, b"\x00\x00\x01")


SPEC = DecoderSpec(
    type_id="dragino/lsph01",
    vendor="Dragino",
    model="LSPH01",
    category="agriculture",
    f_ports=frozenset({probe.PORT, probe.STATUS_PORT}),
    quantities=frozenset({"battery_voltage", *(v.quantity for v in VALUES)}),
    source=(
        "Dragino LSPH01 LoRaWAN Soil pH Sensor User Manual, 2.3 Uplink Payload (wiki.dragino.com)"
    ),
    decode=decode,
    encode=encode,
)

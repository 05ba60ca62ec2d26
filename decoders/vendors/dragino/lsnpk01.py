"""Dragino LSNPK01: LoRaWAN soil NPK sensor (nitrogen, phosphorus, potassium).

Source: Dragino "LSNPK01 LoRaWAN Soil NPK Sensor User Manual", 2.3 "Uplink Payload"
(wiki.dragino.com): 11 bytes on fPort 2, big-endian: BAT (mV) | Temperature DS18B20 (int16 /
10 °C, optional probe) | Soil N (uint16, mg/kg) | Soil P (uint16, mg/kg) | Soil K (uint16,
mg/kg) | flags: Message Type (high nibble) and Digital Interrupt (low nibble), as the vendor's
example (0xC6: message type 12, interrupt 6) reads it. Frame layout shared with the other
single-probe sensors (`probe.py`); field names are Dragino's decoder's.
fPort 5 is the device status every Dragino node shares (`probe.decode_status`); the sensor
model code is reported in hex, the manual's code for this model not being in our sources.
"""

from __future__ import annotations

from collections.abc import Sequence

from decoders.model import Decoded, DecoderSpec, Reading
from decoders.vendors.dragino import probe

VALUES = (
    probe.Value("N_SOIL", 1, False, "soil_nitrogen"),
    probe.Value("P_SOIL", 1, False, "soil_phosphorus"),
    probe.Value("K_SOIL", 1, False, "soil_potassium"),
)


def decode(payload: bytes, f_port: int) -> Decoded:
    """Decode one LSNPK01 uplink (measurement on fPort 2, device status on fPort 5)."""
    if f_port == probe.STATUS_PORT:
        return probe.decode_status(payload, {}, "Bat")
    fields = probe.decode(payload, f_port, VALUES)
    fields["Message_type"] = payload[10] >> 4
    fields["Interrupt_flag"] = payload[10] & 0x0F
    return Decoded(fields=fields, readings=probe.readings(fields, VALUES))


def encode(readings: Sequence[Reading]) -> tuple[int, bytes]:
    """The periodic uplink that decodes to `readings` (for the simulator)."""
    return probe.PORT, probe.encode(readings, VALUES, b"\x10")


SPEC = DecoderSpec(
    type_id="dragino/lsnpk01",
    vendor="Dragino",
    model="LSNPK01",
    category="agriculture",
    f_ports=frozenset({probe.PORT, probe.STATUS_PORT}),
    quantities=frozenset({"battery_voltage", *(v.quantity for v in VALUES)}),
    source=(
        "Dragino LSNPK01 LoRaWAN Soil NPK Sensor User Manual, 2.3 Uplink Payload (wiki.dragino.com)"
    ),
    decode=decode,
    encode=encode,
)

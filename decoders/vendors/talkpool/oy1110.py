"""Talkpool OY1110 temperature and humidity sensor.

Source: Talkpool "OY1110 LoRaWAN Temperature and humidity sensor, User manual, Version 1.0",
9.3 (manualshive.com copy, pages 14-15). Each measurement is 3 bytes, 12-bit packed (see
`decoders.vendors.talkpool`): temperature = T / 10 - 80 °C, relative humidity = RH / 10 - 25 %.

* fPort 2, single measurement report (TxGroupSize = 1): one 3-byte measurement.
* fPort 3, grouped measurement report: Grouping header (1) | n x measurement (3), the latest
  measurement first; n follows from the length. The header is dT, the time between two
  measurements: bit 7 clear = bits 0-6 in minutes, bit 7 set = bits 0-6 in hours.

The latest measurement becomes the readings; the payload carries no absolute time, so the
older ones stay in the `Measurements` field with their age (`MinutesBefore`) relative to it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from decoders.errors import PayloadLengthError, UnknownPortError
from decoders.model import Decoded, DecoderSpec, Reading
from decoders.vendors.talkpool import pack_climate, unpack_climate

SINGLE_PORT = 2
GROUP_PORT = 3
SAMPLE = 3


def decode(payload: bytes, f_port: int) -> Decoded:
    """Decode one OY1110 single (fPort 2) or grouped (fPort 3) measurement report."""
    fields: dict[str, Any] = {}
    if f_port == SINGLE_PORT:
        if len(payload) != SAMPLE:
            raise PayloadLengthError(expected=SAMPLE, got=len(payload))
        body = payload
    elif f_port == GROUP_PORT:
        if len(payload) < 1 + SAMPLE or (len(payload) - 1) % SAMPLE:
            raise PayloadLengthError(expected="1 + a multiple of 3", got=len(payload))
        header, body = payload[0], payload[1:]
        interval = (header & 0x7F) * (60 if header & 0x80 else 1)
        fields["MeasurementInterval"] = interval  # dT in minutes
    else:
        raise UnknownPortError(f_port)
    samples = [unpack_climate(body, i) for i in range(0, len(body), SAMPLE)]
    temperature, humidity = samples[0]
    fields |= {"Temperature": temperature, "RelativeHumidity": humidity}
    if f_port == GROUP_PORT:
        fields["Measurements"] = [
            {"Temperature": t, "RelativeHumidity": h, "MinutesBefore": k * interval}
            for k, (t, h) in enumerate(samples)
        ]
    return Decoded(
        fields=fields,
        readings=(
            Reading("air_temperature", temperature),
            Reading("relative_humidity", humidity),
        ),
    )


def encode(readings: Sequence[Reading]) -> tuple[int, bytes]:
    """Build a single-sample report that decodes to `readings` (for the simulator).

    Raises:
        ValueError: a missing or unsupported reading, or a value out of range.
    """
    values = {r.quantity: r.value for r in readings}
    needed = {"air_temperature", "relative_humidity"}
    if set(values) != needed:
        raise ValueError(f"OY1110 carries exactly {sorted(needed)}, got {sorted(values)}")
    return SINGLE_PORT, pack_climate(values["air_temperature"], values["relative_humidity"])


SPEC = DecoderSpec(
    type_id="talkpool/oy1110",
    vendor="Talkpool",
    model="OY1110 Temperature & Humidity Sensor",
    category="smart_city",
    f_ports=frozenset({SINGLE_PORT, GROUP_PORT}),
    quantities=frozenset({"air_temperature", "relative_humidity"}),
    source=(
        "Talkpool OY1110 LoRaWAN Temperature and humidity sensor User manual v1.0, 9.3 "
        "(single report fPort 2, grouped report fPort 3)"
    ),
    decode=decode,
    encode=encode,
)

"""Talkpool OY1110 temperature and humidity sensor.

Source: Talkpool "OY1110 LoRaWAN Temperature & Humidity Sensor" user manual, section
"Payload / Port 2 measurement report" (talkpool.com product documentation). Each report on
fPort 2 is one 3-byte sample, 12-bit packed (see `decoders.vendors.talkpool`):
temperature = T / 10 - 80 °C, relative humidity = RH / 10 - 25 %. With "group
measurements" enabled the device sends several 3-byte samples in one frame, oldest first;
their sample times are not in the payload, so only the newest becomes readings and all of
them are kept in the `Measurements` field.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from decoders.errors import PayloadLengthError, UnknownPortError
from decoders.model import Decoded, DecoderSpec, Reading
from decoders.vendors.talkpool import pack_climate, unpack_climate

PORT = 2
SAMPLE = 3


def decode(payload: bytes, f_port: int) -> Decoded:
    """Decode one OY1110 measurement report (one or several samples)."""
    if f_port != PORT:
        raise UnknownPortError(f_port)
    if not payload or len(payload) % SAMPLE:
        raise PayloadLengthError(expected="a multiple of 3", got=len(payload))
    samples = [unpack_climate(payload, i) for i in range(0, len(payload), SAMPLE)]
    temperature, humidity = samples[-1]
    fields: dict[str, Any] = {"Temperature": temperature, "RelativeHumidity": humidity}
    if len(samples) > 1:
        fields["Measurements"] = [{"Temperature": t, "RelativeHumidity": h} for t, h in samples]
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
    return PORT, pack_climate(values["air_temperature"], values["relative_humidity"])


SPEC = DecoderSpec(
    type_id="talkpool/oy1110",
    vendor="Talkpool",
    model="OY1110 Temperature & Humidity Sensor",
    category="smart_city",
    f_ports=frozenset({PORT}),
    quantities=frozenset({"air_temperature", "relative_humidity"}),
    source="Talkpool OY1110 LoRaWAN Temperature & Humidity Sensor user manual, Port 2 report",
    decode=decode,
    encode=encode,
)

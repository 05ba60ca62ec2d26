"""inBiot MICA (MINI, MICA, PLUS, WELL): LoRaWAN indoor air quality monitors.

Sources (inBiot, github.com/inBiot-dev/lora-decoders, the vendor's published decoders):
* "Decoder for MICA - LoRaWAN versions from 1.0 to 2.2" (V1.1/README.md): the byte table of
  the three messages (byte 0: 0 configuration, 1 data, 2 information);
* "Decoder for MICA" for firmware 2.6 and later (V1.3/README.md and V1.3/decoder.js): the
  index bytes 33-36 appended after the ventilation index, CO in 0.1 ppm (the 1.0-2.2 table
  says ppm without a scale; the newer decoder is followed), and 0xFFFF marking
  an O3/NO2/CO sensor that is still preheating (0xFF: mold index still calculating). inBiot's
  TTN device-repository examples (vendor/inbiot/inbiot-lora-codec.yaml) show these frames.

Data message, big-endian 2-byte integers:

    type 1 | temperature x/10 °C | humidity x/10 % | CO2 ppm | CH2O ug/m3 | TVOC (index)
    | PM1.0 | PM2.5 | PM4.0 | PM10 ug/m3 | O3 ppb | NO2 ppb | CO x/10 ppm | counter
    | MICA type (27-31, NUL-padded text) | ventilation index % (32) | thermal, virus, IAQ,
    mold indexes (33-36, firmware 2.6+)

Configuration message (type 0): time to send (min) | ventilation type | LED on | and from
firmware 2.6 (V1.3): use Wi-Fi | LoRaWAN region code | channel mask | LED indicator use |
touch enabled. Information message (type 2): firmware version (bytes 1-3: major, -, minor;
or ASCII "x.y") | model (4-20) | MICA type (21-29) | MAC (30-35) | Modbus address, parity
code (0-5), baud rate uint32 (36-41, Modbus models) | reset reason code (42, firmware 2.6+).

Only the model's own sensors are decoded: MINI has temperature, humidity and CO2; MICA adds
TVOC, PM2.5 and PM10; PLUS adds CH2O, PM1.0 and PM4.0; WELL adds O3, NO2 and CO. O3, NO2,
CO, CH2O, PM4 and the TVOC index stay fields: the vocabulary has them in other units (a ppb
to ug/m3 conversion needs the air's temperature and pressure) or not at all. Byte 37 (noise,
only its 0xFF "preheating" marker is shown by inBiot) is not decoded.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from decoders import bits
from decoders.errors import PayloadLengthError, ReservedValueError
from decoders.model import Decoded, DecoderSpec, Reading

CONFIGURATION, DATA, INFORMATION = 0, 1, 2
DATA_LENGTH = 33  # through the ventilation index
INDEXES = ("tIndex", "virusIndex", "iaqIndex", "moldIndex")  # bytes 33-36
PREHEATING = 0xFFFF
PARITY = ("SERIAL_8N1", "SERIAL_8N2", "SERIAL_8E1", "SERIAL_8E2", "SERIAL_8O1", "SERIAL_8O2")
REGIONS = ("AS923", "AU915", "CN470", "CN779", "EU433", "EU868", "KR920", "IN865", "US915",
           "RU864", "AS923-JP")  # fmt: skip
RESET_REASONS = (
    "Reset reason cannot be determined",
    "Reset due to power-on event",
    "Reset by external pin",
    "Software reset via esp_restart",
    "Software reset due to exception/panic",
    "Reset due to interrupt watchdog",
    "Reset due to task watchdog",
    "Reset due to other watchdogs",
    "Reset after exiting deep sleep mode",
    "Brownout reset",
    "Reset over SDIO",
)

# field, offset, divisor: what each model adds to the one before it
_MINI = (("temperature", 1, 10), ("humidity", 3, 10), ("co2", 5, 1))
_MICA = (("tvoc", 9, 1), ("pm2_5", 13, 1), ("pm10", 17, 1))
_PLUS = (("ch2o", 7, 1), ("pm1_0", 11, 1), ("pm4", 15, 1))
_WELL = (("o3", 19, 1), ("no2", 21, 1), ("co", 23, 10))
MODELS = {
    "MINI": _MINI,
    "MICA": _MINI + _MICA,
    "PLUS": _MINI + _MICA + _PLUS,
    "WELL": _MINI + _MICA + _PLUS + _WELL,
}
GASES = frozenset({"o3", "no2", "co"})  # 0xFFFF while the sensor preheats
_READINGS = {
    "temperature": "air_temperature",
    "humidity": "relative_humidity",
    "co2": "co2",
    "pm1_0": "pm1",
    "pm2_5": "pm2_5",
    "pm10": "pm10",
}


def decode(payload: bytes, f_port: int) -> Decoded:  # noqa: ARG001 - byte 0 decides
    """Decode one MICA uplink (data, configuration or information message)."""
    if not payload:
        raise PayloadLengthError(expected="at least 1", got=0)
    kind = payload[0]
    if kind == DATA:
        return _data(payload)
    if kind == CONFIGURATION:
        return Decoded(fields=_configuration(payload))
    if kind == INFORMATION:
        return Decoded(fields=_information(payload))
    raise ReservedValueError(f"message type {kind} is not 0, 1 or 2")


def _data(payload: bytes) -> Decoded:
    if len(payload) < DATA_LENGTH:
        raise PayloadLengthError(expected=f"at least {DATA_LENGTH}", got=len(payload))
    model = _text(payload[27:32])
    if model not in MODELS:
        raise ReservedValueError(f"MICA type {model!r} is not MINI, MICA, PLUS or WELL")
    fields: dict[str, Any] = {"type": model}
    readings = []
    for name, offset, divisor in MODELS[model]:
        raw = bits.u16be(payload, offset)
        if name in GASES and raw == PREHEATING:
            fields[name] = "Preheating"
            continue
        fields[name] = raw / divisor if divisor != 1 else raw
        if name in _READINGS:
            readings.append(Reading(_READINGS[name], float(fields[name])))
    fields["counter"] = bits.u16be(payload, 25)
    fields["vIndex"] = payload[32]
    for position, name in enumerate(INDEXES, start=33):
        if position < len(payload):
            fields[name] = payload[position]
    if fields.get("moldIndex") == 0xFF:
        fields["moldIndex"] = "Calculating"
    return Decoded(fields=fields, readings=tuple(readings))


def _configuration(payload: bytes) -> dict[str, Any]:
    if len(payload) < 4:
        raise PayloadLengthError(expected="at least 4", got=len(payload))
    fields: dict[str, Any] = {
        "timeToSend": payload[1],
        "ventilation": payload[2],
        "ledStatus": payload[3] != 0,
    }
    if len(payload) >= 9:  # firmware 2.6+: Wi-Fi, region, channel mask, LED use, touch
        region = payload[5]
        fields.update(
            useWifi=payload[4] != 0,
            lorawanRegion=REGIONS[region] if region < len(REGIONS) else "UNKNOWN",
            lorawanChannelMask=payload[6],
            ledConfiguration=payload[7],
            touchEnable=payload[8] != 0,
        )
    return fields


def _version(raw: bytes) -> str:
    """Firmware version, bytes 1-3: ASCII "x.y" when byte 2 is a dot, else major . minor."""
    if raw[1] == 0x2E:
        return _text(raw)
    return f"{raw[0]}.{raw[2]}"


def _information(payload: bytes) -> dict[str, Any]:
    if len(payload) < 36:
        raise PayloadLengthError(expected="at least 36", got=len(payload))
    fields: dict[str, Any] = {
        "fwVersion": _version(payload[1:4]),
        "model": _text(payload[4:21]),
        "micaType": _text(payload[21:30]),
        "mac": ":".join(f"{b:02X}" for b in payload[30:36]),
    }
    if len(payload) >= 42:  # Modbus models
        parity = payload[37]
        if parity >= len(PARITY):
            raise ReservedValueError(f"Modbus parity {parity} is not 0-5")
        fields["modbusAddress"] = payload[36]
        fields["modbusParity"] = parity
        fields["modbusParityName"] = PARITY[parity]
        fields["modbusBaudRate"] = bits.u32be(payload, 38)
    if len(payload) >= 43:  # firmware 2.6+: reason of the last reset
        reason = payload[42]
        text = RESET_REASONS[reason] if reason < len(RESET_REASONS) else "UNKNOWN"
        fields["resetReason"] = f"{reason} {text}"
    return fields


def _text(raw: bytes) -> str:
    """A NUL-terminated ASCII field; undecodable bytes make the frame invalid."""
    text = raw.split(b"\x00", 1)[0]
    try:
        return text.decode("ascii")
    except UnicodeDecodeError:
        raise ReservedValueError(f"text field {raw.hex()} is not ASCII") from None


def encode(readings: Sequence[Reading]) -> tuple[int, bytes]:
    """Build a WELL data message that decodes to `readings` (for the simulator).

    The gas sensors report preheating and the other fields zero.

    Raises:
        ValueError: a missing or unsupported reading, or a value that does not fit.
    """
    values = {r.quantity: r.value for r in readings}
    if set(values) != set(_READINGS.values()):
        raise ValueError(f"MICA WELL carries {sorted(_READINGS.values())}, got {sorted(values)}")
    words = bytearray(DATA_LENGTH + len(INDEXES))
    words[0] = DATA
    for name, offset, divisor in MODELS["WELL"]:
        quantity = _READINGS.get(name)
        raw = PREHEATING if name in GASES else 0
        if quantity is not None:
            raw = round(values[quantity] * divisor)
        words[offset : offset + 2] = bits.pack_uint(raw, 2)
    words[27:31] = b"WELL"
    words[36] = 0xFF  # mold index still calculating
    return 1, bytes(words)


SPEC = DecoderSpec(
    type_id="inbiot/well-lora",
    vendor="inBiot",
    model="MICA WELL (LoRaWAN)",
    category="smart_city",
    f_ports=frozenset(),
    quantities=frozenset(_READINGS.values()),
    source=(
        "inBiot MICA LoRaWAN decoder documentation, V1.1/README.md (firmware 1.0-2.2 byte "
        "table) and V1.3/README.md + decoder.js (firmware 2.6+), "
        "https://github.com/inBiot-dev/lora-decoders"
    ),
    decode=decode,
    encode=encode,
)

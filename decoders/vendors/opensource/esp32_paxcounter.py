"""ESP32 Paxcounter (open source): counts Wi-Fi and Bluetooth devices nearby (people flow).

The TTN device repository's entry for this type (vendor/opensource/esp32-paxcounter.yaml)
serves the firmware's *Packed* payload encoder (its codec is esp32-paxcounter-packed.js), so
that is the format decoded here. Sources: cyberman54 "ESP32-Paxcounter" docs/payloadformat.md
(ports, fields, units) and the firmware's packed encoder src/payload.cpp (lora-serialization
types: integers little-endian; `writeFloat` a big-endian int16 of 0.01; `writePressure`
uint16 of 0.1 hPa; `writeUFloat` uint16 of 0.01; `writeBitmap` first flag in the MSB):

    port 1  counts: Wi-Fi uint16 [| BLE uint16] [| GPS block]      (2, 4, 15 or 17 bytes)
    port 2  status: voltage uint16 mV | uptime uint64 s | CPU temperature uint8 °C
            | free RAM uint32 | reset reason uint8 | restarts uint32 (older firmware: a
            second reset reason uint8 instead, 17 bytes)
    port 3  config: LoRa DR | TX power | RSSI limit int16 | send cycle (s/2)
            | Wi-Fi channel cycle (s/100) | BLE scan time (s/100) | RGB luminosity
            | flags bitmap | payload mask bitmap | version (10 ASCII bytes, NUL-terminated)
    port 4  GPS block: latitude int32 1e-6° | longitude int32 1e-6° | satellites uint8
            | HDOP uint16 0.01 | altitude int16 m
    port 5  button pressed: uint8
    port 6  beacon proximity alarm: RSSI int8 | beacon index uint8
    port 7  BME sensor: temperature (writeFloat) | pressure (writePressure)
            | humidity (writeUFloat) | indoor air quality index (writeUFloat)
    port 8  battery voltage uint16 mV
    port 9  time sync request seqno uint8, or time answer: UNIX time uint32 | status uint8

Ports 10-12 carry user sensor data whose format the user defines (`sensor_read`); they are
accepted but not decoded (a warning says so; the platform keeps every uplink's raw payload,
so nothing is lost). `port` repeats the fPort, which selects the message type, as the
vendor's packed decoder reports it; its `bytes` echo of the payload is not repeated here, for
the raw payload is already stored with each uplink. `pax` is Wi-Fi + BLE, as the firmware's
packed converter adds.

Readings: people_count channel 0 = Wi-Fi devices, channel 1 = BLE devices (the device
counts phones and wearables, a proxy for people); position, battery voltage and BME values.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from typing import Any

from decoders import bits
from decoders.errors import PayloadLengthError, UnknownPortError
from decoders.model import Decoded, DecoderSpec, Reading

COUNT_PORT = 1
USER_PORTS = frozenset(range(10, 13))
PORTS = frozenset(range(1, 10)) | USER_PORTS
FLAGS = ("adr", "screensaver", "screen", "countermode", "blescan", "antenna", "filter", "alarm")
PAYLOAD_MASK = ("gps", "alarm", "bme", "counter", "sensor1", "sensor2", "sensor3", "battery")
_GPS_LENGTH = 13


def _u32le(data: bytes, offset: int) -> int:
    return int(struct.unpack_from("<I", data, offset)[0])


def _s32le(data: bytes, offset: int) -> int:
    return int(struct.unpack_from("<i", data, offset)[0])


def _bitmap(value: int, names: tuple[str, ...]) -> dict[str, int]:
    """`writeBitmap`: the first named flag is the most significant bit."""
    return {name: (value >> (7 - index)) & 1 for index, name in enumerate(names)}


def _gps(payload: bytes, offset: int, fields: dict[str, Any], readings: list[Reading]) -> None:
    latitude = _s32le(payload, offset) / 1e6
    longitude = _s32le(payload, offset + 4) / 1e6
    altitude = bits.s16le(payload, offset + 11)
    fields.update(
        latitude=latitude,
        longitude=longitude,
        sats=payload[offset + 8],
        hdop=bits.u16le(payload, offset + 9) / 100,
        altitude=altitude,
    )
    readings += [
        Reading("latitude", latitude),
        Reading("longitude", longitude),
        Reading("altitude", float(altitude)),
    ]


def _counts(payload: bytes, fields: dict[str, Any], readings: list[Reading]) -> None:
    if len(payload) not in (2, 4, 2 + _GPS_LENGTH, 4 + _GPS_LENGTH):
        raise PayloadLengthError(expected="2, 4, 15 or 17", got=len(payload))
    with_ble = len(payload) in (4, 4 + _GPS_LENGTH)
    wifi = bits.u16le(payload, 0)
    ble = bits.u16le(payload, 2) if with_ble else 0
    fields.update(wifi=wifi)
    readings.append(Reading("people_count", float(wifi)))
    if with_ble:
        fields.update(ble=ble)
        readings.append(Reading("people_count", float(ble), 1))
    fields.update(pax=wifi + ble)
    if len(payload) > 4:
        _gps(payload, 4 if with_ble else 2, fields, readings)


def _status(payload: bytes, fields: dict[str, Any], readings: list[Reading]) -> None:
    if len(payload) not in (17, 20):
        raise PayloadLengthError(expected="17 or 20", got=len(payload))
    voltage = bits.u16le(payload, 0)
    fields.update(
        voltage=voltage,
        uptime=int.from_bytes(payload[2:10], "little"),
        cputemp=payload[10],
        memory=_u32le(payload, 11),
        reset0=payload[15],
    )
    if len(payload) == 20:
        fields.update(restarts=_u32le(payload, 16))
    else:
        fields.update(reset1=payload[16])
    if voltage:  # 0 = no battery probe
        readings.append(Reading("battery_voltage", voltage / 1000))


def _config(payload: bytes, fields: dict[str, Any]) -> None:
    if len(payload) < 9:
        raise PayloadLengthError(expected="at least 9", got=len(payload))
    fields.update(
        loradr=payload[0],
        txpower=payload[1],
        rssilimit=bits.s16le(payload, 2),
        sendcycle=payload[4],
        wifichancycle=payload[5],
        blescantime=payload[6],
        rgblum=payload[7],
        flags=_bitmap(payload[8], FLAGS),
    )
    if len(payload) > 9:
        fields.update(payloadmask=_bitmap(payload[9], PAYLOAD_MASK))
    if len(payload) > 10:
        raw = payload[10:20].split(b"\x00", 1)[0]
        fields.update(version=raw.decode("ascii", errors="replace"))


def _bme(payload: bytes, fields: dict[str, Any], readings: list[Reading]) -> None:
    if len(payload) != 8:
        raise PayloadLengthError(expected=8, got=len(payload))
    temperature = bits.s16be(payload, 0) / 100
    pressure = bits.u16le(payload, 2) / 10
    humidity = bits.u16le(payload, 4) / 100
    fields.update(
        temperature=temperature,
        pressure=pressure,
        humidity=humidity,
        air=bits.u16le(payload, 6) / 100,
    )
    readings += [
        Reading("air_temperature", temperature),
        Reading("air_pressure", pressure),
        Reading("relative_humidity", humidity),
    ]


def decode(payload: bytes, f_port: int) -> Decoded:
    """Decode one Packed-format uplink (ports 1-9; 10-12 user data, kept raw)."""
    if f_port not in PORTS:
        raise UnknownPortError(f_port)
    fields: dict[str, Any] = {"port": f_port}
    readings: list[Reading] = []
    if f_port in USER_PORTS:
        return Decoded(fields=fields, warnings=("user sensor data: user-defined format",))
    if f_port == COUNT_PORT:
        _counts(payload, fields, readings)
    elif f_port == 2:
        _status(payload, fields, readings)
    elif f_port == 3:
        _config(payload, fields)
    elif f_port == 4:
        if len(payload) != _GPS_LENGTH:
            raise PayloadLengthError(expected=_GPS_LENGTH, got=len(payload))
        _gps(payload, 0, fields, readings)
    elif f_port == 5:
        if len(payload) != 1:
            raise PayloadLengthError(expected=1, got=len(payload))
        fields.update(button=payload[0])
    elif f_port == 6:
        if len(payload) != 2:
            raise PayloadLengthError(expected=2, got=len(payload))
        fields.update(rssi=struct.unpack_from("b", payload, 0)[0], beacon=payload[1])
    elif f_port == 7:
        _bme(payload, fields, readings)
    elif f_port == 8:
        if len(payload) != 2:
            raise PayloadLengthError(expected=2, got=len(payload))
        voltage = bits.u16le(payload, 0)
        fields.update(voltage=voltage)
        if voltage:
            readings.append(Reading("battery_voltage", voltage / 1000))
    elif len(payload) == 1:  # port 9: time sync request
        fields.update(timesync_seqno=payload[0])
    elif len(payload) == 5:  # port 9: time answer
        fields.update(time=_u32le(payload, 0), timestatus=payload[4])
    else:
        raise PayloadLengthError(expected="1 or 5", got=len(payload))
    return Decoded(fields=fields, readings=tuple(readings))


def encode(readings: Sequence[Reading]) -> tuple[int, bytes]:
    """Build a Packed count uplink (no GPS) that decodes to `readings` (for the simulator).

    Raises:
        ValueError: anything but people_count on channels 0 and 1 within uint16.
    """
    values = {(r.quantity, r.channel): r.value for r in readings}
    if set(values) != {("people_count", 0), ("people_count", 1)}:
        raise ValueError(f"paxcounter encodes people_count channels 0 and 1, got {sorted(values)}")
    wifi, ble = round(values[("people_count", 0)]), round(values[("people_count", 1)])
    return COUNT_PORT, bits.pack_uint(wifi, 2, big_endian=False) + bits.pack_uint(
        ble, 2, big_endian=False
    )


SPEC = DecoderSpec(
    type_id="opensource/esp32-paxcounter",
    vendor="Open source (cyberman54)",
    model="ESP32-Paxcounter",
    category="smart_city",
    f_ports=PORTS,
    quantities=frozenset(
        {
            "people_count",
            "latitude",
            "longitude",
            "altitude",
            "battery_voltage",
            "air_temperature",
            "air_pressure",
            "relative_humidity",
        }
    ),
    source=(
        "ESP32-Paxcounter docs/payloadformat.md and the firmware's Packed encoder "
        "(src/payload.cpp), https://github.com/cyberman54/ESP32-Paxcounter; Packed is the "
        "format of the TTN device repository's codec for this type"
    ),
    decode=decode,
    encode=encode,
)

"""M-Bus data records (EN 13757-3 data information blocks), as LoRaWAN meter modules send them.

Meter radio modules (Elvaco CMi41x0, ...) forward the meter's M-Bus records unchanged, so a
payload is a run of blocks `DIF [DIFE...] VIF [VIFE...] data`. This module splits such a run
into records and reads the value types and units the modules' manuals list; a record type
it does not know is an error, never a silent guess.

EN 13757-3 coding used here:
    DIF   bit 7 extension, bit 6 storage number LSB, bits 5-4 function (0 instantaneous,
          1 maximum, 2 minimum, 3 value during error), bits 3-0 data field: 0 none, 1/2/3/4/6/7
          = 8/16/24/32/48/64-bit integer (little-endian two's complement), 9/A/B/C/E = 2/4/6/8/12
          digit BCD (little-endian; a top nibble F marks a negative value); DIF 0x2F is an
          idle filler, 0x0F / 0x1F start manufacturer-specific data (not decoded)
    DIFE  bit 7 extension, bit 6 device unit, bits 5-4 tariff, bits 3-0 storage number
    VIF   bit 7 extension; 0x00-0x07 energy 10^(n-3) Wh, 0x08-0x0F energy 10^n J, 0x10-0x17
          volume 10^(n-6) m3, 0x28-0x2F power 10^(n-3) W, 0x38-0x3F volume flow 10^(n-6) m3/h,
          0x58-0x5B flow temperature 10^(n-3) degC, 0x5C-0x5F return temperature 10^(n-3) degC,
          0x78 fabrication number; 0xFD first extension table: 0x17 error flags, 0x74 remaining
          battery lifetime (days)
"""

from __future__ import annotations

from dataclasses import dataclass

from decoders.errors import PayloadLengthError, ReservedValueError

FUNCTIONS = ("instantaneous", "maximum", "minimum", "error")
INTEGER_SIZES = {0x1: 1, 0x2: 2, 0x3: 3, 0x4: 4, 0x6: 6, 0x7: 8}
BCD_SIZES = {0x9: 1, 0xA: 2, 0xB: 3, 0xC: 4, 0xE: 6}


@dataclass(frozen=True, slots=True)
class Record:
    """One data record: what it measures, in which unit, and its value in that unit."""

    name: str  # energy, volume, power, volume_flow, flow_temperature, return_temperature, ...
    unit: str  # Wh, J, m3, W, m3/h, Cel, d, or "" for identifiers and flag words
    value: float | int
    function: str = "instantaneous"
    storage: int = 0
    tariff: int = 0


def parse(data: bytes) -> list[Record]:
    """Split a run of data information blocks into records.

    Raises:
        PayloadLengthError: a block is cut short.
        ReservedValueError: a data field coding or value type outside the table above.
    """
    records, offset = [], 0
    while offset < len(data):
        dif = data[offset]
        offset += 1
        if dif == 0x2F:  # idle filler: no record
            continue
        if dif in (0x0F, 0x1F):  # manufacturer-specific data follows
            raise ReservedValueError(f"special function DIF 0x{dif:02X} is not decoded")
        storage, tariff = (dif >> 6) & 0x01, 0
        extension, index = bool(dif & 0x80), 0
        while extension:  # each DIFE adds 4 storage-number bits and 2 tariff bits
            dife = _take(data, offset, 1)[0]
            offset += 1
            storage |= (dife & 0x0F) << (1 + 4 * index)
            tariff |= ((dife >> 4) & 0x03) << (2 * index)
            extension, index = bool(dife & 0x80), index + 1
        vif = _take(data, offset, 1)[0]
        offset += 1
        vife = b""
        if vif & 0x80:
            start = offset
            while _take(data, offset, 1)[0] & 0x80:
                offset += 1
            offset += 1
            vife = data[start:offset]
        coding = dif & 0x0F
        name, unit, exponent, raw_unsigned = _value_type(vif, vife)
        if coding in INTEGER_SIZES:
            chunk = _take(data, offset, INTEGER_SIZES[coding])
            raw = int.from_bytes(chunk, "little", signed=not raw_unsigned)
        elif coding in BCD_SIZES:
            chunk = _take(data, offset, BCD_SIZES[coding])
            raw = _bcd(chunk)
        else:
            raise ReservedValueError(f"DIF data field 0x{coding:X} is not decoded")
        offset += len(chunk)
        value: float | int = raw if exponent == 0 else round(raw * 10.0**exponent, 9)
        function = FUNCTIONS[(dif >> 4) & 0x03]
        records.append(Record(name, unit, value, function, storage, tariff))
    return records


def bcd_bytes(value: int, size: int) -> bytes:
    """`value` as `size` bytes of little-endian BCD (the inverse of the parser's BCD read).

    Raises:
        ValueError: a negative value or one with more than 2 * size digits.
    """
    digits = f"{value:0{2 * size}d}"
    if value < 0 or len(digits) != 2 * size:
        raise ValueError(f"{value} does not fit {2 * size} BCD digits")
    return bytes.fromhex(digits)[::-1]


def _value_type(vif: int, vife: bytes) -> tuple[str, str, int, bool]:
    """(name, unit, decimal exponent, read integers unsigned) for a VIF and its extensions."""
    code = vif & 0x7F
    if vif == 0xFD and vife:
        extension = vife[0] & 0x7F
        if extension == 0x17:
            return "error_flags", "", 0, True
        if extension == 0x74:
            return "battery_lifetime", "d", 0, False
        raise ReservedValueError(f"VIF extension 0xFD 0x{vife[0]:02X} is not decoded")
    if vif & 0x80 and vif != 0xFD:
        raise ReservedValueError(f"VIF 0x{vif:02X} with extensions is not decoded")
    n = code & 0x07
    table: dict[int, tuple[str, str, int]] = {
        0x00: ("energy", "Wh", n - 3),
        0x08: ("energy", "J", n),
        0x10: ("volume", "m3", n - 6),
        0x28: ("power", "W", n - 3),
        0x38: ("volume_flow", "m3/h", n - 6),
    }
    if code & 0x78 in table:
        name, unit, exponent = table[code & 0x78]
        return name, unit, exponent, False
    if 0x58 <= code <= 0x5F:
        name = "flow_temperature" if code < 0x5C else "return_temperature"
        return name, "Cel", (code & 0x03) - 3, False
    if code == 0x78:
        return "fabrication_number", "", 0, True
    raise ReservedValueError(f"VIF 0x{vif:02X} is not decoded")


def _bcd(chunk: bytes) -> int:
    digits = chunk[::-1].hex()
    if digits.isdigit():
        return int(digits)
    if digits[0] == "f" and digits[1:].isdigit():  # EN 13757-3: top nibble F = negative
        return -int(digits[1:])
    raise ReservedValueError(f"BCD field {digits.upper()} holds a non-decimal digit")


def _take(data: bytes, offset: int, size: int) -> bytes:
    chunk = data[offset : offset + size]
    if len(chunk) != size:
        raise PayloadLengthError(expected=f"{size} more bytes at offset {offset}", got=len(data))
    return chunk

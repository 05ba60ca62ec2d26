"""Reading `smartregion devices import` files: CSV or JSON, validated before anything is written."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from storage.registry import DeviceImport

_SEPARATORS = re.compile(r"[\s:\-]")
CSV_HEADER = ("dev_eui", "name", "type", "latitude", "longitude", "open_data")


class DeviceFileError(ValueError):
    """The file cannot be imported; the message says where and what to fix."""


def normalize_eui(value: str) -> str:
    """Accept any case and the usual separators; return 16 upper-case hex digits."""
    eui = _SEPARATORS.sub("", value).upper()
    if not re.fullmatch(r"[0-9A-F]{16}", eui):
        raise ValueError(f"{value!r} is not a DevEUI: expected 16 hexadecimal digits")
    return eui


class DeviceRecord(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    dev_eui: str
    name: str | None = None
    type: str | None = Field(None, description="decoder type id, vendor/model")
    latitude: float | None = Field(None, ge=-90, le=90)
    longitude: float | None = Field(None, ge=-180, le=180)
    altitude: float | None = None
    open_data: bool = False
    tags: dict[str, Any] | None = None

    @field_validator("dev_eui")
    @classmethod
    def _eui(cls, value: str) -> str:
        return normalize_eui(value)

    @field_validator("type", "name", "latitude", "longitude", "altitude", mode="before")
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        return None if value == "" else value

    @field_validator("type")
    @classmethod
    def _type_shape(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(
            r"[a-z0-9][a-z0-9._-]*/[a-z0-9][a-z0-9._-]*", value
        ):
            raise ValueError(
                f"{value!r} is not a device type id: expected vendor/model, lower case"
            )
        return value

    @field_validator("open_data", mode="before")
    @classmethod
    def _truthy(cls, value: object) -> object:
        if isinstance(value, str):
            v = value.strip().lower()
            if v in ("", "0", "false", "no", "n"):
                return False
            if v in ("1", "true", "yes", "y"):
                return True
        return value

    def to_import(self) -> DeviceImport:
        return DeviceImport(
            dev_eui=self.dev_eui,
            name=self.name,
            type_id=self.type,
            latitude=self.latitude,
            longitude=self.longitude,
            altitude=self.altitude,
            open_data=self.open_data,
            tags=self.tags,
        )


def _records_from_text(text: str, suffix: str) -> list[tuple[str, dict[str, Any]]]:
    stripped = text.lstrip()
    if suffix == ".json" or stripped.startswith(("[", "{")):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise DeviceFileError(f"not valid JSON: {exc}") from None
        if isinstance(data, dict):
            data = data.get("devices", data)
        if not isinstance(data, list):
            raise DeviceFileError('JSON must be a list of devices or {"devices": [...]}')
        rows = []
        for i, item in enumerate(data):
            if not isinstance(item, dict):
                raise DeviceFileError(f"device #{i + 1}: expected an object")
            if "type_id" in item and "type" not in item:
                item = {k: v for k, v in item.items() if k != "type_id"} | {"type": item["type_id"]}
            rows.append((f"device #{i + 1}", item))
        return rows
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in reader.fieldnames or []]
    if "dev_eui" not in header:
        raise DeviceFileError(f"CSV header must include dev_eui; expected {','.join(CSV_HEADER)}")
    unknown = set(header) - set(CSV_HEADER) - {"altitude", "type_id"}
    if unknown:
        raise DeviceFileError(
            f"unknown CSV column(s) {sorted(unknown)}; expected {','.join(CSV_HEADER)}"
        )
    rows = []
    for line_no, raw in enumerate(reader, start=2):
        row = {k.strip(): v for k, v in raw.items() if k is not None}
        if "type_id" in row and "type" not in row:
            row["type"] = row.pop("type_id")
        if not any((v or "").strip() for v in row.values()):
            continue
        rows.append((f"line {line_no}", row))
    return rows


def read_device_file(path: Path) -> list[DeviceImport]:
    """All devices of the file, or a DeviceFileError naming every bad row."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise DeviceFileError(f"cannot read {path}: {exc.strerror}") from None
    problems: list[str] = []
    devices: list[DeviceImport] = []
    seen: set[str] = set()
    for where, row in _records_from_text(text, path.suffix.lower()):
        try:
            eui = normalize_eui(str(row.get("dev_eui", "")))
        except ValueError:
            eui = None
        if eui is not None and eui in seen:
            problems.append(f"{where}: dev_eui {eui} appears twice")
            continue
        if eui is not None:
            seen.add(eui)
        try:
            record = DeviceRecord.model_validate(row)
        except ValidationError as exc:
            for err in exc.errors():
                field = ".".join(str(p) for p in err["loc"]) or "row"
                problems.append(f"{where}: {field}: {err['msg']}")
            continue
        devices.append(record.to_import())
    if problems:
        raise DeviceFileError("\n".join(problems))
    if not devices:
        raise DeviceFileError("the file lists no devices")
    return devices

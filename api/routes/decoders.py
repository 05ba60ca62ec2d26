"""The device types this platform decodes."""

from __future__ import annotations

from fastapi import APIRouter

from api.schemas import DecoderPublic
from decoders import list_decoders

router = APIRouter(prefix="/v1", tags=["decoders"])


@router.get("/decoders", response_model=list[DecoderPublic])
async def read_decoders() -> list[DecoderPublic]:
    """List the decoders: type id, vendor, model, category, ports and quantities."""
    return [DecoderPublic.model_validate(d) for d in list_decoders()]

"""The HTTP API: FastAPI over storage, every read scoped to the caller in SQL."""

from api.app import create_app
from api.settings import ApiSettings

__all__ = ["ApiSettings", "create_app"]

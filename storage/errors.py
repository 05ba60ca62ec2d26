"""Storage's error root. psycopg's own errors otherwise pass through untouched."""


class StorageError(Exception):
    """Base of the errors storage raises itself."""


class NotFoundError(StorageError):
    """The thing asked for does not exist, or the caller may not see it (the same to them)."""

    def __init__(self, what: str) -> None:
        super().__init__(f"{what} not found")
        self.what = what


class ConflictError(StorageError):
    """The thing to create exists already."""

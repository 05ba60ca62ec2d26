"""The one error root of `netserver`: a message that cannot be read as an envelope."""

from __future__ import annotations


class EnvelopeError(Exception):
    """A network-server message that is malformed or of an unknown kind.

    `reason` is written for a person ("missing uplink_message.frm_payload"): it is what
    the ingestor stores in the dead-letter table next to the raw message and its topic.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason

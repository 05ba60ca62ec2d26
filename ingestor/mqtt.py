"""The MQTT edge: QoS 1, persistent session, acknowledgement only after commit.

aiomqtt 2.x has no public manual-acknowledgement switch (aiomqtt issue #345, PR #346),
so the two calls that need it reach the wrapped paho client. They are confined here.
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass

import aiomqtt
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties
from pydantic import AnyUrl


@dataclass(frozen=True, slots=True)
class BrokerOptions:
    url: AnyUrl
    client_id: str
    protocol: str = "5"
    receive_maximum: int = 2000
    session_expiry_s: int = 7 * 24 * 3600


def make_client(options: BrokerOptions) -> aiomqtt.Client:
    """A client whose messages stay unacknowledged until `ack` is called."""
    url = options.url
    tls = url.scheme in ("mqtts", "ssl")
    port = url.port or (8883 if tls else 1883)
    v5 = options.protocol == "5"
    properties = None
    if v5:
        properties = Properties(PacketTypes.CONNECT)  # type: ignore[no-untyped-call]
        properties.SessionExpiryInterval = options.session_expiry_s
        properties.ReceiveMaximum = options.receive_maximum
    client = aiomqtt.Client(
        url.host or "127.0.0.1",
        port,
        username=url.username,
        password=url.password,
        identifier=options.client_id,
        protocol=aiomqtt.ProtocolVersion.V5 if v5 else aiomqtt.ProtocolVersion.V311,
        clean_session=None if v5 else False,
        clean_start=False,
        properties=properties,
        tls_context=ssl.create_default_context() if tls else None,
        max_inflight_messages=options.receive_maximum,
        timeout=10,
    )
    client._client.manual_ack_set(True)
    return client


def ack(client: aiomqtt.Client, mid: int, qos: int) -> None:
    """Acknowledge one QoS > 0 message to the broker."""
    if qos > 0:
        client._client.ack(mid, qos)

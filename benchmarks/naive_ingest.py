"""The ingestor people write first: paho-mqtt, json, one autocommit INSERT per reading.

Run by benchmarks/ingest.py as a baseline; prints {"uplinks_per_s": ...}.
Usage: naive_ingest.py DATABASE_URL BROKER_PORT TOPIC COUNT
"""

from __future__ import annotations

import base64
import json
import sys
import time

import paho.mqtt.client as mqtt
import psycopg
from paho.mqtt.enums import CallbackAPIVersion

from decoders import decode


def main() -> None:
    url, port, topic, count = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
    conn = psycopg.connect(url, autocommit=True)
    conn.execute(
        "CREATE TABLE IF NOT EXISTS naive_readings (time timestamptz, dev_eui text, "
        "quantity text, value double precision)"
    )
    state = {"n": 0, "first": 0.0, "last": 0.0}

    def on_message(_c: mqtt.Client, _u: object, msg: mqtt.MQTTMessage) -> None:
        if state["n"] == 0:
            state["first"] = time.monotonic()
        up = json.loads(msg.payload)
        um = up["uplink_message"]
        ids = um.get("version_ids", {})
        decoded = decode(f"{ids.get('brand_id')}/{ids.get('model_id')}", um.get("f_port", 0),
                         base64.b64decode(um.get("frm_payload", "")))  # fmt: skip
        for r in decoded.readings:
            conn.execute(
                "INSERT INTO naive_readings VALUES (%s, %s, %s, %s)",
                (um["received_at"], up["end_device_ids"]["dev_eui"], r.quantity, r.value),
            )
        state["n"] += 1
        state["last"] = time.monotonic()

    client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id="naive-bench")
    client.on_message = on_message
    client.connect("127.0.0.1", port)
    client.subscribe(topic, qos=1)
    deadline = time.monotonic() + 600
    while state["n"] < count and time.monotonic() < deadline:
        client.loop(timeout=0.1)
    client.disconnect()
    rate = state["n"] / max(state["last"] - state["first"], 1e-9)
    print(json.dumps({"uplinks_per_s": rate, "uplinks": state["n"]}))


if __name__ == "__main__":
    main()

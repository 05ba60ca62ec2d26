"""The ingestion service: MQTT -> envelopes -> decoders -> TimescaleDB, exactly once."""

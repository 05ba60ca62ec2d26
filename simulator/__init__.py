"""A region of devices and gateways publishing realistic LoRaWAN uplinks (first slice)."""

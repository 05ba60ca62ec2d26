"""Elvaco meter connectivity modules (M-Bus meters over LoRaWAN)."""

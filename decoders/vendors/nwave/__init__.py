"""Nwave Technologies LoRaWAN parking sensors."""

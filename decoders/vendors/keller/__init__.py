"""KELLER AG für Druckmesstechnik LoRaWAN data loggers."""

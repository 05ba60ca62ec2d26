"""Dingtek (Beijing Dingtek Technology) LoRaWAN sensors."""

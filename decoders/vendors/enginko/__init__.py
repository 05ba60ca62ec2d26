"""enginko (MCF88) LoRaWAN sensors."""

"""Open-source hardware devices."""

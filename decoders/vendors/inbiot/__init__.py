"""inBiot MICA indoor air quality monitors."""

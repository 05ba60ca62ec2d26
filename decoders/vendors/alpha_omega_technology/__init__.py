"""Alpha-Omega Technology (KLAX optical reader for electricity meters)."""

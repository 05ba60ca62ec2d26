"""VEGA Grieshaber radar sensors."""

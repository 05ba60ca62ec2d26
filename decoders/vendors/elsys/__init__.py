"""Elsys sensors: one shared type-length-value payload (`protocol.py`), one module per model."""

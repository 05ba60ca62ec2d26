"""Decentlab DL-* devices: one shared self-describing protocol, one small module per model."""

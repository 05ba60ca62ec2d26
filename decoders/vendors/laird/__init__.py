"""Laird Connectivity (Sentrius RS1xx sensors)."""

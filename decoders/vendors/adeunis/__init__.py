"""Adeunis devices."""

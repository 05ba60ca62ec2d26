"""Abeeway trackers."""

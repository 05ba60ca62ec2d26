"""Sentinum GmbH room-climate and air-quality sensors."""

"""TimescaleDB storage: migrations, pool, the batch writer, registries and read queries.

The only package that writes SQL.
"""

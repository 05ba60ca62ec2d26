"""PMX Systems traffic counters."""

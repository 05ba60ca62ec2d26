"""Sept-S building safety devices (TG563A smoke alarm, also sold by Hager)."""

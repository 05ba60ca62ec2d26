"""sensative device decoders."""

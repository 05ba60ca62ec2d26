"""tektelic device decoders."""

"""imbuildings device decoders."""

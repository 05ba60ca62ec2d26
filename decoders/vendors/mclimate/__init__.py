"""mclimate device decoders."""

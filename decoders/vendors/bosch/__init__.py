"""bosch device decoders."""

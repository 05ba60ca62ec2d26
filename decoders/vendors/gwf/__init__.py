"""GWF meter radio modules."""

"""API: work."""

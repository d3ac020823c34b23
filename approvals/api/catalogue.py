"""API: catalogue."""

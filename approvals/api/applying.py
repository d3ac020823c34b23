"""API: applying."""

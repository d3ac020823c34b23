"""API: cards."""

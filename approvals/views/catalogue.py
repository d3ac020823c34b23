"""Pages: catalogue."""

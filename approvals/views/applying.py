"""Pages: applying."""

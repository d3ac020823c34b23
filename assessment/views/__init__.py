"""Pages of the assessment, one module per area; assessment/urls.py lists them. Each view parses input, checks who
may act, and calls one service or selector."""

"""Forms of the approval pages, one module per area."""

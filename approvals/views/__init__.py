"""Pages of the approvals app, one module per area; URL lists in the matching *_urls modules."""

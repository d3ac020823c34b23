"""REST API of the approvals app, one module per area; routes in the matching *_urls modules."""

"""Reads of approvals: permission-scoped querysets and figures."""

"""API: queues."""

"""Pages: queues."""

"""Every write of the complaints app: filing, handling, findings, replies, ratings and rectification."""

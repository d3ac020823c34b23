"""Writes and state transitions of the assessment; views, API and tasks call these."""

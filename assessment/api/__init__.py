"""DRF endpoints of the assessment."""

"""Every write to approvals: intake, pre-review, processing, supervision cards. Views and tasks call these."""

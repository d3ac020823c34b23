"""Reads of the dashboards: who sees which scope, the figures, the lists behind them, the public pages.

The dashboards own no data: they read approvals, supervision, supervised tasks, credit, complaints and assessment
through those apps' selectors (and the pre-aggregated case figures), never their tables' internals.
"""

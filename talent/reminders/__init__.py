"""Reminders and notifications: the delivery ledger, the in-app inbox, e-mail and preferences.

Features write `Notification` rows through `talent.reminders.services` inside their own
business transaction; the scheduler process (`talent scheduler`) delivers them after the commit.
"""

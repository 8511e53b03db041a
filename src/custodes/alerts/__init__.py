"""Alerts on the change feed: subscriptions, matching delta entries, and their delivery log."""

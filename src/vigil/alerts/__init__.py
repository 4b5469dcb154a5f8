"""Alerts (OASIS CAP 1.2) and the response loop: options, responders, actions, outcomes."""

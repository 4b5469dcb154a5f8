"""The response loop: options, responders, actions and outcomes for each alert,
and the gap between warning and action."""

"""Subscriptions and the durable outbox that delivers products and alerts."""

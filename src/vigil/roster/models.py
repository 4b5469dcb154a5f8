"""Mediators and experts, their availability, deployments and diversity."""

"""Vigil: open early-warning and early-response platform for regional peace and security."""

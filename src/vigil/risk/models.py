"""Stored analysis: area risk, escalations, hotspots and forecasts with their backtest scores."""

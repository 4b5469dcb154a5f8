"""Framework-free analytics: pure functions over data frames (panel, risk, escalation,
hotspots, forecasts, backtests). Nothing here may import Django or a Vigil app; the
import-linter contract in pyproject.toml enforces it, and tests/architecture runs it."""

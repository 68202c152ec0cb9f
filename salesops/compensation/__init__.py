"""Incentive compensation: plan config, the payout engine, period close, simulation (docs/compensation.md)."""

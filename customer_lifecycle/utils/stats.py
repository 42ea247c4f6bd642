"""Statistics the app's rules need (no database)."""

import math


def percentile(values: list[float], pct: float) -> float:
	"""Nearest-rank percentile: the smallest value with at least pct% of values at or below it."""
	if not values:
		raise ValueError("no values")
	ordered = sorted(values)
	rank = max(1, math.ceil(pct / 100 * len(ordered)))
	return ordered[rank - 1]

"""Timing helpers for the benchmark commands (no database)."""

import math
import time
from collections.abc import Callable


def percentile(values: list[float], pct: float) -> float:
	"""Nearest-rank percentile: the smallest value with at least pct% of values at or below it."""
	if not values:
		raise ValueError("no values")
	ordered = sorted(values)
	rank = max(1, math.ceil(pct / 100 * len(ordered)))
	return ordered[rank - 1]


def time_each(fn: Callable[[int], object], count: int) -> list[float]:
	"""Call fn(i) count times; the duration of each call in milliseconds."""
	out = []
	for i in range(count):
		start = time.perf_counter()
		fn(i)
		out.append((time.perf_counter() - start) * 1000)
	return out


def summary(label: str, ms: list[float], target: str = "") -> str:
	line = f"{label}: p50 {percentile(ms, 50):.2f} ms, p95 {percentile(ms, 95):.2f} ms, n={len(ms)}"
	return f"{line}  (target {target})" if target else line

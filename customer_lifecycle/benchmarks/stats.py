"""Timing helpers for the benchmark commands (no database); percentile is the app's own."""

import time
from collections.abc import Callable

from customer_lifecycle.utils.stats import percentile


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

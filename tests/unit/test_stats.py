import pytest

from customer_lifecycle.benchmarks.stats import percentile, summary, time_each


def test_percentile_nearest_rank():
	values = list(range(1, 101))
	assert percentile(values, 50) == 50
	assert percentile(values, 95) == 95
	assert percentile([7.0], 95) == 7.0
	with pytest.raises(ValueError):
		percentile([], 50)


def test_time_each_counts_calls():
	calls = []
	ms = time_each(calls.append, 5)
	assert calls == [0, 1, 2, 3, 4] and len(ms) == 5 and all(m >= 0 for m in ms)
	assert "p95" in summary("x", ms, "p95 <= 1 ms")

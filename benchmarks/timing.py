"""Small timing helpers shared by the data and UI benchmarks."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Stats:
    """Latency summary in milliseconds (nearest-rank percentiles)."""

    n: int
    p50: float
    p95: float
    max: float

    def as_dict(self, prefix: str) -> dict[str, float]:
        """``{prefix_p50_ms: …, prefix_p95_ms: …, prefix_max_ms: …}``."""
        return {
            f"{prefix}_p50_ms": round(self.p50, 3),
            f"{prefix}_p95_ms": round(self.p95, 3),
            f"{prefix}_max_ms": round(self.max, 3),
        }


def percentile(sorted_values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile of an already sorted sequence."""
    if not sorted_values:
        return math.nan
    rank = max(1, math.ceil(fraction * len(sorted_values)))
    return sorted_values[min(rank, len(sorted_values)) - 1]


def summarise(seconds: Sequence[float]) -> Stats:
    """p50 / p95 / max of durations given in seconds, reported in milliseconds."""
    values = sorted(s * 1000.0 for s in seconds)
    if not values:
        return Stats(0, math.nan, math.nan, math.nan)
    return Stats(len(values), percentile(values, 0.5), percentile(values, 0.95), values[-1])


def median(values: Sequence[float]) -> float:
    """The median (lower middle for an even count, so it is an observed value)."""
    ordered = sorted(values)
    if not ordered:
        return math.nan
    return ordered[(len(ordered) - 1) // 2]


def ratio(numerator: float, denominator: float) -> float:
    """numerator / denominator, rounded; NaN when the denominator is not positive."""
    if not denominator or denominator <= 0 or math.isnan(denominator):
        return math.nan
    return round(numerator / denominator, 3)

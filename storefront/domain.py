"""The base of every error a service raises for a buyer or staff member to read."""

from __future__ import annotations


class DomainError(Exception):
    """A rule of the shop said no; ``message`` is safe to show to the person who asked."""

    status_code = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

def allocate(total: int, weights: list[int]) -> list[int]:
    """Split ``total`` rupiah over ``weights`` so the parts add up exactly to ``total``.

    Largest-remainder rounding: each part is its proportional share rounded
    down, and the rupiah left over go to the largest fractional remainders
    (ties to the earlier weight). ``total`` may be negative; weights must not.
    """
    if not weights:
        raise ValueError("nothing to allocate over")
    if any(w < 0 for w in weights) or sum(weights) == 0:
        raise ValueError("weights must be non-negative and not all zero")
    sign = -1 if total < 0 else 1
    magnitude = abs(total)
    weight_sum = sum(weights)
    parts = [magnitude * w // weight_sum for w in weights]
    remainders = [(magnitude * w % weight_sum, -i) for i, w in enumerate(weights)]
    for _, neg_index in sorted(remainders, reverse=True)[: magnitude - sum(parts)]:
        parts[-neg_index] += 1
    return [sign * p for p in parts]


"""Statistical checks for random operations, with bounds that are never flaky.

A count of successes among independent trials is accepted when it lies in an
interval that a correct implementation leaves with probability below one in a
million. The interval comes from the Chernoff bound on the binomial tail,
P(K >= n*q) <= exp(-n * KL(q || p)) for q > p (and symmetrically below), which
holds for every n and p: no normal approximation is involved.
"""
import functools
import math

from autograder.feedback import StudentFault

FAILURE_PROBABILITY = 1e-6


@functools.lru_cache(maxsize=4096)  # the same few (trials, p) for every submission of a batch
def binomial_interval(trials: int, p: float, failure: float = FAILURE_PROBABILITY) -> tuple[int, int]:
    """Counts [low, high] that Binomial(trials, p) leaves with probability below `failure`."""
    if p <= 0.0:
        return 0, 0
    if p >= 1.0:
        return trials, trials
    threshold = math.log(2 / failure) / trials  # each tail gets half the budget
    low = _edge(p, threshold, 0.0) if _kl(0.0, p) > threshold else 0.0
    high = _edge(p, threshold, 1.0) if _kl(1.0, p) > threshold else 1.0
    return math.floor(low * trials), math.ceil(high * trials)


def expect_fraction(count: int, trials: int, p: float, *, what: str, alternatives=()) -> None:
    """Expect `count` of `trials` to look like probability `p`; name an alternative `(message, p)` it fits better."""
    low, high = binomial_interval(trials, p)
    if _within(count, (low, high)):
        return
    sentence = (f"{what}: {count} of {trials} ({count / trials:.4f}); expected a fraction near {p:g} "
                f"(between {low} and {high}, a range a correct implementation leaves less than once in a million runs).")
    matched = next((message for message, alternative in alternatives
                    if _within(count, binomial_interval(trials, alternative))), None)
    raise StudentFault(sentence, mistake=matched)


def _within(count: int, interval: tuple[int, int]) -> bool:
    return interval[0] <= count <= interval[1]


def _kl(q: float, p: float) -> float:
    """Kullback-Leibler divergence between Bernoulli(q) and Bernoulli(p)."""
    total = 0.0
    if q > 0:
        total += q * math.log(q / p)
    if q < 1:
        total += (1 - q) * math.log((1 - q) / (1 - p))
    return total


def _edge(p: float, threshold: float, toward: float) -> float:
    """The q between p and `toward` where KL(q || p) reaches `threshold`, by bisection."""
    inside, outside = p, toward
    for _ in range(100):
        middle = (inside + outside) / 2
        if _kl(middle, p) > threshold:
            outside = middle
        else:
            inside = middle
    return outside

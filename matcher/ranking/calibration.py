"""A text score on a scale that means the same for every problem, and what a strong match needs.

Raw scores depend on the corpus, so the index measures its own "typical strong match": problem-sized
texts known to be about one researcher's work (a publication of theirs) are scored against everybody
else, and a high percentile of their best scores is the reference. A match sharing only one or two
words scores high on short texts without being evidence, so strength also asks for several shared words.
"""

from __future__ import annotations

import random

import numpy as np

CALIBRATION_QUERIES = 50
REFERENCE_PERCENTILE = 75
FALLBACK_REFERENCE = 0.3
EVIDENCE_TERMS = 5  # subject words a strong match shares at least


class CalibrationSample:
    """A fixed-size, seeded random sample of (row, publication text) over the whole corpus (reservoir)."""

    def __init__(self, size: int = CALIBRATION_QUERIES, seed: int = 0):
        self.size, self.items, self.seen = size, [], 0
        self._random = random.Random(seed)

    def offer(self, row: int, text: str) -> None:
        """Consider one researcher's publication for the sample."""
        self.seen += 1
        if len(self.items) < self.size:
            self.items.append((row, text))
        elif (slot := self._random.randrange(self.seen)) < self.size:
            self.items[slot] = (row, text)


def reference_score(sample: CalibrationSample, best_other_score) -> float:
    """The score of a typical strong match: a high percentile of each sampled text's best score among the
    other researchers (best_other_score(row, text) -> float)."""
    best = [best_other_score(row, text) for row, text in sample.items]
    reference = float(np.percentile(best, REFERENCE_PERCENTILE)) if best else 0.0
    return reference if reference > 0 else FALLBACK_REFERENCE


def strength(score: float, reference: float, shared_subject_terms: int) -> float:
    """0-1, comparable across problems: the score against the reference (capped at 1), scaled down when
    fewer than EVIDENCE_TERMS subject words are shared (a researcher found through related words alone
    keeps a sixth of it)."""
    calibrated = min(1.0, max(0.0, score / reference))
    return calibrated * min(1.0, (shared_subject_terms + 1) / (EVIDENCE_TERMS + 1))

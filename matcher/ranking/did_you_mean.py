"""'Did you mean': the closest commoner word of the directory's vocabulary to a misspelt one (pure).

The vocabulary is every surface word (folded: "burglary", "burglaries", "chloe") that yields an index term
or is part of a name, with the number of listed profiles containing it. RapidFuzz's normalised
Indel similarity finds near spellings ("burgalry" -> "burglary") in C, fast enough for every search.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz, process

MIN_SIMILARITY = 75.0  # percent; one typo in a five-letter word scores 80
CANDIDATES = 10


@dataclass(frozen=True)
class Vocabulary:
    """Words and how many profiles contain each."""

    words: list[str]
    counts: np.ndarray

    @classmethod
    def from_entries(cls, word_ids: dict[str, int], entry_words: list[np.ndarray]) -> Vocabulary:
        """The words found in the given entries (ids from word_ids), with their document counts."""
        counts = np.bincount(np.concatenate(entry_words + [np.empty(0, np.int32)]), minlength=len(word_ids))
        by_id = list(word_ids)
        present = np.flatnonzero(counts)
        return cls([by_id[i] for i in present.tolist()], counts[present])

    def count(self, word: str) -> int:
        """How many profiles contain the word (0 for an unknown word)."""
        try:
            return int(self.counts[self.words.index(word)])
        except ValueError:
            return 0

    def closest(self, word: str, more_than: int = 0) -> str | None:
        """The most similar word found in more than `more_than` profiles (ties: the commoner), or None."""
        if len(word) < 3:
            return None
        found = process.extract(word, self.words, scorer=fuzz.ratio, score_cutoff=MIN_SIMILARITY,
                                limit=CANDIDATES)
        candidates = [(score, int(self.counts[i]), text) for text, score, i in found
                      if text != word and self.counts[i] > more_than]
        if not candidates:
            return None
        return max(candidates, key=lambda c: (c[0], c[1], [-ord(ch) for ch in c[2]]))[2]

"""'Did you mean': the closest commoner word of the directory's vocabulary to a misspelt one (pure).

The vocabulary is every surface word (folded: "burglary", "burglaries", "chloe") that yields an index term
or is part of a name, with the number of listed profiles containing it. RapidFuzz's normalised
Indel similarity finds near spellings ("burgalry" -> "burglary") in C, fast enough for every search.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from rapidfuzz import fuzz, process

MIN_SIMILARITY = 80.0  # percent; one typo in a five-letter word scores 80
CANDIDATES = 10


@dataclass(frozen=True)
class Vocabulary:
    """Words and how many profiles contain each."""

    words: list[str]
    counts: np.ndarray
    _position: dict[str, int] | None = field(default=None, repr=False, compare=False)

    @classmethod
    def from_entries(cls, word_ids: dict[str, int], entry_words: list[np.ndarray]) -> Vocabulary:
        """The words found in the given entries (ids from word_ids), with their document counts."""
        counts = np.bincount(np.concatenate(entry_words + [np.empty(0, np.int32)]), minlength=len(word_ids))
        by_id = list(word_ids)
        present = np.flatnonzero(counts)
        return cls([by_id[i] for i in present.tolist()], counts[present])

    def split(self, word: str) -> str | None:
        """Two words of the vocabulary run together ("hotspots" -> "hot spots"), the commonest pair, or None."""
        known = self._positions()
        pairs = [(min(self.counts[known[word[:i]]], self.counts[known[word[i:]]]), f"{word[:i]} {word[i:]}")
                 for i in range(3, len(word) - 2) if word[:i] in known and word[i:] in known]
        return max(pairs)[1] if pairs else None

    def _positions(self) -> dict[str, int]:
        if self._position is None:
            object.__setattr__(self, "_position", {w: i for i, w in enumerate(self.words)})
        return self._position

    def count(self, word: str) -> int:
        """How many profiles contain the word (0 for an unknown word)."""
        position = self._positions().get(word)
        return 0 if position is None else int(self.counts[position])

    def closest(self, word: str, at_least: int = 1, min_similarity: float = MIN_SIMILARITY) -> str | None:
        """The most similar other word found in at least `at_least` profiles (ties: the commoner), or None."""
        if len(word) < 3:
            return None
        found = process.extract(word, self.words, scorer=fuzz.ratio, score_cutoff=min_similarity,
                                limit=CANDIDATES)
        candidates = [(score, int(self.counts[i]), text) for text, score, i in found
                      if text != word and self.counts[i] >= at_least]
        if not candidates:
            return None
        return max(candidates, key=lambda c: (c[0], c[1], [-ord(ch) for ch in c[2]]))[2]

"""Bridges between how practitioners and researchers write.

The bridges themselves are data in `taxonomy.PRACTITIONER_BRIDGES`; here they are matched on analysed
words, so a phrase fires only on whole words in any form ("break-in", "Break-ins") and never inside
another word ("calling" is not "call-ins", "troubleshooting" is not "shootings").
"""

from __future__ import annotations

from matcher import taxonomy


class Bridges:
    """Practitioner phrases as analysed word sequences, each with the researcher words it adds."""

    def __init__(self, analyzer, pairs=taxonomy.PRACTITIONER_BRIDGES):
        self.analyzer = analyzer
        self.phrases = [(tuple(analyzer.unigrams(phrase)), added) for phrase, added in pairs]
        self.phrases = [(terms, added) for terms, added in self.phrases if terms]

    def expand(self, text: str) -> str:
        """The researcher words bridged from the practitioner phrases found in text (each once)."""
        terms = self.analyzer.unigrams(text)
        present = set(terms)
        added = []
        for phrase, words in self.phrases:
            if phrase[0] in present and _contains(terms, phrase) and words not in added:
                added.append(words)
        return " ".join(added)


def _contains(terms: list[str], phrase: tuple[str, ...]) -> bool:
    if len(phrase) == 1:
        return True
    n = len(phrase)
    return any(tuple(terms[i:i + n]) == phrase for i, term in enumerate(terms) if term == phrase[0])

"""Bridges between how practitioners and researchers write, and words that carry no signal.

The bridges themselves are data in `taxonomy.PRACTITIONER_BRIDGES`; here they are matched on analysed
words, so a phrase fires only on whole words in any form ("break-in", "Break-ins") and never inside
another word ("calling" is not "call-ins", "troubleshooting" is not "shootings").
"""

from __future__ import annotations

from matcher import taxonomy

# Words so common in this domain that they carry no signal (chosen by measurement, see bench/RANKING.md).
DOMAIN_STOP_WORDS: frozenset[str] = frozenset({
    "police", "department", "agency", "city", "county", "officers", "need", "needs", "want",
    "help", "looking", "like", "would", "work", "working", "use", "using", "also",
})

# Everyday words that say nothing about a subject; kept out of the index so explanations never show them.
GENERIC_WORDS: frozenset[str] = frozenset("""
    hit hits called call-ups half week weeks month months year years day days time times lot lots really
    got get gets getting going thing things way ways new last past recent recently know think make makes
    made tell told tried try trying able good better best big said say says seen see come came put take
    took including include includes included based different various total per percent ago today
    currently current right left away start started end ended want wanted looking look looked
    square happen happens happened reason reasons notes number numbers lost sent send actually long longer
    short lots kind kinds sure maybe often usually people
    don doesn didn won isn aren wasn weren couldn shouldn wouldn haven hasn hadn ll ve ain
""".split())

# scikit-learn's English stop words name some subjects of this domain: keep those words in the index.
SUBJECT_WORDS_IN_ENGLISH_STOP_LIST: frozenset[str] = frozenset({"fire", "call", "system", "serious", "empty", "bill"})


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

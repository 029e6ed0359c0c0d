"""Words the index leaves out, and subject words it keeps although scikit-learn's list drops them."""

from __future__ import annotations

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

# Words so common in this domain that they carry no signal (chosen by measurement, see bench/RANKING.md).
DOMAIN_STOP_WORDS: frozenset[str] = frozenset({
    "police", "department", "agency", "city", "county", "officers", "need", "needs", "want",
    "help", "looking", "like", "would", "work", "working", "use", "using", "also",
})

# Everyday words that say nothing about a subject; kept out of the index so explanations never show them.
GENERIC_WORDS: frozenset[str] = frozenset("""
    hit hits called half week weeks month months year years day days time times lot lots really
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


def stop_words(extra=DOMAIN_STOP_WORDS | GENERIC_WORDS) -> frozenset[str]:
    """scikit-learn's English stop words less this domain's subject words, plus the extra words."""
    return (ENGLISH_STOP_WORDS - SUBJECT_WORDS_IN_ENGLISH_STOP_LIST) | frozenset(extra or ())

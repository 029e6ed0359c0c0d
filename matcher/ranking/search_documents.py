"""Directory entries as weighted fields of index keys, for the directory's keyword search (pure).

A listed researcher becomes a few fields (name, keywords, topics, statement, publications…). Text fields
go through the matcher's `Analyzer` (case and accent folding, whole words, American spellings, Snowball
stems, numbers and stop words dropped), so the directory and the matcher agree on what a word is. Two
kinds of keys are not stems: a name is kept as folded whole words ("José Ramírez-Ochoa" -> @jose,
@ramirez-ochoa, @ramirez, @ochoa), because people search names exactly and "Will" or "Hope" must not be
dropped as stop words; and the state is kept as its code (#pa), so "PA" finds Pennsylvania and never
"partnership".
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from itertools import chain

import numpy as np

from matcher import taxonomy
from matcher.ranking.analysis import Analyzer, words

NAME_PREFIX = "@"
STATE_PREFIX = "#"
STATE_NAMES = dict(taxonomy.US_STATES)


@dataclass(frozen=True)
class Field:
    """A searchable part of a profile: its BM25F weight, length normalisation and what people call it."""

    name: str
    weight: float
    b: float
    label: str
    content: bool  # part of what a researcher works on (used for "similar researchers")


# Name, keywords and topics above the statement, above publications (titles above abstracts).
FIELDS: tuple[Field, ...] = (
    Field("name", 3.0, 0.0, "name", False),
    Field("keywords", 3.0, 0.0, "keywords", True),
    Field("topics", 3.0, 0.0, "topic", True),
    Field("methods", 2.0, 0.0, "method", True),
    Field("help", 1.5, 0.0, "help offered", False),
    Field("statement", 1.5, 0.75, "statement", True),
    Field("institution", 1.0, 0.0, "institution", False),
    Field("department", 1.0, 0.0, "department", False),
    Field("centre", 1.0, 0.0, "research centre", False),
    Field("place", 1.0, 0.0, "location", False),
    Field("titles", 0.75, 0.75, "publications", True),
    Field("abstracts", 0.5, 0.75, "publications", True),
)
FIELD_NUMBER = {field.name: number for number, field in enumerate(FIELDS)}
NAME_FIELD, PLACE_FIELD = FIELD_NUMBER["name"], FIELD_NUMBER["place"]
TEXT_FIELDS = ("keywords", "topics", "methods", "help", "statement", "institution", "department", "centre",
               "place", "titles", "abstracts")
TEXT_FIELD_NUMBERS = tuple(FIELD_NUMBER[name] for name in TEXT_FIELDS)


@dataclass(frozen=True)
class DirectoryEntry:
    """One listed researcher as the directory sees it: plain data, slugs for the vocabularies."""

    id: int
    name: str
    state: str = ""
    city: str = ""
    institution: str = ""
    department: str = ""
    centre: str = ""
    statement: str = ""
    keywords: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    methods: tuple[str, ...] = ()
    help: tuple[str, ...] = ()
    terms: tuple[str, ...] = ()
    publications: tuple[tuple[str, str], ...] = ()  # (title, abstract)
    latitude: float | None = None
    longitude: float | None = None


def name_tokens(text: str) -> list[str]:
    """Folded whole words of a name, and the parts of hyphenated ones: "Ramírez-Ochoa" -> ramirez-ochoa,
    ramirez, ochoa."""
    tokens = []
    for word in words(text):
        tokens.append(word)
        if "-" in word:
            tokens.extend(part for part in word.split("-") if part)
    return tokens


def state_key(code: str) -> str:
    """The key of a state code: "PA" -> "#pa"."""
    return STATE_PREFIX + code.lower()


@lru_cache(maxsize=256)
def _label_and_abbreviation(vocabulary: taxonomy.Vocabulary, slug: str, analyzer: Analyzer) -> str:
    """A vocabulary item's label, plus the words of its slug whose terms the label lacks ("rct" for
    Randomized controlled trials, "supervision" for Re-entry, probation and parole)."""
    label = taxonomy.label(vocabulary, slug)
    in_label = set(analyzer.unigrams(label))
    missing = [word for word in slug.split("-") if not set(analyzer.word_terms(word)) <= in_label]
    return " ".join([label, *missing])


def vocabulary_text(vocabulary: taxonomy.Vocabulary, slugs: tuple[str, ...], analyzer: Analyzer) -> str:
    """The searchable text of the chosen vocabulary items, one per line."""
    return "\n".join(_label_and_abbreviation(vocabulary, slug, analyzer) for slug in slugs)


def field_texts(entry: DirectoryEntry, analyzer: Analyzer) -> dict[str, str]:
    """The text of each analysed field, in TEXT_FIELDS order (the name and the state code are keyed apart)."""
    publications = entry.publications
    return {
        "keywords": "\n".join(entry.keywords),
        "topics": vocabulary_text(taxonomy.TOPICS, entry.topics, analyzer),
        "methods": vocabulary_text(taxonomy.METHODS, entry.methods, analyzer),
        "help": vocabulary_text(taxonomy.HELP_KINDS, entry.help, analyzer),
        "statement": entry.statement,
        "institution": entry.institution,
        "department": entry.department,
        "centre": entry.centre,
        "place": f"{entry.city}\n{STATE_NAMES.get(entry.state, '')}",
        "titles": "\n".join(title for title, _ in publications),
        "abstracts": "\n".join(abstract for _, abstract in publications),
    }


@dataclass(frozen=True)
class AnalysedEntry:
    """An entry's keys by field: parallel arrays of key ids, field numbers and counts, plus field lengths
    and the ids of the searchable words it contains (the "did you mean" vocabulary)."""

    keys: np.ndarray
    fields: np.ndarray
    counts: np.ndarray
    lengths: np.ndarray
    words: np.ndarray


class _Numbering(dict):
    """Key -> number, numbering new keys as they come (a miss costs one Python call, a hit none)."""

    def __missing__(self, key: str) -> int:
        number = self[key] = len(self)
        return number


class _WordKeys(dict):
    """Folded surface word -> tuple of numbers (computed once per distinct word, then a C dict look-up)."""

    def __init__(self, numbers_of):
        super().__init__()
        self.numbers_of = numbers_of

    def __missing__(self, word: str) -> tuple[int, ...]:
        numbers = self[word] = self.numbers_of(word)
        return numbers


class EntryAnalyser:
    """Turns entries into keys, numbering keys and surface words as it meets them.

    Each distinct word is analysed once per field and remembered as its codes (key x fields + field), so
    an entry costs C-level dict look-ups and one np.unique.
    """

    def __init__(self, analyzer: Analyzer):
        self.analyzer = analyzer
        self.keys: dict[str, int] = _Numbering()
        self.words: dict[str, int] = _Numbering()
        self._codes = [_WordKeys(self._coder(number)).__getitem__ for number in range(len(FIELDS))]
        self._word_ids = _WordKeys(lambda word: tuple(self.words[w] for w in self._searchable_parts(word))).__getitem__

    def _coder(self, field_number: int):
        def codes(word: str) -> tuple[int, ...]:
            return tuple(self.keys[term] * len(FIELDS) + field_number for term in self.analyzer.word_terms(word))
        return codes

    def analyse(self, entry: DirectoryEntry) -> AnalysedEntry:
        """The entry's keys, counts and field lengths."""
        names = name_tokens(entry.name)
        codes = [self.keys[NAME_PREFIX + token] * len(FIELDS) + NAME_FIELD for token in names]
        found = [words(text) for text in field_texts(entry, self.analyzer).values()]
        for field_words, number in zip(found, TEXT_FIELD_NUMBERS, strict=True):
            codes.extend(chain.from_iterable(map(self._codes[number], field_words)))
        lengths = np.bincount(np.asarray(codes, dtype=np.int64) % len(FIELDS), minlength=len(FIELDS))
        if entry.state:
            codes.append(self.keys[state_key(entry.state)] * len(FIELDS) + PLACE_FIELD)
        unique, counts = np.unique(np.asarray(codes, dtype=np.int64), return_counts=True)
        seen = {self.words[token] for token in names}
        seen.update(chain.from_iterable(map(self._word_ids, set(chain.from_iterable(found)))))
        return AnalysedEntry(
            keys=(unique // len(FIELDS)).astype(np.int32), fields=(unique % len(FIELDS)).astype(np.uint8),
            counts=counts.astype(np.float32), lengths=lengths.astype(np.float32),
            words=np.fromiter(seen, dtype=np.int32, count=len(seen)),
        )

    def _searchable_parts(self, word: str) -> list[str]:
        """The word, or the parts of a hyphenated word, that yield index terms."""
        if "-" not in word:
            return [word] if self.analyzer.word_terms(word) else []
        return [part for part in word.split("-") if part and self.analyzer.word_terms(part)]

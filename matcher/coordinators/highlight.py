"""Marking the words a problem and a researcher share, safely (everything else is escaped)."""

from __future__ import annotations

import re

from markupsafe import Markup, escape

from matcher.ranking.text_index import TextIndex

WORD = re.compile(r"\w+(?:-\w+)*")
_ANALYZER = TextIndex().new_analyzer()


def _terms(words: list[str]) -> set[str]:
    return {term for word in words for term in _ANALYZER.unigrams(word)}


def highlight(text: str | None, terms: list | None) -> Markup:
    """The text, escaped, with each word that shares an index term with the given terms wrapped in <mark>.

    Words are compared as the index compares them (stems, folded accents, British and American spelling),
    so "burglaries" in a profile is marked for "burglary" in the problem.
    """
    text = text or ""
    wanted = _terms([str(t[0] if isinstance(t, list | tuple) else t) for t in (terms or [])])
    if not wanted:
        return escape(text)
    pieces, last = [], 0
    for match in WORD.finditer(text):
        if wanted & set(_ANALYZER.unigrams(match.group(0))):
            pieces.append(escape(text[last:match.start()]))
            pieces.append(Markup("<mark>%s</mark>") % match.group(0))
            last = match.end()
    pieces.append(escape(text[last:]))
    return Markup("").join(pieces)

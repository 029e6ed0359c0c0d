"""Marking the terms a problem and a researcher share, safely (everything else is escaped)."""

from __future__ import annotations

import re

from markupsafe import Markup, escape

from matcher.ranking.expansions import PHRASE_EXPANSIONS


def term_pattern(terms: list[str]) -> re.Pattern | None:
    """One regex for the index's terms: words in a phrase may be joined by spaces or punctuation.

    Practitioner phrases that the matcher translates into a shared term ("break-ins" for burglary)
    are marked too, so the coordinator sees where the bridge was made.
    """
    words = [re.findall(r"\w\w+", term.lower()) for term in terms]
    alternatives = [r"\W+".join(map(re.escape, parts)) for parts in words if parts]
    shared = {word for parts in words for word in parts}
    alternatives += [f"(?:{pattern})" for pattern, added in PHRASE_EXPANSIONS
                     if shared & set(re.findall(r"\w\w+", added.lower()))]
    if not alternatives:
        return None
    alternatives.sort(key=len, reverse=True)  # longer phrases win over their single words
    return re.compile(r"\b(?:" + "|".join(alternatives) + r")\b", re.IGNORECASE)


def highlight(text: str | None, terms: list | None) -> Markup:
    """The text, escaped, with each shared term wrapped in <mark>."""
    text = text or ""
    names = [t[0] if isinstance(t, list | tuple) else t for t in (terms or [])]
    pattern = term_pattern([str(n) for n in names])
    if pattern is None:
        return escape(text)
    pieces, last = [], 0
    for match in pattern.finditer(text):
        pieces.append(escape(text[last:match.start()]))
        pieces.append(Markup("<mark>%s</mark>") % match.group(0))
        last = match.end()
    pieces.append(escape(text[last:]))
    return Markup("").join(pieces)

"""British to American spelling, so "victimisation" and "victimization" become one term.

Researchers often write British spellings and practitioners American ones; the stemmer keeps them
apart ("victimis" / "victim"). These are English spelling rules, not subject bridges.
"""

from __future__ import annotations

import re

# -ise/-isation/-yse endings become -ize/-ization/-yze, except in words that are spelled -ise in America too.
_ISE = re.compile(r"(?<=[a-z]{2})(is|ys)(e|es|ed|ing|er|ers|ation|ations)$")
_ISE_WORDS = frozenset("""
    advise arise chastise circumcise clockwise comprise compromise concise demise despise devise disguise
    enterprise excise exercise expertise franchise improvise incise likewise merchandise noise otherwise
    paradise poise praise precise premise promise raise reprise revise rise supervise surmise surprise
    televise treatise wise cruise bruise appraise crise
""".split())

# Whole-word stems whose British form differs in the middle (the ending is kept: "neighbourhoods").
_PREFIXES = {
    "behaviour": "behavior", "neighbour": "neighbor", "labour": "labor", "favour": "favor",
    "colour": "color", "honour": "honor", "harbour": "harbor", "rumour": "rumor", "endeavour": "endeavor",
    "vigour": "vigor", "odour": "odor", "centre": "center", "theatre": "theater", "metre": "meter",
    "fibre": "fiber", "programme": "program", "offence": "offense", "defence": "defense",
    "licence": "license", "pretence": "pretense", "judgement": "judgment", "ageing": "aging",
    "enrolment": "enrollment", "fulfil": "fulfill", "paediatric": "pediatric", "anaesthe": "anesthe",
    "manoeuvr": "maneuver", "catalogue": "catalog", "dialogue": "dialog", "grey": "gray", "tyre": "tire",
    "kerb": "curb", "cheque": "check", "storey": "story", "sceptic": "skeptic", "mould": "mold",
}
_PREFIX = re.compile("^(" + "|".join(sorted(_PREFIXES, key=len, reverse=True)) + ")")


def americanise(word: str) -> str:
    """The American spelling of one lower-cased word (unchanged when it has none)."""
    if _PREFIX.match(word):
        word = _PREFIX.sub(lambda m: _PREFIXES[m.group(1)], word, count=1)
    if "is" in word or "ys" in word:
        word = _ISE.sub(_ize, word)
    return word


def _ize(match: re.Match) -> str:
    """-ise/-yse and their endings as -ize/-yze, unless the word's root is spelled -ise in America too."""
    root = match.string[:match.start()] + match.group(1) + "e"
    if root in _ISE_WORDS:
        return match.group(0)
    return ("iz" if match.group(1) == "is" else "yz") + match.group(2)

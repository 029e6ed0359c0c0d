"""Bridges between how practitioners and researchers write, plus domain stop words.

TOPIC_TERMS adds, for each topic slug, the words both sides use for it; PHRASE_EXPANSIONS
adds researcher words to a text that uses practitioner words ("break-ins" -> burglary).
"""

from __future__ import annotations

import re

TOPIC_TERMS: dict[str, str] = {
    "burglary": "burglary break-ins residential burglary near-repeat",
    "gun-violence": "gun violence shootings firearm violence gunshot",
    "focused-deterrence": "focused deterrence group violence intervention GVI call-ins deterrence",
    "hot-spots": "hot spots micro-places crime concentration place-based policing",
    "repeat-victimization": "repeat victimization frequent flyers repeat callers near-repeat",
    "gangs": "gangs crews sets street groups group-involved",
    "youth-crime": "youth juvenile delinquency young people",
    "domestic-violence": "domestic violence intimate partner violence lethality assessment",
    "robbery": "robbery street robbery commercial robbery",
    "vehicle-crime": "vehicle crime car break-ins auto theft catalytic converter theft",
    "drug-markets": "drug markets opioids overdoses naloxone MOUD",
    "mental-health-crisis": "mental health crisis people in crisis CIT co-responder",
    "traffic-safety": "traffic safety crashes street takeovers",
    "community-trust": "community trust legitimacy procedural justice",
    "police-technology": "use of force body-worn cameras ALPR police technology",
    "reentry-supervision": "re-entry probation parole community supervision",
    "victim-services": "victim services victims support",
    "crime-analysis": "crime analysis data capacity CAD RMS analysts",
}

# (practitioner pattern, researcher words appended when the pattern occurs)
PHRASE_EXPANSIONS: tuple[tuple[str, str], ...] = (
    (r"break[- ]?ins?\b", "burglary"),
    (r"shootings?|shots? fired|gunfire", "gun violence firearm"),
    (r"\bcrews?\b|\bsets\b", "gangs group-involved"),
    (r"frequent flyers?|repeat callers?", "repeat victimization"),
    (r"people in crisis|in crisis\b", "mental health crisis"),
    (r"\bcit\b|co-?responders?|clinicians?", "mental health crisis co-responder"),
    (r"car break[- ]?ins?|catalytic converters?|auto theft|stolen cars?", "vehicle crime"),
    (r"\bgvi\b|call-?ins?", "focused deterrence group violence"),
    (r"overdos\w*|fentanyl|naloxone", "opioids"),
    (r"\bmoud\b|\bmat\b|medication for opioid", "opioids treatment"),
    (r"street takeovers?", "traffic safety"),
    (r"\bbwc\b|body[- ]cams?", "body-worn cameras"),
    (r"\blpr\b|\balpr\b|plate readers?", "license plate readers police technology"),
    (r"\bcompstat\b", "crime analysis"),
    (r"parolees?|probationers?|returning citizens", "re-entry community supervision"),
)



def _literal_prefix(branch: str) -> str:
    """The letters every match of a regex branch starts with (for a cheap substring test)."""
    branch = branch.replace("\\b", "")
    prefix = re.match(r"[a-z ]*", branch).group()
    return prefix[:-1] if branch[len(prefix):len(prefix) + 1] == "?" else prefix


_COMPILED = tuple((tuple(_literal_prefix(b) for b in pattern.split("|")), re.compile(pattern), words)
                  for pattern, words in PHRASE_EXPANSIONS)

# Words so common in this domain that they carry no signal (chosen by measurement, see bench/RANKING.md).
DOMAIN_STOP_WORDS: frozenset[str] = frozenset({
    "police", "department", "agency", "city", "county", "officers", "need", "needs", "want",
    "help", "looking", "like", "would", "work", "working", "use", "using", "also",
})


def expand_phrases(text: str) -> str:
    """Return the researcher words bridged from practitioner phrases found in text."""
    lowered = text.lower()
    return " ".join(words for prefixes, pattern, words in _COMPILED
                    if any(prefix in lowered for prefix in prefixes) and pattern.search(lowered))


def topic_terms(slug: str) -> str:
    """Return the bridging words for a topic slug (empty for unknown slugs)."""
    return TOPIC_TERMS.get(slug, "")

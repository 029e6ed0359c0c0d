"""The shared vocabulary: one source of truth for forms, seed data, matching and reports.

Each vocabulary is an ordered tuple of (slug, label) pairs. Slugs are stored in the
database and used in seed files; labels are what people read.
"""

from __future__ import annotations

from matcher import lifecycle

Vocabulary = tuple[tuple[str, str], ...]

TOPICS: Vocabulary = (
    ("burglary", "Burglary"),
    ("gun-violence", "Gun violence"),
    ("focused-deterrence", "Focused deterrence / group violence"),
    ("hot-spots", "Crime hot spots and places"),
    ("repeat-victimization", "Repeat victimization"),
    ("gangs", "Gangs"),
    ("youth-crime", "Youth and juvenile crime"),
    ("domestic-violence", "Domestic and intimate-partner violence"),
    ("robbery", "Robbery"),
    ("vehicle-crime", "Vehicle crime"),
    ("drug-markets", "Drug markets and opioids"),
    ("mental-health-crisis", "Mental-health crisis response"),
    ("traffic-safety", "Traffic safety"),
    ("community-trust", "Community trust, legitimacy and procedural justice"),
    ("police-technology", "Use of force and police technology"),
    ("reentry-supervision", "Re-entry, probation and parole"),
    ("victim-services", "Victim services"),
    ("crime-analysis", "Crime analysis and data capacity"),
)

HELP_KINDS: Vocabulary = (
    ("advice", "Advice on crime, interventions and evaluations"),
    ("evaluation", "Program evaluation"),
    ("grant-partnership", "Partnership on grant submissions"),
    ("data-exchange", "Exchange of data and analysis"),
    ("consultancy", "Consultancy agreement"),
    ("training", "Training and technical assistance"),
    ("guest-lectures", "Guest lectures and speakers"),
)

METHODS: Vocabulary = (
    ("rct", "Randomized controlled trials"),
    ("quasi-experimental", "Quasi-experimental designs"),
    ("crime-mapping", "Crime analysis and mapping (GIS)"),
    ("surveys", "Surveys"),
    ("qualitative", "Qualitative and interview research"),
    ("cost-benefit", "Cost-benefit analysis"),
    ("systematic-review", "Systematic review and meta-analysis"),
    ("network-analysis", "Social network analysis"),
    ("statistical-modelling", "Statistical and predictive modeling"),
)

TERMS: Vocabulary = (
    ("free", "Free of charge"),
    ("fee", "Consulting fee"),
    ("joint-grant", "Joint grant application"),
    ("negotiable", "Negotiable"),
)

AGENCY_TYPES: Vocabulary = (
    ("municipal-police", "Municipal police department"),
    ("sheriff", "Sheriff's office"),
    ("state-police", "State police"),
    ("prosecutor", "Prosecutor (district or state's attorney)"),
    ("probation-parole", "Probation and parole"),
    ("corrections", "Jail or prison"),
    ("courts", "Court"),
    ("government", "City or county government"),
    ("school-district", "School district"),
    ("community-organization", "Community or social-service organization"),
    ("victim-services", "Victim-service provider"),
)

DATA_SOURCES: Vocabulary = (
    ("calls-for-service", "Calls for service"),
    ("incidents-rms", "Crime incidents (RMS)"),
    ("arrests", "Arrests"),
    ("cad", "Computer-aided dispatch (CAD)"),
    ("nibrs", "NIBRS submissions"),
    ("gunshot-detection", "Acoustic gunshot detection (e.g. ShotSpotter)"),
    ("nibin", "NIBIN leads (ballistic evidence)"),
    ("surveys", "Surveys"),
    ("other", "Other"),
)

EVALUATION_DESIGNS: Vocabulary = (
    ("none", "No evaluation needed"),
    ("not-sure", "Not sure yet: advise us"),
    ("rct", "Randomized controlled trial"),
    ("quasi-experimental", "Compare with similar places or groups that did not get it (quasi-experimental)"),
    ("process", "Process or implementation evaluation"),
    ("cost-benefit", "Cost-benefit analysis"),
)

FUNDING: Vocabulary = (
    ("none", "No budget"),
    ("fee", "Can pay a fee"),
    ("grant", "Applying for a grant"),
)

# Statuses and stages, and the moves between them, live in matcher.lifecycle; these are views of them.
PROBLEM_STATUSES: Vocabulary = lifecycle.vocabulary(lifecycle.ProblemStatus)

OPEN_PROBLEM_STATUSES = lifecycle.OPEN_STATUSES

PARTNERSHIP_STAGES: Vocabulary = lifecycle.vocabulary(lifecycle.PartnershipStage)

INACTIVE_PARTNERSHIP_STAGES = lifecycle.INACTIVE_STAGES

PARTNERSHIP_OUTCOMES: Vocabulary = (
    ("evaluation-completed", "Evaluation completed"),
    ("results-published", "Results published"),
    ("ended-without-project", "Ended without a project"),
)

# Decisions that count as a coordinator accepting a suggestion (reports, evaluation).
ACCEPTED_DECISIONS = ("shortlisted", "introduced")

SUGGESTION_DECISIONS: Vocabulary = (
    ("pending", "Pending"),
    ("shortlisted", "Shortlisted"),
    ("rejected", "Rejected"),
    ("introduced", "Introduced"),
)

# Practitioner phrases and the researcher words they stand for. Matched on analysed words (stems, whole
# words), so "calling", "troubleshooting", "data sets" and "mat" expand nothing. Kept only where the held-out
# numbers support it (bench/RANKING.md); the words added are shown apart as "related", never as shared.
PRACTITIONER_BRIDGES: tuple[tuple[str, str], ...] = (
    ("break-ins", "burglary"),
    ("shootings", "gun violence firearm"),
    ("shots fired", "gun violence firearm"),
    ("gunfire", "gun violence firearm"),
    ("crews", "gangs group"),
    ("frequent flyers", "repeat victimization"),
    ("repeat callers", "repeat victimization"),
    ("people in crisis", "mental health crisis"),
    ("CIT", "crisis intervention mental health"),
    ("co-responders", "mental health crisis"),
    ("catalytic converters", "vehicle crime theft"),
    ("stolen cars", "vehicle theft"),
    ("GVI", "focused deterrence group violence"),
    ("call-ins", "focused deterrence group violence"),
    ("overdoses", "opioids"),
    ("fentanyl", "opioids"),
    ("MOUD", "opioids treatment"),
    ("street takeovers", "traffic safety"),
    ("body cams", "body-worn cameras"),
    ("BWC", "body-worn cameras"),
    ("plate readers", "license plate readers technology"),
    ("LPR", "license plate readers technology"),
    ("CompStat", "crime analysis"),
    ("parolees", "reentry community supervision"),
    ("probationers", "reentry community supervision"),
    ("returning citizens", "reentry"),
)

US_STATES: Vocabulary = (
    ("AL", "Alabama"), ("AK", "Alaska"), ("AZ", "Arizona"), ("AR", "Arkansas"),
    ("CA", "California"), ("CO", "Colorado"), ("CT", "Connecticut"), ("DE", "Delaware"),
    ("DC", "District of Columbia"), ("FL", "Florida"), ("GA", "Georgia"), ("HI", "Hawaii"),
    ("ID", "Idaho"), ("IL", "Illinois"), ("IN", "Indiana"), ("IA", "Iowa"),
    ("KS", "Kansas"), ("KY", "Kentucky"), ("LA", "Louisiana"), ("ME", "Maine"),
    ("MD", "Maryland"), ("MA", "Massachusetts"), ("MI", "Michigan"), ("MN", "Minnesota"),
    ("MS", "Mississippi"), ("MO", "Missouri"), ("MT", "Montana"), ("NE", "Nebraska"),
    ("NV", "Nevada"), ("NH", "New Hampshire"), ("NJ", "New Jersey"), ("NM", "New Mexico"),
    ("NY", "New York"), ("NC", "North Carolina"), ("ND", "North Dakota"), ("OH", "Ohio"),
    ("OK", "Oklahoma"), ("OR", "Oregon"), ("PA", "Pennsylvania"), ("PR", "Puerto Rico"),
    ("RI", "Rhode Island"), ("SC", "South Carolina"), ("SD", "South Dakota"),
    ("TN", "Tennessee"), ("TX", "Texas"), ("UT", "Utah"), ("VT", "Vermont"),
    ("VA", "Virginia"), ("WA", "Washington"), ("WV", "West Virginia"),
    ("WI", "Wisconsin"), ("WY", "Wyoming"),
)


def slugs(vocabulary: Vocabulary) -> tuple[str, ...]:
    """Return the slugs of a vocabulary, in order."""
    return tuple(slug for slug, _ in vocabulary)


def label(vocabulary: Vocabulary, slug: str) -> str:
    """Return the human label for a slug, or the slug itself when unknown."""
    return dict(vocabulary).get(slug, slug)


def labels(vocabulary: Vocabulary, chosen: list[str] | tuple[str, ...]) -> list[str]:
    """Return the labels of the chosen slugs, in vocabulary order."""
    wanted = set(chosen)
    return [text for slug, text in vocabulary if slug in wanted]

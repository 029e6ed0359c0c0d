"""The data model, one module per area; import models from here."""

from matcher.models.accounts import Coordinator
from matcher.models.assignment import AssignmentProposal, AssignmentProposalRow
from matcher.models.audit import AuditEvent
from matcher.models.contacts import ContactRequest, ContactStatus
from matcher.models.corpus import CorpusVersion
from matcher.models.drafts import ProfileDraft
from matcher.models.outbox import OutboxMessage
from matcher.models.partnerships import Partnership, PartnershipEvent, PartnershipNote
from matcher.models.problems import Problem, ProblemUpdate
from matcher.models.researchers import (
    CentreMembership,
    CentreRole,
    MembershipStatus,
    Publication,
    ResearchCentre,
    Researcher,
)
from matcher.models.suggestions import Suggestion

__all__ = [
    "AssignmentProposal",
    "AssignmentProposalRow",
    "AuditEvent",
    "CentreMembership",
    "CentreRole",
    "ContactRequest",
    "ContactStatus",
    "Coordinator",
    "CorpusVersion",
    "MembershipStatus",
    "OutboxMessage",
    "Partnership",
    "PartnershipEvent",
    "PartnershipNote",
    "Problem",
    "ProfileDraft",
    "ProblemUpdate",
    "Publication",
    "ResearchCentre",
    "Researcher",
    "Suggestion",
]

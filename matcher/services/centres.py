"""Research centres: creating and editing them, joining (approved by the centre's administrators), leaving,
and who administers a centre once its last administrator is gone. One transaction per operation.

The rule kept here: a centre always has somebody able to approve requests. When its last administrator leaves,
hides or deletes their profile, the longest-standing listed member takes over; when there is none, the
coordinators do (`ResearchCentre.administered_by_coordinators`) until they appoint an administrator."""

from __future__ import annotations

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from matcher.extensions import db
from matcher.mail import coordinator_addresses, external_url, queue_email
from matcher.models import CentreMembership, CentreRole, Coordinator, MembershipStatus, ResearchCentre, Researcher
from matcher.models.types import utcnow
from matcher.services import audit
from matcher.services.transactions import unit_of_work

CENTRE_FIELDS = ("name", "university", "website", "description", "city", "state", "topics")


class CentreNameTaken(ValueError):
    """Another research centre already has this name."""


class NotAllowed(PermissionError):
    """The user may not administer this centre, or the request is no longer there to decide."""


def actor(user: Researcher | Coordinator | None) -> str:
    """The audit-log actor for a researcher or a coordinator ("system" for none)."""
    if isinstance(user, Coordinator):
        return f"coordinator:{user.id}"
    return f"researcher:{user.id}" if user is not None else "system"


def _lock(centre: ResearchCentre) -> None:
    """Take the centre's row before reading who administers it, so two administrators leaving at the same
    moment cannot each count on the other (a write: SQLite's write lock, PostgreSQL's row lock)."""
    db.session.execute(update(ResearchCentre).where(ResearchCentre.id == centre.id)
                       .values(administered_by_coordinators=ResearchCentre.administered_by_coordinators)
                       .execution_options(synchronize_session=False))
    db.session.expire(centre, ["memberships", "administered_by_coordinators"])


def may_administer(user, centre: ResearchCentre) -> bool:
    """Whether the user may approve requests to join and appoint administrators: the centre's administrators,
    and any coordinator."""
    return isinstance(user, Coordinator) or centre.is_administered_by(user)


# --- reading -----------------------------------------------------------------------------------


def all_centres() -> list[ResearchCentre]:
    """Every research centre, by name."""
    return list(db.session.scalars(select(ResearchCentre).order_by(ResearchCentre.name, ResearchCentre.id)))


def find_centre(centre_id: int) -> ResearchCentre | None:
    """The centre with this id, or None."""
    return db.session.get(ResearchCentre, centre_id)


def centres_for_coordinators() -> list[ResearchCentre]:
    """Every centre, those the coordinators administer first, then by name."""
    return list(db.session.scalars(select(ResearchCentre).order_by(
        ResearchCentre.administered_by_coordinators.desc(), ResearchCentre.name, ResearchCentre.id)))


def requested_centre_id(researcher: Researcher) -> int | None:
    """The centre the researcher belongs to or asked to join (what the profile form shows), or None."""
    return researcher.membership.centre_id if researcher.membership is not None else None


def find_request(centre: ResearchCentre, membership_id: int) -> CentreMembership:
    """One of the centre's memberships or requests; NotAllowed when it is not (or no longer) there."""
    membership = db.session.get(CentreMembership, membership_id, populate_existing=True)
    if membership is None or membership.centre_id != centre.id:
        raise NotAllowed("This request or membership is no longer there: someone may have decided it already.")
    return membership


# --- creating and editing ------------------------------------------------------------------------


def create_centre(researcher: Researcher, values: dict) -> ResearchCentre:
    """Create a research centre with the researcher as its first member and administrator (leaving any other)."""

    def operation() -> ResearchCentre:
        _check_centre_name(values["name"])
        centre = ResearchCentre(**{name: values[name] for name in CENTRE_FIELDS}, created_by_id=researcher.id)
        db.session.add(centre)
        db.session.flush()
        _leave(researcher, actor(researcher))
        now = utcnow()
        researcher.membership = CentreMembership(
            centre=centre, status=MembershipStatus.APPROVED.value, role=CentreRole.ADMINISTRATOR.value,
            requested_at=now, decided_at=now, decided_by=actor(researcher))
        researcher.centre = centre
        audit.record(actor(researcher), "centre.created", "research_centre", centre.id)
        return centre

    return _saved_under_unique_name(values["name"], operation)


def update_centre(researcher: Researcher, centre: ResearchCentre, values: dict) -> ResearchCentre:
    """Save a centre's profile, edited by one of its administrators."""
    if not centre.editable_by(researcher):
        raise NotAllowed("Only the centre's administrators can edit its profile.")

    def operation() -> ResearchCentre:
        _check_centre_name(values["name"], exclude_id=centre.id)
        renamed = values["name"] != centre.name
        for name in CENTRE_FIELDS:
            setattr(centre, name, values[name])
        if renamed:
            for member in centre.members:  # the centre's name is part of its members' public profiles
                if member.is_listed:
                    member.updated_at = utcnow()
        audit.record(actor(researcher), "centre.updated", "research_centre", centre.id)
        return centre

    return _saved_under_unique_name(values["name"], operation)


def _check_centre_name(name: str, exclude_id: int | None = None) -> None:
    query = select(ResearchCentre.id).where(func.lower(ResearchCentre.name) == name.strip().lower())
    if exclude_id is not None:
        query = query.where(ResearchCentre.id != exclude_id)
    if db.session.scalar(query) is not None:
        raise CentreNameTaken(name)


# --- joining and leaving ---------------------------------------------------------------------------


def choose_centre(researcher: Researcher, centre_id: int | None) -> None:
    """The profile form's centre choice: the same centre changes nothing, another one asks to join it (leaving
    the current one), none leaves or withdraws the request."""
    with unit_of_work():
        if centre_id == requested_centre_id(researcher):
            return
        if centre_id is None:
            _leave(researcher, actor(researcher))
            return
        centre = find_centre(centre_id)
        if centre is not None:  # the form offered it a moment ago; a centre deleted since is no choice
            _request(researcher, centre)


def request_to_join(researcher: Researcher, centre: ResearchCentre) -> None:
    """Ask to join a centre (leaving the current one); its administrators are told by e-mail."""
    with unit_of_work():
        if requested_centre_id(researcher) != centre.id:
            _request(researcher, centre)


def _request(researcher: Researcher, centre: ResearchCentre) -> None:
    _leave(researcher, actor(researcher))
    researcher.membership = CentreMembership(centre=centre, requested_at=utcnow())
    db.session.flush()
    audit.record(actor(researcher), "centre.join_requested", "research_centre", centre.id,
                 researcher_id=researcher.id)
    if researcher.confirmed_at is not None:  # an unconfirmed address may not be the researcher's own
        _tell_deciders(researcher.membership)


def announce_request(researcher: Researcher) -> None:
    """Once the researcher's address is confirmed: tell the centre's deciders about a waiting request."""
    membership = researcher.membership
    if membership is not None and not membership.is_approved:
        _tell_deciders(membership)


def _tell_deciders(membership: CentreMembership) -> None:
    centre = membership.centre
    if centre.administered_by_coordinators:
        recipients, link = coordinator_addresses(), external_url("coordinators.centres")
    else:
        recipients, link = [r.email for r in centre.administrators], external_url("researchers.profile")
    for address in recipients:
        queue_email(address, f"{membership.researcher.name} asks to join {centre.name}", "centre_join_request",
                    researcher=membership.researcher, centre=centre, link=link)


def leave(researcher: Researcher) -> None:
    """Leave the centre (or withdraw the request to join it); administration passes on when needed."""
    with unit_of_work():
        _leave(researcher, actor(researcher))


def _leave(researcher: Researcher, by: str) -> None:
    membership = researcher.membership
    if membership is None:
        return
    centre = membership.centre
    _lock(centre)
    was_member = membership.is_approved
    if was_member:
        researcher.centre = None
    _drop(membership)
    audit.record(by, "centre.left" if was_member else "centre.request_withdrawn", "research_centre", centre.id,
                 researcher_id=researcher.id)
    if was_member:
        _settle_administration(centre)


def _drop(membership: CentreMembership) -> None:
    researcher, centre = membership.researcher, membership.centre
    db.session.delete(membership)
    db.session.flush()
    db.session.expire(researcher, ["membership"])
    db.session.expire(centre, ["memberships"])


def removing_profile(researcher: Researcher) -> None:
    """Before a profile is deleted: it leaves its centre, which passes to another administrator if needed."""
    _leave(researcher, "researcher")


def profile_hidden(researcher: Researcher) -> None:
    """A hidden profile administers nothing: the researcher stays a member and administration passes on."""
    membership = researcher.membership
    if membership is None or not membership.is_administrator:
        return
    _lock(membership.centre)
    membership.role = CentreRole.MEMBER.value
    db.session.flush()
    audit.record(actor(researcher), "centre.administrator_hidden", "research_centre", membership.centre_id,
                 researcher_id=researcher.id)
    _settle_administration(membership.centre)


# --- deciding --------------------------------------------------------------------------------------


def approve(user, centre: ResearchCentre, membership_id: int) -> CentreMembership:
    """An administrator (or a coordinator) approves a request: the researcher becomes a member."""
    with unit_of_work():
        membership = _pending(user, centre, membership_id)
        membership.status = MembershipStatus.APPROVED.value
        membership.decided_at, membership.decided_by = utcnow(), actor(user)
        membership.researcher.centre = centre
        audit.record(actor(user), "centre.join_approved", "research_centre", centre.id,
                     researcher_id=membership.researcher_id)
        queue_email(membership.researcher.email, f"You are a member of {centre.name}", "centre_request_decided",
                    researcher=membership.researcher, centre=centre, approved=True)
        return membership


def decline(user, centre: ResearchCentre, membership_id: int) -> None:
    """An administrator (or a coordinator) declines a request; the researcher is told."""
    with unit_of_work():
        membership = _pending(user, centre, membership_id)
        researcher = membership.researcher
        _drop(membership)
        audit.record(actor(user), "centre.join_declined", "research_centre", centre.id, researcher_id=researcher.id)
        queue_email(researcher.email, f"Your request to join {centre.name}", "centre_request_decided",
                    researcher=researcher, centre=centre, approved=False)


def _pending(user, centre: ResearchCentre, membership_id: int) -> CentreMembership:
    _lock(centre)
    if not may_administer(user, centre):
        raise NotAllowed("Only the centre's administrators can decide requests to join it.")
    membership = find_request(centre, membership_id)
    if membership.is_approved:
        raise NotAllowed("This request was approved already.")
    return membership


def appoint_administrator(user, centre: ResearchCentre, membership_id: int) -> CentreMembership:
    """Make an approved member an administrator; a centre the coordinators held is theirs no longer."""
    with unit_of_work():
        _lock(centre)
        if not may_administer(user, centre):
            raise NotAllowed("Only the centre's administrators can appoint another.")
        membership = find_request(centre, membership_id)
        if not membership.is_approved:
            raise NotAllowed("Approve the request first: only members can administer the centre.")
        if membership.researcher.hidden:
            raise NotAllowed("This member's profile is hidden, so they cannot administer the centre.")
        if not membership.is_administrator:
            _make_administrator(membership, actor(user), "centre.administrator_appointed")
        return membership


def _make_administrator(membership: CentreMembership, by: str, action: str, notify: bool = True) -> None:
    membership.role = CentreRole.ADMINISTRATOR.value
    centre = membership.centre
    centre.administered_by_coordinators = False
    audit.record(by, action, "research_centre", centre.id, researcher_id=membership.researcher_id)
    if notify:
        queue_email(membership.researcher.email, f"You now administer {centre.name}", "centre_administrator",
                    researcher=membership.researcher, centre=centre, link=external_url("researchers.profile"))


def enrol_members(centre: ResearchCentre) -> None:
    """Researchers placed in the centre directly (sample data) become approved members, and it gets an
    administrator as after a departure, without e-mail (sample addresses are fictional)."""
    with unit_of_work():
        for member in centre.members:
            if member.membership is None:
                joined = member.created_at or utcnow()
                member.membership = CentreMembership(centre=centre, status=MembershipStatus.APPROVED.value,
                                                     requested_at=joined, decided_at=joined, decided_by="system")
        db.session.flush()
        db.session.expire(centre, ["memberships"])
        _settle_administration(centre, notify=False)


def _settle_administration(centre: ResearchCentre, notify: bool = True) -> None:
    """With no administrator left, pass the centre to its longest-standing listed member, else to the
    coordinators."""
    if centre.administrators or centre.administered_by_coordinators:
        return
    successor = next((m for m in centre.approved_memberships if m.researcher.is_listed), None)
    if successor is not None:
        _make_administrator(successor, "system", "centre.administration_passed", notify=notify)
        return
    centre.administered_by_coordinators = True
    audit.record("system", "centre.administration_passed_to_coordinators", "research_centre", centre.id)
    for address in coordinator_addresses() if notify else []:
        queue_email(address, f"{centre.name} has no administrator", "centre_to_coordinators", centre=centre,
                    link=external_url("coordinators.centres"))


def _saved_under_unique_name(name: str, operation):
    """Run a centre's save as one unit of work; a name taken meanwhile (the unique index) is a clear refusal."""
    try:
        with unit_of_work():
            return operation()
    except IntegrityError:
        raise CentreNameTaken(name) from None

"""Research centres: joining needs an administrator's approval, and a centre is never left with nobody able
to approve (services.centres)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from matcher.models import AuditEvent, CentreMembership, ResearchCentre, Researcher
from matcher.models.types import utcnow
from matcher.services import accounts, centres, directory
from matcher.services import researchers as profiles
from tests.factories import make_researcher
from tests.researchers.helpers import outbox_to

COORDINATORS = "coordinators@example.org"  # TestConfig.COORDINATOR_EMAILS
CENTRE = {"name": "Center for Place-Based Prevention", "university": "Example University", "website": "",
          "description": "Places and police.", "city": "Cambridge", "state": "MA", "topics": []}


def researcher(db, **fields) -> Researcher:
    person = make_researcher(**fields)
    db.session.add(person)
    db.session.commit()
    return person


def member(db, centre: ResearchCentre, days_ago: int = 0, **fields) -> Researcher:
    """A researcher who asked to join and was approved `days_ago` days ago."""
    person = researcher(db, **fields)
    centres.request_to_join(person, centre)
    centres.approve(centre.administrators[0], centre, person.membership.id)
    person.membership.decided_at = utcnow() - timedelta(days=days_ago)
    db.session.commit()
    return person


def a_coordinator():
    return accounts.create_coordinator("coord@example.org", "a long enough password", name="Casey")


def founded(db, name: str = CENTRE["name"], **fields) -> tuple[Researcher, ResearchCentre]:
    founder = researcher(db, **fields)
    return founder, centres.create_centre(founder, {**CENTRE, "name": name})


def actions(db) -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).where(AuditEvent.action.like("centre.%"))
                                   .order_by(AuditEvent.id)))


def assert_one_rule(db) -> None:
    """An approved membership and Researcher.centre_id say the same thing; every centre with members or
    requests has someone able to approve."""
    for person in db.session.scalars(select(Researcher)):
        approved = person.membership is not None and person.membership.is_approved
        assert person.centre_id == (person.membership.centre_id if approved else None)
    for centre in db.session.scalars(select(ResearchCentre)):
        if centre.memberships:
            assert centre.administrators or centre.administered_by_coordinators


def test_the_creator_administers_the_new_centre(db):
    founder, centre = founded(db)
    assert centre.is_administered_by(founder) and founder.centre_id == centre.id
    assert centre.editable_by(founder)
    assert actions(db) == ["centre.created"]


def test_asking_to_join_waits_for_approval_and_tells_the_administrators(db):
    founder, centre = founded(db)
    asker = researcher(db, name="Ari Asker")
    centres.request_to_join(asker, centre)
    assert asker.centre_id is None and not asker.membership.is_approved
    assert [p.name for p in directory.listed_members(centre)] == [founder.name]
    [mail] = outbox_to(founder.email)
    assert "Ari Asker asks to join" in mail.subject and "/researchers/profile" in mail.body
    assert not centre.editable_by(asker)
    assert_one_rule(db)


def test_an_unconfirmed_registrant_is_announced_once_the_address_is_confirmed(db):
    founder, centre = founded(db)
    newcomer = researcher(db, confirmed_at=None)
    centres.choose_centre(newcomer, centre.id)
    assert outbox_to(founder.email) == []
    token = profiles.links.make_token("confirm", newcomer.id, newcomer.link_nonce)
    profiles.confirm_from_link("confirm", token)
    assert len(outbox_to(founder.email)) == 1


def test_approving_makes_a_member_listed_on_the_centre_page(db):
    founder, centre = founded(db)
    asker = researcher(db)
    centres.request_to_join(asker, centre)
    centres.approve(founder, centre, asker.membership.id)
    assert asker.centre_id == centre.id and asker.membership.decided_by == f"researcher:{founder.id}"
    assert {p.id for p in directory.listed_members(centre)} == {founder.id, asker.id}
    assert "is approved" in outbox_to(asker.email)[-1].body
    assert actions(db)[-1] == "centre.join_approved"
    assert not centre.is_administered_by(asker)
    assert_one_rule(db)


def test_declining_removes_the_request_and_tells_the_researcher(db):
    founder, centre = founded(db)
    asker = researcher(db)
    centres.request_to_join(asker, centre)
    centres.decline(founder, centre, asker.membership.id)
    db.session.refresh(asker)
    assert asker.membership is None and asker.centre_id is None
    assert "declined" in outbox_to(asker.email)[-1].body
    assert actions(db)[-1] == "centre.join_declined"


def test_only_administrators_decide(db):
    founder, centre = founded(db)
    plain = member(db, centre)
    asker = researcher(db)
    centres.request_to_join(asker, centre)
    with pytest.raises(centres.NotAllowed):
        centres.approve(plain, centre, asker.membership.id)
    with pytest.raises(centres.NotAllowed):
        centres.appoint_administrator(plain, centre, plain.membership.id)
    other_founder, other = founded(db, "Other Centre")
    with pytest.raises(centres.NotAllowed):  # an administrator of another centre
        centres.approve(other_founder, centre, asker.membership.id)
    with pytest.raises(centres.NotAllowed):  # a request of another centre, addressed through this one
        centres.approve(other_founder, other, asker.membership.id)
    assert not asker.membership.is_approved


def test_deciding_twice_is_refused_in_plain_words(db):
    founder, centre = founded(db)
    asker = researcher(db)
    centres.request_to_join(asker, centre)
    request_id = asker.membership.id
    centres.approve(founder, centre, request_id)
    with pytest.raises(centres.NotAllowed, match="approved already"):
        centres.decline(founder, centre, request_id)
    assert asker.centre_id == centre.id


def test_an_administrator_appoints_another(db):
    founder, centre = founded(db)
    deputy = member(db, centre)
    centres.appoint_administrator(founder, centre, deputy.membership.id)
    assert {p.id for p in centre.administrators} == {founder.id, deputy.id}
    assert "You now administer" in outbox_to(deputy.email)[-1].subject
    centres.leave(founder)  # another administrator remains: nobody is promoted, nothing changes hands
    assert [p.id for p in centre.administrators] == [deputy.id]
    assert "centre.administration_passed" not in actions(db)


def test_when_the_last_administrator_leaves_the_longest_standing_member_takes_over(db):
    founder, centre = founded(db)
    member(db, centre, days_ago=3, name="Newer")
    elder = member(db, centre, days_ago=30, name="Elder")
    member(db, centre, days_ago=60, name="Hidden elder", hidden=True)
    centres.leave(founder)
    assert founder.centre_id is None and founder.membership is None
    assert [p.name for p in centre.administrators] == ["Elder"]
    assert "You now administer" in outbox_to(elder.email)[-1].subject
    assert actions(db)[-2:] == ["centre.left", "centre.administration_passed"]
    assert not centre.administered_by_coordinators
    assert_one_rule(db)


def test_with_no_member_left_the_coordinators_administer_the_centre(db):
    coordinator = a_coordinator()
    founder, centre = founded(db)
    asker = researcher(db)
    centres.request_to_join(asker, centre)
    centres.leave(founder)
    assert centre.administered_by_coordinators and centre.administrators == []
    assert "has no administrator" in outbox_to(COORDINATORS)[-1].subject
    assert actions(db)[-1] == "centre.administration_passed_to_coordinators"
    assert_one_rule(db)

    # The coordinators approve the waiting request, then appoint the new member; the centre is theirs no longer.
    centres.approve(coordinator, centre, asker.membership.id)
    assert asker.centre_id == centre.id and centre.administered_by_coordinators
    later = researcher(db)
    centres.request_to_join(later, centre)
    assert "asks to join" in outbox_to(COORDINATORS)[-1].subject  # requests now go to the coordinators
    centres.appoint_administrator(coordinator, centre, asker.membership.id)
    assert not centre.administered_by_coordinators and centre.is_administered_by(asker)
    assert_one_rule(db)


def test_deleting_the_last_administrators_profile_passes_the_centre_on(db):
    founder, centre = founded(db)
    heir = member(db, centre)
    profiles.delete_profile(founder)
    assert db.session.get(Researcher, founder.id) is None
    assert [p.id for p in centre.administrators] == [heir.id]
    assert_one_rule(db)


def test_deleting_the_only_member_leaves_the_centre_to_the_coordinators(db):
    founder, centre = founded(db)
    profiles.delete_profile(founder)
    db.session.refresh(centre)
    assert centre.administered_by_coordinators
    assert db.session.scalar(select(CentreMembership)) is None


def test_hiding_the_last_administrators_profile_passes_administration_on(db):
    founder, centre = founded(db)
    heir = member(db, centre)
    profiles.set_hidden(founder, True)
    assert founder.centre_id == centre.id and not founder.membership.is_administrator  # still a member
    assert [p.id for p in centre.administrators] == [heir.id]
    assert "centre.administrator_hidden" in actions(db)
    with pytest.raises(centres.NotAllowed, match="hidden"):
        centres.appoint_administrator(heir, centre, founder.membership.id)


def test_a_hidden_only_member_cannot_take_over_so_the_coordinators_do(db):
    founder, centre = founded(db)
    member(db, centre, hidden=True)
    centres.leave(founder)
    assert centre.administered_by_coordinators


def test_asking_to_join_another_centre_leaves_the_first(db):
    founder, centre = founded(db)
    heir = member(db, centre)
    _, other = founded(db, "Other Centre")
    centres.request_to_join(founder, other)
    assert founder.centre_id is None and founder.membership.centre_id == other.id
    assert [p.id for p in centre.administrators] == [heir.id]
    assert_one_rule(db)


def test_founding_a_second_centre_hands_the_first_on(db):
    founder, centre = founded(db)
    heir = member(db, centre)
    second = centres.create_centre(founder, {**CENTRE, "name": "Second Centre"})
    assert founder.centre_id == second.id and centre.is_administered_by(heir)
    assert_one_rule(db)


def test_the_profile_forms_centre_choice_asks_withdraws_and_leaves(db):
    founder, centre = founded(db)
    asker = researcher(db)
    centres.choose_centre(asker, centre.id)
    assert centres.requested_centre_id(asker) == centre.id and asker.centre_id is None
    centres.choose_centre(asker, centre.id)  # saved again unchanged: still one request, one e-mail
    assert len(outbox_to(founder.email)) == 1
    centres.choose_centre(asker, None)
    assert asker.membership is None
    assert actions(db)[-1] == "centre.request_withdrawn"

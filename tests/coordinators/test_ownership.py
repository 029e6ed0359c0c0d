"""Owners of problems: assigning, notices to the owner, names on what coordinators did, the queue's owner, last
activity and "Agency replied", and introductions signed by the owner."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from matcher.extensions import db
from matcher.models import AuditEvent, OutboxMessage, Problem, Suggestion
from matcher.models.types import utcnow
from matcher.services import (
    accounts,
    agency_answers,
    agency_requests,
    decisions,
    introductions,
    ownership,
    partnerships,
    problem_queue,
    problem_updates,
)
from matcher.services.coordination import CoordinationError
from tests.coordinators.conftest import PASSWORD, sign_in
from tests.factories import make_problem

STATEMENT = dict(
    agency_name="Eastville Police Department", agency_type="municipal-police", contact_name="Pat Chief",
    email="pat@example.gov", city="Boston", state="MA", zip="02108", title="Break-ins on the east side",
    description="Residential burglary keeps hitting the same blocks; near-repeat break-ins.",
    topics=["burglary"], help_wanted=["evaluation"],
)


@pytest.fixture
def dana(db):
    """A second coordinator."""
    return accounts.create_coordinator("dana@example.org", PASSWORD, name="Dana Deputy")


def problems(*titles: str, **fields) -> list[Problem]:
    made = [make_problem(title=title, **fields) for title in titles]
    db.session.add_all(made)
    db.session.commit()
    return made


def recipients(kind: str) -> set[str]:
    return {m.to for m in db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == kind))}


# --- Assigning -------------------------------------------------------------------------------------------------


def test_assigning_records_the_owner_and_an_audit_event_without_making_the_statement_look_edited(
        coordinator, dana):
    problem, = problems("Shootings downtown")
    edited = problem.updated_at

    assert ownership.assign(problem, dana, coordinator) is True

    db.session.expire_all()
    assert problem.owner == dana and problem.updated_at == edited
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "problem.assigned"))
    assert event.actor == f"coordinator:{coordinator.id}" and event.record_id == problem.id
    assert event.details == {"previous_owner_id": None, "owner_id": dana.id}
    assert ownership.assign(problem, dana, coordinator) is False  # already hers: nothing recorded
    assert len(db.session.scalars(select(AuditEvent).where(AuditEvent.action == "problem.assigned")).all()) == 1


def test_a_problem_taken_meanwhile_by_someone_else_is_not_taken_over(coordinator, dana):
    problem, = problems("Shootings downtown")
    ownership.assign(problem, dana, dana, seen_owner_id=None)

    with pytest.raises(CoordinationError, match="just given to Dana Deputy"):
        ownership.assign(problem, coordinator, coordinator, seen_owner_id=None)
    db.session.expire_all()
    assert problem.owner_id == dana.id


def test_a_deactivated_coordinator_cannot_be_given_a_problem(coordinator, dana):
    problem, = problems("Shootings downtown")
    accounts.deactivate("dana@example.org")
    with pytest.raises(CoordinationError, match="deactivated"):
        ownership.assign(problem, dana, coordinator)
    assert problem.owner_id is None


# --- Notices go to the owner -----------------------------------------------------------------------------------


def test_notices_go_to_every_active_coordinator_while_unassigned_then_only_to_the_owner(
        coordinator, dana, config_override):
    config_override(COORDINATOR_EMAILS=[])
    accounts.create_coordinator("gone@example.org", PASSWORD, name="Gone")
    accounts.deactivate("gone@example.org")
    problem, _ = agency_requests.submit_problem(STATEMENT)
    assert recipients("coordinator_new_problem") == {"coord@example.org", "dana@example.org"}

    ownership.assign(problem, dana, coordinator)
    agency_requests.add_information(problem, "We also have CAD data from 2019.")
    assert recipients("agency_added_information") == {"dana@example.org"}
    problem_updates.ask_question(problem, "Which years?", coordinator)
    agency_requests.add_information(problem, "2019 to 2025.")
    answered = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "agency_added_information"))
    assert [m.to for m in answered] == ["dana@example.org", "dana@example.org"]

    dana.active = False  # a deactivated owner no longer hears of it: the team does
    db.session.commit()
    agency_requests.withdraw(problem, "Solved it ourselves.")
    assert recipients("agency_withdrew") == {"coord@example.org"}


def test_configured_team_address_still_gets_notices_of_unassigned_problems(coordinator, dana):
    problem, = problems("Shootings downtown")
    agency_requests.add_information(problem, "More detail.")
    assert recipients("agency_added_information") == {"coordinators@example.org"}


# --- Names on what coordinators did ----------------------------------------------------------------------------


def test_follow_ups_decisions_and_partnership_events_show_who_did_them(coord_client, coordinator, dana,
                                                                       small_world):
    problem, ada, bo = small_world["problem"], small_world["ada"], small_world["bo"]
    problem_updates.change_status(problem, "under-review", dana)
    problem_updates.ask_question(problem, "How many blocks?", dana)
    problem_updates.add_note(problem, "Called the captain.", coordinator)
    agency_answers.change_answers(problem, {"funding": "grant", "funding_deadline": date(2027, 3, 1),
                                            "max_distance_miles": None, "in_person_only": False}, coordinator)
    coord_client.get(f"/coordinators/problems/{problem.id}")  # ranks the researchers
    by_researcher = {s.researcher_id: s for s in db.session.scalars(
        select(Suggestion).where(Suggestion.problem_id == problem.id))}
    decisions.reject(problem, by_researcher[bo.id].id, dana, "Too busy this year.")
    partnership, = introductions.introduce(problem, [by_researcher[ada.id].id], coordinator)
    partnerships.record_stage(partnership, "first-meeting", dana)

    writers = [(u.kind, u.coordinator_id) for u in problem.updates]
    assert writers == [("note", dana.id), ("question", dana.id), ("note", coordinator.id),
                       ("note", coordinator.id)]
    page = coord_client.get(f"/coordinators/problems/{problem.id}").data.decode()
    history = page[page.index('id="h-updates"'):page.index('id="h-suggestions"')]
    assert history.count("<strong>Dana Deputy</strong>") == 2
    assert history.count("<strong>Casey Coordinator</strong>") == 2
    assert "<strong>Coordinator</strong>" not in history
    assert "Rejected</span> by Dana Deputy" in page
    assert "Introduced</span> by Casey Coordinator" in page
    timeline = coord_client.get(f"/coordinators/partnerships/{partnership.id}").data.decode()
    assert "Casey Coordinator" in timeline and "Dana Deputy" in timeline


# --- The queue: owner, last activity, "Agency replied", filters ------------------------------------------------


def test_last_activity_is_the_latest_follow_up_decision_or_partnership_stage(coordinator):
    quiet, asked = problems("Quiet one", "Asked one")
    problem_updates.ask_question(asked, "Which streets?", coordinator)

    activity = problem_queue.activity_for([quiet, asked])

    assert activity[quiet.id].what == "submitted" and activity[quiet.id].at == quiet.created_at
    assert activity[asked.id].what == "Casey Coordinator: question" and activity[asked.id].at > asked.created_at
    assert not activity[quiet.id].agency_replied and not activity[asked.id].agency_replied


def test_agency_replied_shows_until_the_owner_looks_or_writes(coord_client, coordinator, dana):
    problem, = problems("Shootings downtown")
    problem_updates.ask_question(problem, "Which streets?", coordinator)
    agency_requests.add_information(problem, "Main and 5th.")
    ownership.assign(problem, coordinator, coordinator)

    queue = coord_client.get("/coordinators/queue").data.decode()
    assert "Agency replied" in queue and "Agency: answered" in queue

    coord_client.get(f"/coordinators/problems/{problem.id}")  # the owner looks
    assert "Agency replied" not in coord_client.get("/coordinators/queue").data.decode()

    agency_requests.add_information(problem, "And Elm Street.")
    assert "Agency replied" in coord_client.get("/coordinators/queue").data.decode()
    problem_updates.add_note(problem, "Noted Elm Street.", coordinator)
    assert "Agency replied" not in coord_client.get("/coordinators/queue").data.decode()


def test_someone_elses_look_does_not_clear_the_owners_marker(client, coordinator, dana):
    problem, = problems("Shootings downtown")
    ownership.assign(problem, coordinator, coordinator)
    agency_requests.add_information(problem, "More detail.")
    sign_in(client, "dana@example.org")
    client.get(f"/coordinators/problems/{problem.id}")
    assert problem_queue.activity_for([problem])[problem.id].agency_replied


def test_the_queue_shows_owners_and_filters_mine_and_unassigned(coord_client, coordinator, dana):
    mine, hers, nobodys = problems("Mine problem", "Hers problem", "Nobodys problem")
    ownership.assign(mine, coordinator, coordinator)
    ownership.assign(hers, dana, coordinator)

    everything = coord_client.get("/coordinators/queue").data.decode()
    for title in ("Mine problem", "Hers problem", "Nobodys problem"):
        assert title in everything
    row = everything[everything.index("Hers problem"):]
    assert row[:row.index("</tr>")].count("Dana Deputy") == 1
    my_problems = coord_client.get("/coordinators/queue?owner=mine").data.decode()
    assert "Mine problem" in my_problems and "Hers problem" not in my_problems and "Nobodys" not in my_problems
    unassigned = coord_client.get("/coordinators/queue?owner=unassigned").data.decode()
    assert "Nobodys problem" in unassigned and "Mine problem" not in unassigned and "Hers" not in unassigned


# --- Assign to me, reassign (views) ----------------------------------------------------------------------------


def test_assign_to_me_and_reassign_from_the_problem_page(coord_client, coordinator, dana):
    problem, = problems("Shootings downtown")
    page = coord_client.get(f"/coordinators/problems/{problem.id}").data.decode()
    assert "Unassigned: notices about this problem go to the whole team." in page

    response = coord_client.post(f"/coordinators/problems/{problem.id}/assign-to-me", data={"seen_owner": ""},
                                 follow_redirects=True)
    assert "The problem is yours" in response.data.decode()
    assert "<strong>Casey Coordinator</strong> (you)" in response.data.decode()

    response = coord_client.post(f"/coordinators/problems/{problem.id}/reassign",
                                 data={"owner": str(dana.id), "seen_owner": str(coordinator.id)},
                                 follow_redirects=True)
    assert "Dana Deputy now looks after the problem." in response.data.decode()
    db.session.expire_all()
    assert problem.owner_id == dana.id

    response = coord_client.post(f"/coordinators/problems/{problem.id}/reassign",
                                 data={"owner": "none", "seen_owner": str(dana.id)}, follow_redirects=True)
    assert "The problem is unassigned" in response.data.decode()
    actions = db.session.scalars(select(AuditEvent.details).where(AuditEvent.action == "problem.assigned")).all()
    assert [d["owner_id"] for d in actions] == [coordinator.id, dana.id, None]


def test_a_stale_or_bad_reassignment_is_refused_with_a_reason(coord_client, coordinator, dana):
    problem, = problems("Shootings downtown")
    ownership.assign(problem, dana, dana)

    taken = coord_client.post(f"/coordinators/problems/{problem.id}/assign-to-me", data={"seen_owner": ""})
    assert taken.status_code == 409
    assert "was just given to Dana Deputy by someone else" in taken.data.decode()
    bogus = coord_client.post(f"/coordinators/problems/{problem.id}/reassign", data={"owner": "999999"})
    assert bogus.status_code == 409 and "Please choose an active coordinator" in bogus.data.decode()
    db.session.expire_all()
    assert problem.owner_id == dana.id


# --- Bulk actions ----------------------------------------------------------------------------------------------


def test_bulk_assign_gives_every_ticked_problem_to_the_chosen_coordinator(coord_client, coordinator, dana):
    one, two, untouched = problems("First one", "Second one", "Left alone")
    response = coord_client.post("/coordinators/queue/bulk?status=new", data={
        "bulk-problem_ids": [one.id, two.id], "bulk-owner": str(dana.id), "bulk-assign": "Assign",
        f"seen_owner-{one.id}": "", f"seen_owner-{two.id}": ""})
    assert response.status_code == 303 and response.location.endswith("/coordinators/queue?status=new")
    page = coord_client.get(response.location).data.decode()
    assert f"Assigned to Dana Deputy: #{one.id}, #{two.id}." in page
    db.session.expire_all()
    assert [one.owner_id, two.owner_id, untouched.owner_id] == [dana.id, dana.id, None]

    to_me = coord_client.post("/coordinators/queue/bulk", data={
        "bulk-problem_ids": [one.id, untouched.id], "bulk-owner": "me", "bulk-assign": "Assign"},
        follow_redirects=True)
    assert f"Assigned to Casey Coordinator: #{one.id}, #{untouched.id}." in to_me.data.decode()


def test_bulk_status_change_is_all_or_nothing_and_names_each_refusal(coord_client, coordinator, monkeypatch):
    one, two, three = problems("First one", "Second one", "Third one")
    already = problems("Already reviewed", status="under-review")[0]
    gone_id = problems("Deleted since")[0].id
    db.session.delete(db.session.get(Problem, gone_id))
    db.session.commit()
    real_change = problem_updates.change_status

    def refuse_the_third(problem, status, coordinator, note=""):
        if problem.id == three.id:
            raise CoordinationError("A closed problem must be reopened first.")
        real_change(problem, status, coordinator, note=note)

    monkeypatch.setattr(problem_updates, "change_status", refuse_the_third)
    response = coord_client.post("/coordinators/queue/bulk", data={
        "bulk-problem_ids": [one.id, two.id, three.id, gone_id], "bulk-status": "under-review",
        "bulk-note": "Triage", "bulk-change_status": "Change"})

    page = response.data.decode()
    assert response.status_code == 409
    assert "Nothing was changed" in page
    assert f"Problem #{three.id}</a>: A closed problem must be reopened first." in page
    assert f"Problem #{gone_id}</a>: This problem no longer exists." in page
    assert f'value="{one.id}" id="pick-{one.id}" class="pick" aria-label="Select problem #{one.id}: First one" ' \
           f'checked' in page  # the ticks are kept
    db.session.expire_all()
    assert {one.status, two.status, three.status} == {"new"}
    assert not one.updates and not two.updates

    monkeypatch.setattr(problem_updates, "change_status", real_change)
    done = coord_client.post("/coordinators/queue/bulk", data={
        "bulk-problem_ids": [one.id, two.id, already.id], "bulk-status": "under-review",
        "bulk-change_status": "Change"}, follow_redirects=True).data.decode()
    assert f"Moved to Under review: #{one.id}, #{two.id}. Already so: #{already.id}." in done
    db.session.expire_all()
    assert one.status == two.status == "under-review"
    assert one.updates[-1].coordinator_id == coordinator.id


def test_bulk_action_without_a_tick_or_a_status_is_explained(coord_client, coordinator):
    one, = problems("First one")
    no_tick = coord_client.post("/coordinators/queue/bulk", data={"bulk-owner": "me", "bulk-assign": "Assign"})
    assert no_tick.status_code == 400 and "Please tick at least one problem." in no_tick.data.decode()
    no_status = coord_client.post("/coordinators/queue/bulk", data={
        "bulk-problem_ids": [one.id], "bulk-change_status": "Change", "bulk-note": "kept note"})
    page = no_status.data.decode()
    assert no_status.status_code == 400 and "Please choose the new status." in page and "kept note" in page
    tampered = coord_client.post("/coordinators/queue/bulk", data={
        "bulk-problem_ids": ["99999999999"], "bulk-owner": "me", "bulk-assign": "Assign"})
    assert tampered.status_code == 400


def test_select_all_without_javascript_ticks_every_problem_on_the_page(coord_client, coordinator):
    made = problems("First one", "Second one")
    page = coord_client.get("/coordinators/queue?select=all").data.decode()
    for problem in made:
        assert f'aria-label="Select problem #{problem.id}: {problem.title}" checked' in page
    assert '>None<span class="visually-hidden">: untick every problem' in page
    plain = coord_client.get("/coordinators/queue").data.decode()
    assert '>All<span class="visually-hidden">: tick every problem' in plain
    assert " checked" not in plain[plain.index("<tbody>"):]


def test_a_bulk_assignment_over_a_problem_someone_just_took_changes_nothing(coord_client, coordinator, dana):
    one, two = problems("First one", "Second one")
    ownership.assign(two, dana, dana)
    response = coord_client.post("/coordinators/queue/bulk", data={
        "bulk-problem_ids": [one.id, two.id], "bulk-owner": "me", "bulk-assign": "Assign",
        f"seen_owner-{one.id}": "", f"seen_owner-{two.id}": ""})
    assert response.status_code == 409
    assert f"Problem #{two.id} was just given to Dana Deputy by someone else." in response.data.decode()
    db.session.expire_all()
    assert one.owner_id is None and two.owner_id == dana.id


# --- Introductions signed by the owner -------------------------------------------------------------------------


def test_introductions_reply_to_the_owner_signed_with_the_owners_name_with_the_agencys_later_details(
        coord_client, coordinator, dana, small_world, smtp_inbox):
    problem, ada = small_world["problem"], small_world["ada"]
    problem.funding, problem.funding_deadline, problem.timeline = "grant", date(2027, 3, 31), "Start in January"
    db.session.commit()
    agency_requests.add_information(problem, "We can share RMS data back to 2018.")
    problem_updates.add_note(problem, "Internal: the chief is new.", coordinator)
    ownership.assign(problem, dana, coordinator)
    coord_client.get(f"/coordinators/problems/{problem.id}")
    suggestion = db.session.scalar(select(Suggestion).where(Suggestion.problem_id == problem.id,
                                                            Suggestion.researcher_id == ada.id))

    coord_client.post(f"/coordinators/problems/{problem.id}/introduce",
                      data={"introduce-suggestion_ids": [suggestion.id]})

    to_agency = smtp_inbox.last_to("pat@example.gov")
    to_researcher = smtp_inbox.last_to("ada@example.edu")
    assert to_agency["Reply-To"] == to_researcher["Reply-To"] == "dana@example.org"
    assert to_agency.get_content().replace("\r\n", "\n").rstrip().endswith(
        "Reply to this e-mail to reach me.\n\nDana Deputy\nCoordinator, Research Partners for Public Safety")
    text = to_researcher.get_content().replace("\r\n", "\n")
    assert "Dana Deputy\nCoordinator" in text
    assert "Grant deadline: 31 March 2027" in text and "Timeline: Start in January" in text
    assert "What the agency added later:" in text and "We can share RMS data back to 2018." in text
    assert "the chief is new" not in text


def test_an_unowned_problems_introduction_replies_to_the_coordinator_who_introduces(
        coord_client, coordinator, small_world):
    problem, ada = small_world["problem"], small_world["ada"]
    coord_client.get(f"/coordinators/problems/{problem.id}")
    suggestion = db.session.scalar(select(Suggestion).where(Suggestion.problem_id == problem.id,
                                                            Suggestion.researcher_id == ada.id))
    introductions.introduce(problem, [suggestion.id], coordinator)
    sent = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind.like("introduction_%"))).all()
    assert {m.reply_to for m in sent} == {"coord@example.org"}
    assert all("Casey Coordinator\nCoordinator, Research Partners" in m.body for m in sent)
    assert all("What the agency added later" not in m.body for m in sent)


def test_a_problem_without_activity_shows_its_submission_as_last_activity(coord_client, coordinator):
    old = problems("Old new problem", created_at=utcnow() - timedelta(days=30))[0]
    page = coord_client.get("/coordinators/queue").data.decode()
    assert "Old new problem" in page and "submitted" in page[page.index(f"pick-{old.id}"):]


def test_a_deactivated_owner_neither_signs_introductions_nor_gets_notices(coordinator, dana):
    problem, = problems("Shootings downtown")
    ownership.assign(problem, dana, coordinator)
    assert ownership.signing_coordinator(problem, coordinator) == dana
    assert ownership.notice_addresses(problem) == ["dana@example.org"]
    accounts.deactivate("dana@example.org")
    db.session.expire_all()
    assert ownership.signing_coordinator(problem, coordinator) == coordinator
    assert ownership.notice_addresses(problem) == ["coordinators@example.org"]


def test_an_unassigned_problem_offers_me_once_and_the_others_under_assign(coord_client, coordinator, dana,
                                                                          small_world):
    problem = small_world["problem"]
    page = coord_client.get(f"/coordinators/problems/{problem.id}").data.decode()
    panel = page[page.index('id="owner-card"'):page.index("</section>", page.index('id="owner-card"'))]
    assert "Assign to me" in panel and "Or assign to" in panel and "Reassign" not in panel
    options = panel[panel.index("<select"):panel.index("</select>")]
    assert "Dana Deputy" in options and "Casey Coordinator" not in options and "Nobody" not in options

    ownership.assign(problem, dana, coordinator)
    page = coord_client.get(f"/coordinators/problems/{problem.id}").data.decode()
    panel = page[page.index('id="owner-card"'):page.index("</section>", page.index('id="owner-card"'))]
    options = panel[panel.index("<select"):panel.index("</select>")]
    assert "Reassign to" in panel and "Casey Coordinator" in options and "Nobody (unassigned)" in options

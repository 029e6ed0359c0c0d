"""Property-based tests over every form: hostile input ends in a clear message or success, never a 500,
never a half-stored record."""

from __future__ import annotations

from contextlib import contextmanager

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from matcher.extensions import db
from matcher.models import (
    AuditEvent,
    OutboxMessage,
    Partnership,
    Problem,
    ProblemUpdate,
    Publication,
    Researcher,
    Suggestion,
)
from tests.agencies.conftest import valid_form
from tests.conftest import as_researcher, empty_all_tables
from tests.researchers.helpers import profile_data
from tests.robustness.conftest import hostile_text, robust
from tests.security.conftest import PASSWORD, build_world

HANDLED = {200, 302, 303, 400, 404, 409, 413, 429}
PROBLEM_FIELDS = list(valid_form()) + ["prefer_nearby", "in_person_only", "preferred_researcher",
                                       "keep_preferred"]
PROFILE_FIELDS = [key for key in profile_data() if key != "submit"]


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def snapshot() -> dict[str, int]:
    db.session.remove()
    return {model.__name__: count(model) for model in (Problem, ProblemUpdate, OutboxMessage, Researcher,
                                                        Publication, AuditEvent, Partnership, Suggestion)}


def changes(before: dict[str, int]) -> dict[str, int]:
    after = snapshot()
    return {name: after[name] - before[name] for name in before if after[name] != before[name]}


def hostile_form(fields: list[str], base: dict):
    """A valid form with some fields replaced by hostile text, or by several values at once."""
    value = st.one_of(hostile_text(), st.lists(hostile_text(60), max_size=4))
    return st.dictionaries(st.sampled_from(fields), value, max_size=6).map(lambda bad: {**base, **bad})


def assert_handled(response, where="") -> None:
    assert response.status_code in HANDLED, (response.status_code, where)
    if response.status_code in (400, 409, 413, 429):
        assert b"Research Partners" in response.data  # a page in the site's look, not a bare error


# --- agencies -----------------------------------------------------------------------------------


@robust
@given(form=hostile_form(PROBLEM_FIELDS, valid_form()))
def test_problem_statement_form(client, db, fresh_index, config_override, form):
    config_override(MAIL_PER_RECIPIENT_PER_DAY=10**6)  # every example may write to the same address
    before = snapshot()
    response = client.post("/agencies/submit", data=form)
    assert_handled(response)
    changed = changes(before)
    if changed:
        # Stored: the statement, its audit entry and its e-mails, all together.
        assert response.status_code == 303
        assert changed["Problem"] == 1 and changed["AuditEvent"] >= 1
        assert changed["OutboxMessage"] == 2  # the agency's confirmation and the coordinators' notice
    elif response.status_code == 200:
        assert "error" in response.get_data(as_text=True).lower()


@robust
@given(body=hostile_text(), reason=hostile_text(), confirm=st.sampled_from(["y", "", "no", "\x00"]))
def test_status_page_forms(client, db, fresh_index, body, reason, confirm):
    with example_world() as world:
        path = f"/agencies/status/{world.status_token}"
        before = snapshot()
        response = client.post(f"{path}/information", data={"info-body": body})
        assert_handled(response, "information")
        added = changes(before).get("ProblemUpdate", 0)
        assert added in (0, 1)
        if added:
            assert db.session.scalar(select(ProblemUpdate).order_by(ProblemUpdate.id.desc())).body.strip()
        response = client.post(f"{path}/withdraw", data={"withdraw-reason": reason, "withdraw-confirm": confirm})
        assert_handled(response, "withdraw")
        problem = db.session.get(Problem, world.problem_id)
        withdrawals = count_updates(problem.id, "withdrawal")
        assert (problem.status == "withdrawn") == (withdrawals == 1)
        db.session.remove()


def count_updates(problem_id: int, kind: str) -> int:
    return db.session.scalar(select(func.count()).select_from(ProblemUpdate)
                             .where(ProblemUpdate.problem_id == problem_id, ProblemUpdate.kind == kind))


@contextmanager
def example_world():
    """The small site for one hypothesis example, emptied afterwards whatever happened."""
    try:
        yield build_world()
    finally:
        reset()


def reset() -> None:
    """Empty the tables between examples that build their own world."""
    empty_all_tables()


# --- researchers --------------------------------------------------------------------------------


@robust
@given(form=hostile_form(PROFILE_FIELDS, profile_data()), email_suffix=st.integers(0, 10**9))
def test_registration_form(client, db, fresh_index, form, email_suffix):
    if "email" not in form or form["email"] == profile_data()["email"]:
        form = {**form, "email": f"new{email_suffix}@example.edu"}
    before = snapshot()
    response = client.post("/researchers/register", data=form)
    assert_handled(response)
    changed = changes(before)
    created = changed.get("Researcher", 0)
    assert created in (0, 1)
    if created:
        researcher = db.session.scalar(select(Researcher).order_by(Researcher.id.desc()))
        assert researcher.name and researcher.statement and researcher.topics
        assert changed.get("OutboxMessage") == 1  # the confirmation link
        assert not researcher.is_listed
    else:
        assert changed.get("Publication", 0) == 0


@robust
@given(email=hostile_text(300), website=st.sampled_from(["", "", "bot"]))
def test_manage_my_profile_form(client, db, fresh_index, email, website):
    before = snapshot()
    response = client.post("/researchers/manage", data={"email": email, "website": website})
    assert_handled(response)
    assert changes(before).get("Researcher", 0) == 0


@robust
@given(form=hostile_form(PROFILE_FIELDS, profile_data()))
def test_profile_edit_form(app, db, fresh_index, form):
    with example_world() as world:
        client = app.test_client()
        as_researcher(client, world.researcher_id)
        researcher = db.session.get(Researcher, world.researcher_id)
        saved = (researcher.name, researcher.statement, [p.title for p in researcher.publications])
        db.session.remove()
        response = client.post("/researchers/profile/edit", data={k: v for k, v in form.items() if k != "email"})
        assert_handled(response)
        researcher = db.session.get(Researcher, world.researcher_id)
        now = (researcher.name, researcher.statement, [p.title for p in researcher.publications])
        if response.status_code != 302:
            assert now == saved  # refused: nothing of it was stored
        else:
            assert researcher.name and researcher.statement
        for path in ("/researchers/profile", f"/directory/researchers/{world.researcher_id}", "/directory/"):
            assert client.get(path).status_code == 200, path


@robust
@given(form=st.fixed_dictionaries({}, optional={
    "name": hostile_text(), "university": hostile_text(), "website": hostile_text(), "state": hostile_text(4),
    "description": hostile_text(), "city": hostile_text(), "topics": st.lists(hostile_text(30), max_size=3)}))
def test_research_centre_forms(app, db, fresh_index, form):
    with example_world() as world:
        client = app.test_client()
        as_researcher(client, world.researcher_id)
        for path in ("/researchers/centres/new", f"/researchers/centres/{world.centre_id}/edit"):
            assert_handled(client.post(path, data=form), path)
        assert client.get(f"/directory/centres/{world.centre_id}").status_code == 200


# --- coordinators -------------------------------------------------------------------------------


@robust
@given(email=hostile_text(300), password=hostile_text(300))
def test_coordinator_sign_in_form(client, db, fresh_index, email, password):
    response = client.post("/coordinators/sign-in", data={"email": email, "password": password})
    assert_handled(response)
    assert response.status_code != 302  # nobody signs in with made-up credentials


COORDINATOR_FORMS = {
    "question": ["question-body"], "note": ["note-body"],
    "status": ["status-status", "status-note", "status-partnerships", "status-outcome", "status-version"],
    "reject": ["reject-suggestion_id", "reject-reason", "reject-version"],
    "introduce": ["introduce-suggestion_ids", "introduce-message"],
    "shortlist": ["suggestion_id", "version"], "reconsider": ["suggestion_id", "version"],
    "answers": ["answers-funding", "answers-funding_deadline", "answers-prefer_nearby", "answers-in_person_only",
                "answers-max_distance_miles", "answers-seen"],
}


def coordinator_action():
    """An action on the problem page and a hostile form for it."""
    value = st.one_of(hostile_text(), st.lists(hostile_text(20), max_size=3))
    return st.sampled_from(sorted(COORDINATOR_FORMS)).flatmap(
        lambda action: st.tuples(st.just(action), st.fixed_dictionaries({f: value for f in COORDINATOR_FORMS[action]})))


@robust
@given(action_and_form=coordinator_action())
def test_coordinator_actions_on_a_problem(app, db, fresh_index, action_and_form):
    action, form = action_and_form
    with example_world() as world:
        client = app.test_client()
        assert client.post("/coordinators/sign-in", data={"email": "coord@example.org", "password": PASSWORD}
                           ).status_code == 302
        response = client.post(f"/coordinators/problems/{world.problem_id}/{action}", data=form)
        assert_handled(response, action)
        assert client.get(f"/coordinators/problems/{world.problem_id}").status_code == 200
        assert client.get(f"/agencies/status/{world.status_token}").status_code == 200


@robust
@given(form=st.fixed_dictionaries({}, optional={
    "stage-stage": hostile_text(30), "stage-on": hostile_text(30), "stage-outcome": hostile_text(30),
    "stage-note": hostile_text(), "stage-version": hostile_text(10), "note-body": hostile_text(),
    "close-note": hostile_text(), "close-version": hostile_text(10), "mode": hostile_text(20),
    "pair": st.lists(hostile_text(20), max_size=3), "per_problem": hostile_text(10)}))
def test_coordinator_partnership_and_assignment_forms(app, db, fresh_index, form):
    with example_world() as world:
        client = app.test_client()
        client.post("/coordinators/sign-in", data={"email": "coord@example.org", "password": PASSWORD})
        for path in (f"/coordinators/partnerships/{world.partnership_id}/stage",
                     f"/coordinators/partnerships/{world.partnership_id}/notes",
                     f"/coordinators/partnerships/{world.partnership_id}/close-problem",
                     "/coordinators/assignment/accept",
                     f"/coordinators/outbox/{world.message_id}/resend"):
            assert_handled(client.post(path, data=form), path)
        query = {k: v for k, v in form.items() if isinstance(v, str)}
        for path in ("/coordinators/assignment", "/coordinators/queue", "/coordinators/partnerships",
                     "/coordinators/outbox", "/directory/"):
            assert_handled(client.get(path, query_string=query), path)
        assert client.get(f"/coordinators/partnerships/{world.partnership_id}").status_code == 200

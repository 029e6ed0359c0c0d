"""The queue and the problem page: statuses, filters, suggestions explained, exclusions, forms."""

from __future__ import annotations

from datetime import timedelta

from matcher.extensions import db
from matcher.models import AuditEvent, Suggestion
from matcher.models.types import utcnow
from tests.factories import make_problem


def test_queue_lists_the_oldest_new_problems_first_and_filters(coord_client, small_world, db):
    old = make_problem(title="Old new problem", created_at=utcnow() - timedelta(days=30), state="NY",
                       city="Albany", zip="12207", agency_type="sheriff", topics=["gun-violence"])
    reviewed = make_problem(title="Older but under review", status="under-review",
                            created_at=utcnow() - timedelta(days=90))
    db.session.add_all([old, reviewed])
    db.session.commit()

    page = coord_client.get("/coordinators/queue").data.decode()
    assert page.index("Old new problem") < page.index("Break-ins on the east side") < page.index("Older but under")
    assert "30 days" in page

    only_new = coord_client.get("/coordinators/queue?status=new").data.decode()
    assert "Older but under review" not in only_new and "Old new problem" in only_new
    by_topic = coord_client.get("/coordinators/queue?topic=gun-violence").data.decode()
    assert "Old new problem" in by_topic and "Break-ins" not in by_topic
    by_place = coord_client.get("/coordinators/queue?state=NY&agency_type=sheriff").data.decode()
    assert "Old new problem" in by_place and "Break-ins" not in by_place
    search = coord_client.get("/coordinators/queue?q=EAST+side").data.decode()
    assert "Break-ins on the east side" in search and "Old new problem" not in search
    wildcard = coord_client.get("/coordinators/queue?q=%25").data.decode()
    assert "No problem statements match" in wildcard


def test_a_bad_filter_is_explained_not_a_crash(coord_client, small_world):
    response = coord_client.get("/coordinators/queue?status=bogus&q=" + "x" * 300)
    assert response.status_code == 200
    page = response.data.decode()
    assert "Not a valid choice" in page or "choose" in page.lower()
    assert "at most 200 characters" in page


def test_problem_page_explains_each_suggestion_and_marks_shared_terms(coord_client, small_world):
    problem, ada = small_world["problem"], small_world["ada"]
    page = coord_client.get(f"/coordinators/problems/{problem.id}").data.decode()

    assert "Suggested researchers" in page and "Ada Nearrepeat" in page
    for part in ("Text", "Topics", "Help", "Distance", "Capacity"):
        assert f'<th scope="row">{part}</th>' in page
    assert "<mark>burglary</mark>" in page.lower() or "<mark>Burglary</mark>" in page
    assert "<mark>repeat</mark>" in page.lower()
    assert "free capacity: 1 of 1" in page
    top = db.session.query(Suggestion).filter_by(problem_id=problem.id).order_by(Suggestion.rank).first()
    assert top.researcher_id in (ada.id, small_world["bo"].id)


def test_statement_text_is_escaped_while_terms_are_marked(coord_client, small_world):
    problem = small_world["problem"]
    problem.description = 'Burglary <script>alert("x")</script> near-repeat <b>bold</b>'
    db.session.commit()
    page = coord_client.get(f"/coordinators/problems/{problem.id}").data.decode()
    assert "<script>alert" not in page and "&lt;script&gt;" in page
    assert "<b>bold</b>" not in page


def test_excluded_researchers_are_listed_with_the_reason(coord_client, small_world):
    problem = small_world["problem"]
    small_world["bo"].conflicts = [problem.agency_name]
    small_world["ted"].hidden = True
    db.session.commit()
    page = coord_client.get(f"/coordinators/problems/{problem.id}").data.decode()
    excluded = page[page.index("Excluded researchers"):]
    assert "Bo Breakins" in excluded and "Conflict" in excluded
    assert "Researcher declared a conflict with this agency" in excluded
    assert "Ted Traffic" in excluded and "Hidden" in excluded


def test_shortlist_and_reject_with_a_reason(coord_client, small_world):
    problem = small_world["problem"]
    coord_client.get(f"/coordinators/problems/{problem.id}")
    rows = {s.researcher_id: s for s in db.session.query(Suggestion).filter_by(problem_id=problem.id)}
    ada, bo = rows[small_world["ada"].id], rows[small_world["bo"].id]

    response = coord_client.post(f"/coordinators/problems/{problem.id}/shortlist", data={"suggestion_id": ada.id},
                                 follow_redirects=True)
    assert "Ada Nearrepeat is on the shortlist" in response.data.decode()

    empty = coord_client.post(f"/coordinators/problems/{problem.id}/reject",
                              data={"reject-suggestion_id": bo.id, "reject-reason": "  "})
    assert empty.status_code == 400
    assert "Please say why this researcher is not a fit." in empty.data.decode()

    done = coord_client.post(f"/coordinators/problems/{problem.id}/reject",
                             data={"reject-suggestion_id": bo.id, "reject-reason": "Works only on rural areas"},
                             follow_redirects=True)
    assert "reason: Works only on rural areas" in done.data.decode()

    db.session.expire_all()
    assert (ada.decision, bo.decision) == ("shortlisted", "rejected")
    assert problem.status == "under-review"
    actions = [e.action for e in db.session.query(AuditEvent).order_by(AuditEvent.id)]
    assert "suggestion.shortlisted" in actions and "suggestion.rejected" in actions


def test_a_suggestion_of_another_problem_is_refused(coord_client, small_world):
    problem = small_world["problem"]
    other = make_problem()
    db.session.add(other)
    db.session.commit()
    coord_client.get(f"/coordinators/problems/{problem.id}")
    suggestion = db.session.query(Suggestion).filter_by(problem_id=problem.id).first()
    response = coord_client.post(f"/coordinators/problems/{other.id}/shortlist",
                                 data={"suggestion_id": suggestion.id})
    assert response.status_code == 409
    assert "does not belong to this problem" in response.data.decode()


def test_the_problem_page_opens_even_when_ranking_fails(coord_client, small_world, monkeypatch):
    from matcher.services import matching

    problem = small_world["problem"]
    problem.suggestions_computed_at = None
    db.session.query(Suggestion).filter_by(problem_id=problem.id).delete()
    db.session.commit()

    def broken(problem, k=None):
        raise RuntimeError("index unavailable")

    monkeypatch.setattr(matching, "rank_problem", broken)
    response = coord_client.get(f"/coordinators/problems/{problem.id}")
    assert response.status_code == 200
    assert problem.title in response.get_data(as_text=True)


def test_a_problem_nobody_writes_about_says_its_best_match_is_weak(coord_client, small_world):
    unrelated = make_problem(title="New carpet for the reading room",
                             description="Our library wants advice on carpet and paint for the children's room.")
    db.session.add(unrelated)
    db.session.commit()
    page = coord_client.get(f"/coordinators/problems/{unrelated.id}").data.decode()
    assert "Weak text match" in page


def test_a_well_matched_problem_is_not_called_weak(coord_client, small_world):
    problem = small_world["problem"]
    problem.description = ("Near-repeat residential burglary: repeat victimization of the same homes at micro "
                           "places, burglary prevention and break-ins in the suburbs.")
    db.session.commit()
    page = coord_client.get(f"/coordinators/problems/{problem.id}").data.decode()
    assert "Ada Nearrepeat" in page and "Weak text match" not in page


def test_a_suggestion_on_a_closed_problem_cannot_be_rejected(coord_client, small_world):
    problem = small_world["problem"]
    coord_client.get(f"/coordinators/problems/{problem.id}")
    bo = db.session.query(Suggestion).filter_by(problem_id=problem.id, researcher_id=small_world["bo"].id).one()
    problem.status = "closed"
    db.session.commit()

    response = coord_client.post(f"/coordinators/problems/{problem.id}/reject",
                                 data={"reject-suggestion_id": bo.id, "reject-reason": "Works only on rural areas"})
    assert response.status_code == 409
    assert "This problem is closed. Reopen it before acting on it." in response.data.decode()
    db.session.expire_all()
    assert bo.decision == "pending" and bo.decision_reason == "" and problem.status == "closed"
    assert "suggestion.rejected" not in [e.action for e in db.session.query(AuditEvent)]


def test_the_queue_finds_problems_by_number_contact_and_researcher_name(coord_client, small_world):
    problem = small_world["problem"]  # contact Pat Chief, pat@example.gov, phone 555-0100
    other = make_problem(title="Overdoses after release", contact_name="Robin Analyst", email="robin@county.gov")
    db.session.add(other)
    db.session.flush()
    db.session.add(Suggestion(problem_id=problem.id, researcher_id=small_world["ada"].id, rank=1, score=0.9,
                              model_version="test"))
    db.session.commit()

    def found(q: str) -> set[str]:
        page = coord_client.get("/coordinators/queue?q=" + q).data.decode()
        return {title for title in ("Break-ins on the east side", "Overdoses after release") if title in page}

    assert found(f"%23{problem.id}") == {"Break-ins on the east side"}  # "#12"
    assert found(f"%23{other.id}") == {"Overdoses after release"}
    assert "Overdoses after release" in found(str(other.id))  # a bare number: the number, or digits in the text
    assert found("pat@example") == {"Break-ins on the east side"}
    assert found("Robin") == {"Overdoses after release"}
    assert found("Nearrepeat") == {"Break-ins on the east side"}  # Ada Nearrepeat was suggested for it

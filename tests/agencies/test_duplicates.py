"""One form, one statement: sending it again lands on the stored one; coordinators see look-alikes flagged."""

from __future__ import annotations

import re
import threading

from sqlalchemy import func, select

from matcher.models import OutboxMessage, Problem
from tests.agencies.conftest import valid_form


def problem_count(db) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(Problem))


def form_key(client) -> str:
    html = client.get("/agencies/submit").get_data(as_text=True)
    return re.search(r'name="submission_key" type="hidden" value="([^"]+)"', html).group(1)


def test_sending_the_same_form_again_stores_one_statement_and_lands_on_its_status_page(client, db, matching):
    key = form_key(client)
    first = client.post("/agencies/submit", data=valid_form(submission_key=key))
    assert first.status_code == 303 and first.headers["Location"].endswith("/agencies/submitted")
    messages = db.session.scalar(select(func.count()).select_from(OutboxMessage))

    again = client.post("/agencies/submit", data=valid_form(submission_key=key))  # Back, then Send again
    problem = db.session.scalar(select(Problem))
    assert problem_count(db) == 1
    assert again.headers["Location"].endswith(f"/agencies/status/{problem.status_token}")
    page = client.get(again.headers["Location"]).get_data(as_text=True)
    assert "You had already sent this statement, so it was not stored again." in page
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == messages  # no second e-mail


def test_two_showings_of_the_form_are_two_statements(client, db, matching):
    for title in ("Break-ins on the east side", "Thefts from cars downtown"):
        client.post("/agencies/submit", data=valid_form(title=title, submission_key=form_key(client)))
    assert problem_count(db) == 2


def test_a_form_sent_with_a_mistake_keeps_its_key_for_the_corrected_send(client, db, matching):
    key = form_key(client)
    html = client.post("/agencies/submit", data=valid_form(title="", submission_key=key)).get_data(as_text=True)
    assert f'value="{key}"' in html
    client.post("/agencies/submit", data=valid_form(submission_key=key))
    client.post("/agencies/submit", data=valid_form(submission_key=key))
    assert problem_count(db) == 1


def test_the_same_form_sent_twice_at_once_is_stored_once(app, db, matching):
    key = form_key(app.test_client())
    barrier = threading.Barrier(2)
    codes = []

    def send():
        client = app.test_client()
        barrier.wait()
        codes.append(client.post("/agencies/submit", data=valid_form(submission_key=key)).status_code)

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert codes == [303, 303]
    assert problem_count(db) == 1


def test_the_confirmation_shows_the_reference_number_and_a_copy(client, db, matching):
    client.post("/agencies/submit", data=valid_form(submission_key=form_key(client)))
    problem = db.session.scalar(select(Problem))
    html = client.get("/agencies/submitted").get_data(as_text=True)
    assert f"Reference number: <strong>{problem.id}</strong>" in html
    assert "A copy of what you sent" in html
    assert problem.title in html and "Thefts from vehicles in three downtown parking garages" in html


def test_a_replay_from_another_browser_is_stored_once_without_opening_the_status_page(app, client, db, matching):
    key = form_key(client)
    client.post("/agencies/submit", data=valid_form(submission_key=key))
    stranger = app.test_client()  # someone who copied the form's fields, key included
    replay = stranger.post("/agencies/submit", data=valid_form(submission_key=key))
    assert replay.headers["Location"].endswith("/agencies/submitted")
    page = stranger.get("/agencies/submitted").get_data(as_text=True)
    problem = db.session.scalar(select(Problem))
    assert problem.status_token not in page and "Reference number" not in page
    assert problem_count(db) == 1

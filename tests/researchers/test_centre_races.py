"""Two administrators leaving at the same moment: the second waits for the first, sees it is now the last,
and hands the centre on (never a centre with members and nobody able to approve)."""

from __future__ import annotations

import threading
import time

from matcher.models import ResearchCentre, Researcher
from matcher.services import centres
from tests.factories import make_researcher
from tests.researchers.test_centres import CENTRE


def test_the_last_two_administrators_leaving_together_still_leave_one(app, db, monkeypatch):
    # Unconfirmed administrators: their leaving changes nothing the search index shows, so no other lock
    # (the corpus version's) orders the two transactions.
    first, second = (make_researcher(name=name, confirmed_at=None) for name in ("First", "Second"))
    heir = make_researcher(name="Heir")
    db.session.add_all([first, second, heir])
    db.session.commit()
    centre = centres.create_centre(first, CENTRE)
    for person in (second, heir):
        centres.request_to_join(person, centre)
        centres.approve(first, centre, person.membership.id)
    centres.appoint_administrator(first, centre, second.membership.id)
    ids, centre_id = (first.id, second.id), centre.id
    db.session.remove()

    settle = centres._settle_administration
    first_inside = threading.Event()

    def slow_settle(centre, notify=True):
        settle(centre, notify)
        if threading.current_thread().name == "first":
            first_inside.set()
            time.sleep(0.5)  # still inside its transaction, holding the centre's row

    monkeypatch.setattr(centres, "_settle_administration", slow_settle)
    errors: list[BaseException] = []

    def leave(researcher_id: int) -> None:
        try:
            with app.app_context():
                centres.leave(db.session.get(Researcher, researcher_id))
                db.session.remove()
        except BaseException as error:  # noqa: BLE001 (reported by the test below)
            errors.append(error)

    threads = [threading.Thread(target=leave, args=(ids[0],), name="first"),
               threading.Thread(target=leave, args=(ids[1],), name="second")]
    threads[0].start()
    assert first_inside.wait(5)
    threads[1].start()
    for thread in threads:
        thread.join(10)
    assert errors == []
    centre = db.session.get(ResearchCentre, centre_id)
    assert [person.name for person in centre.administrators] == ["Heir"]

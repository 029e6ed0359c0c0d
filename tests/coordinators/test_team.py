"""The Team page: list, invite by e-mailed link, deactivate and reactivate, change my password, forgotten
passwords; and the commands that do the same."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from matcher.extensions import db
from matcher.models import AuditEvent, Coordinator
from matcher.services import accounts
from tests.coordinators.conftest import PASSWORD, sign_in
from tests.researchers.helpers import error_beside, link_in, outbox_to

NEW_PASSWORD = "another long password"


@pytest.fixture
def colleague(coordinator):
    """A second coordinator."""
    return accounts.create_coordinator("dana@example.org", PASSWORD, name="Dana Deputy")


def actions(record_id: int | None = None) -> list[str]:
    query = select(AuditEvent.action).order_by(AuditEvent.id)
    if record_id is not None:
        query = query.where(AuditEvent.record_id == record_id)
    return list(db.session.scalars(query))


def test_the_team_page_lists_accounts_with_status_and_last_sign_in(coord_client, colleague):
    accounts.deactivate("dana@example.org")
    html = coord_client.get("/coordinators/team").get_data(as_text=True)
    assert "Casey Coordinator" in html and "coord@example.org" in html
    assert "Dana Deputy" in html and "Deactivated" in html
    assert "Never" in html  # Dana never signed in; Casey just did
    assert 'href="/coordinators/team" aria-current="page"' in html


def test_inviting_a_colleague_e_mails_a_single_use_link_that_sets_their_password(coord_client, client, app):
    response = coord_client.post("/coordinators/team/invite", data={"name": "Ines Invited",
                                                                    "email": "Ines@Example.org"})
    assert response.status_code == 303
    assert "Ines Invited is invited" in coord_client.get("/coordinators/team").get_data(as_text=True)
    invited = db.session.scalar(select(Coordinator).where(Coordinator.email == "ines@example.org"))
    assert invited.active and invited.last_sign_in_at is None
    assert sign_in(app.test_client(), "ines@example.org", PASSWORD).status_code == 200  # no password opens it

    (message,) = outbox_to("ines@example.org")
    assert "Casey Coordinator has invited you" in message.body
    link = link_in(message)
    assert "/coordinators/invitation/" in link
    newcomer = app.test_client()
    page = newcomer.get(link).get_data(as_text=True)
    assert "Choose your password" in page and "ines@example.org" in page
    response = newcomer.post(link, data={"new_password": NEW_PASSWORD, "repeat_password": NEW_PASSWORD})
    assert response.status_code == 303
    assert newcomer.get("/coordinators/").status_code == 200  # signed in at once

    again = app.test_client().post(link, data={"new_password": "yet another password",
                                                "repeat_password": "yet another password"})
    assert again.status_code == 400 and "already been used" in again.get_data(as_text=True)
    assert sign_in(app.test_client(), "ines@example.org", NEW_PASSWORD).status_code == 302
    assert "coordinator.invited" in actions(invited.id) and "coordinator.invitation_accepted" in actions(invited.id)


def test_an_invitation_refuses_a_taken_address_and_bad_input_beside_the_field(coord_client, colleague):
    response = coord_client.post("/coordinators/team/invite", data={"name": "Dana Again",
                                                                    "email": "DANA@example.org"})
    assert response.status_code == 400
    assert "already exists" in error_beside(response.get_data(as_text=True), "email")
    response = coord_client.post("/coordinators/team/invite", data={"name": "", "email": "not-an-address"})
    html = response.get_data(as_text=True)
    assert error_beside(html, "name") == "Please enter their name."
    assert "valid e-mail" in error_beside(html, "email")
    assert db.session.scalar(select(Coordinator).where(Coordinator.name == "Dana Again")) is None


def test_an_expired_or_tampered_invitation_does_not_work(coord_client, client, config_override):
    coord_client.post("/coordinators/team/invite", data={"name": "Ines Invited", "email": "ines@example.org"})
    link = link_in(outbox_to("ines@example.org")[0])
    assert client.get(link[:-2] + "xx").status_code == 400
    config_override(COORDINATOR_INVITE_LINK_MAX_AGE=-1)
    response = client.get(link)
    assert response.status_code == 400 and "has expired" in response.get_data(as_text=True)


def test_deactivating_a_colleague_ends_their_session_at_once(coord_client, colleague, app):
    dana = app.test_client()
    assert sign_in(dana, "dana@example.org").status_code == 302
    assert dana.get("/coordinators/queue").status_code == 200

    response = coord_client.post(f"/coordinators/team/{colleague.id}/deactivate", follow_redirects=True)
    assert "Dana Deputy is deactivated and signed out everywhere" in response.get_data(as_text=True)

    response = dana.get("/coordinators/queue")
    assert response.status_code == 302 and "/coordinators/sign-in" in response.location
    page = dana.get(response.location).get_data(as_text=True)
    assert "Your coordinator account has been deactivated" in page
    assert "That e-mail and password do not match" in sign_in(dana, "dana@example.org").get_data(as_text=True)
    assert "coordinator.deactivated" in actions(colleague.id)

    response = coord_client.post(f"/coordinators/team/{colleague.id}/reactivate", follow_redirects=True)
    assert "Dana Deputy can sign in again" in response.get_data(as_text=True)
    assert sign_in(dana, "dana@example.org").status_code == 302


def test_the_last_active_coordinator_cannot_be_deactivated(coord_client, coordinator, colleague):
    accounts.deactivate("dana@example.org")
    response = coord_client.post(f"/coordinators/team/{coordinator.id}/deactivate", follow_redirects=True)
    assert "is the last active coordinator, so the account stays active" in response.get_data(as_text=True)
    db.session.refresh(coordinator)
    assert coordinator.active
    assert coord_client.get("/coordinators/queue").status_code == 200


def test_deactivating_oneself_signs_out_with_the_reason(coord_client, coordinator, colleague):
    response = coord_client.post(f"/coordinators/team/{coordinator.id}/deactivate", follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "Coordinator sign-in" in html and "has been deactivated" in html


def test_changing_my_password_keeps_this_session_and_ends_the_others(coord_client, app):
    other_device = app.test_client()
    sign_in(other_device)
    wrong = coord_client.post("/coordinators/password", data={
        "current_password": "not my password", "new_password": NEW_PASSWORD, "repeat_password": NEW_PASSWORD})
    assert error_beside(wrong.get_data(as_text=True), "current_password") == "That is not your current password."
    mismatch = coord_client.post("/coordinators/password", data={
        "current_password": PASSWORD, "new_password": NEW_PASSWORD, "repeat_password": "something else!"})
    assert error_beside(mismatch.get_data(as_text=True), "repeat_password") == "The two passwords are not the same."
    short = coord_client.post("/coordinators/password", data={
        "current_password": PASSWORD, "new_password": "short", "repeat_password": "short"})
    assert "10 to 200 characters" in error_beside(short.get_data(as_text=True), "new_password")
    assert sign_in(app.test_client()).status_code == 302  # nothing changed so far

    response = coord_client.post("/coordinators/password", data={
        "current_password": PASSWORD, "new_password": NEW_PASSWORD, "repeat_password": NEW_PASSWORD})
    assert response.status_code == 303
    assert coord_client.get("/coordinators/queue").status_code == 200
    ended = other_device.get("/coordinators/queue")
    assert "/coordinators/sign-in" in ended.location
    assert "Your session has ended" in other_device.get(ended.location).get_data(as_text=True)
    assert sign_in(app.test_client()).status_code == 200
    assert sign_in(app.test_client(), password=NEW_PASSWORD).status_code == 302


def test_forgot_password_answers_the_same_for_any_address_and_mails_only_active_accounts(client, coordinator,
                                                                                          colleague):
    accounts.deactivate("dana@example.org")
    assert "Forgot your password?" in client.get("/coordinators/sign-in").get_data(as_text=True)
    answers = []
    for address in ("coord@example.org", "nobody@example.org", "dana@example.org"):
        response = client.post("/coordinators/forgot-password", data={"email": address}, follow_redirects=True)
        answers.append(response.get_data(as_text=True).replace(address, "ADDRESS"))
    assert answers[0] == answers[1] == answers[2]
    assert "If ADDRESS belongs to an active coordinator account" in answers[0]
    assert len(outbox_to("coord@example.org")) == 1
    assert outbox_to("nobody@example.org") == [] and outbox_to("dana@example.org") == []


def test_a_reset_link_sets_a_new_password_once_and_only_the_newest_works(client, coordinator, app, config_override):
    signed_in_elsewhere = app.test_client()
    sign_in(signed_in_elsewhere)
    client.post("/coordinators/forgot-password", data={"email": "coord@example.org"})
    client.post("/coordinators/forgot-password", data={"email": "coord@example.org"})
    db.session.expire_all()  # the links were made by jobs, in sessions of their own
    older, newer = (link_in(message) for message in outbox_to("coord@example.org"))
    assert "already been used, or a newer one was sent" in client.get(older).get_data(as_text=True)

    mismatch = client.post(newer, data={"new_password": NEW_PASSWORD, "repeat_password": "different password"})
    assert mismatch.status_code == 400
    assert error_beside(mismatch.get_data(as_text=True), "repeat_password") == "The two passwords are not the same."
    response = client.post(newer, data={"new_password": NEW_PASSWORD, "repeat_password": NEW_PASSWORD},
                           follow_redirects=True)
    assert "Your password is changed and you are signed in" in response.get_data(as_text=True)
    assert "/coordinators/sign-in" in signed_in_elsewhere.get("/coordinators/queue").location
    assert client.post(newer, data={"new_password": "third long password",
                                    "repeat_password": "third long password"}).status_code == 400
    assert sign_in(app.test_client(), password=NEW_PASSWORD).status_code == 302

    client.post("/coordinators/forgot-password", data={"email": "coord@example.org"})
    db.session.expire_all()
    config_override(COORDINATOR_RESET_LINK_MAX_AGE=-1)
    assert "has expired" in client.get(link_in(outbox_to("coord@example.org")[-1])).get_data(as_text=True)
    assert "coordinator.password_reset" in actions(coordinator.id)


def test_list_and_invite_commands(runner, db, coordinator):
    result = runner.invoke(args=["invite-coordinator", "ines@example.org", "--name", "Ines Invited"])
    assert result.exit_code == 0, result.output
    assert "Invited ines@example.org" in result.output and "outbox message" in result.output
    assert "/coordinators/invitation/" in link_in(outbox_to("ines@example.org")[0])
    result = runner.invoke(args=["invite-coordinator", "ines@example.org", "--name", "Ines Again"])
    assert result.exit_code != 0 and "already exists" in result.output
    accounts.deactivate("coord@example.org")

    result = runner.invoke(args=["list-coordinators"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == ["Name", "E-mail", "Status", "Last", "sign-in", "(UTC)"]
    ines = next(line for line in lines if "ines@example.org" in line)
    casey = next(line for line in lines if "coord@example.org" in line)
    assert "Ines Invited" in ines and "active" in ines and "never" in ines
    assert "deactivated" in casey
    assert lines.index(ines) < lines.index(casey)  # active accounts first


def test_reset_links_to_one_address_stop_at_the_daily_cap(client, coordinator, config_override):
    config_override(MAIL_PER_RECIPIENT_PER_DAY=2)
    for _ in range(4):
        response = client.post("/coordinators/forgot-password", data={"email": "coord@example.org"},
                               follow_redirects=True)
        assert "If coord@example.org belongs to an active coordinator account" in response.get_data(as_text=True)
    assert len(outbox_to("coord@example.org")) == 2

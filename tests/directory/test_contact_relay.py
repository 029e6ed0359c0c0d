"""'Write to this researcher': the form, the sender's confirmation link, the relayed e-mail with Reply-To, caps,
the opt-out, and the researcher's address never shown."""

from __future__ import annotations

import html as html_lib
import re

import pytest
from sqlalchemy import func, select

from matcher.models import ContactRequest, OutboxMessage, Researcher
from matcher.services import contact_relay
from tests.factories import make_researcher
from tests.researchers.helpers import error_beside, link_in, outbox_to

ADDRESS = "ada.private@example.edu"
MESSAGE = "We see car break-ins cluster around two garages. Could you advise on an evaluation design?"


@pytest.fixture
def ada(db) -> Researcher:
    researcher = make_researcher(name="Ada Burgess", email=ADDRESS)
    db.session.add(researcher)
    db.session.commit()
    return researcher


def message_data(**overrides) -> dict:
    data = {"sender_name": "Pat Analyst", "organisation": "Riverton Police Department",
            "sender_email": "pat@riverton.example.gov", "subject": "Garage break-ins", "message": MESSAGE}
    data.update(overrides)
    return data


def write(client, researcher_id: int, **overrides):
    return client.post(f"/directory/researchers/{researcher_id}/write", data=message_data(**overrides))


def path_of(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


def requests_stored(db) -> int:
    return db.session.scalar(select(func.count()).select_from(ContactRequest))


# --- the button and the form --------------------------------------------------------------------


def test_the_profile_offers_write_to_this_researcher_and_the_form_never_shows_the_address(client, ada):
    profile = client.get(f"/directory/researchers/{ada.id}").get_data(as_text=True)
    assert "Write to this researcher" in profile
    assert f"/directory/researchers/{ada.id}/write" in profile
    form = client.get(f"/directory/researchers/{ada.id}/write")
    assert form.status_code == 200
    page = form.get_data(as_text=True)
    assert "Write to Ada Burgess" in page and ADDRESS not in page


def test_a_researcher_who_opted_out_has_no_button_and_the_form_refuses(client, db, ada):
    ada.accepts_messages = False
    db.session.commit()
    assert "Write to this researcher" not in client.get(f"/directory/researchers/{ada.id}").get_data(as_text=True)
    assert client.get(f"/directory/researchers/{ada.id}/write").status_code == 404
    assert write(client, ada.id).status_code == 404
    assert requests_stored(db) == 0 and outbox_to("pat@riverton.example.gov") == []


def test_unlisted_researchers_cannot_be_written_to(client, db):
    hidden = make_researcher(hidden=True)
    unconfirmed = make_researcher(confirmed_at=None)
    db.session.add_all([hidden, unconfirmed])
    db.session.commit()
    for person in (hidden, unconfirmed):
        assert client.get(f"/directory/researchers/{person.id}/write").status_code == 404
        assert write(client, person.id).status_code == 404
    assert client.get("/directory/researchers/999999999999/write").status_code == 404


def test_errors_show_beside_their_fields_and_nothing_typed_is_lost(client, db, ada):
    long_message = "x" * 2001
    response = write(client, ada.id, sender_email="not an address", message=long_message, organisation="")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Please enter a valid e-mail address" in error_beside(page, "sender_email")
    assert "Please shorten your message to 2,000 characters or fewer (it has 2,001)" in error_beside(page, "message")
    assert "Please enter your agency or organisation." in error_beside(page, "organisation")
    assert long_message in page and 'value="Pat Analyst"' in page and 'value="Garage break-ins"' in page
    assert requests_stored(db) == 0


def test_the_honeypot_stores_and_sends_nothing(client, db, ada):
    response = write(client, ada.id, website="http://spam.example")
    assert response.status_code == 303
    assert requests_stored(db) == 0
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0


# --- confirmation and relay ---------------------------------------------------------------------


def test_the_whole_relay_over_smtp_sets_reply_to_and_never_shows_the_address(client, db, ada, smtp_inbox):
    pages = []
    response = write(client, ada.id, sender_email="Pat@Riverton.Example.gov")
    assert response.status_code == 303
    pages.append(client.get(response.headers["Location"]).get_data(as_text=True))
    assert "Check your e-mail to send your message" in pages[-1] and "Pat@riverton.example.gov" in pages[-1]
    assert smtp_inbox.to(ADDRESS) == []  # nothing reaches the researcher before the sender confirms

    confirmation = smtp_inbox.last_to("pat@riverton.example.gov")
    assert "confirm your address to send your message" in confirmation.get_content().lower()
    assert ADDRESS not in confirmation.as_string()
    [link] = [url for url in smtp_inbox.links(confirmation) if "/messages/confirm/" in url]

    done = client.get(path_of(link))
    pages.append(done.get_data(as_text=True))
    assert done.status_code == 200 and "your message was sent" in pages[-1]

    relayed = smtp_inbox.last_to(ADDRESS)
    assert relayed["Reply-To"] == "Pat@riverton.example.gov"
    assert "Research Partners" in relayed["From"] and "riverton" not in relayed["From"].lower()
    assert "Garage break-ins" in relayed["Subject"]
    body = relayed.get_content()
    assert MESSAGE in body and "Riverton Police Department" in body
    assert "To stop messages through the site" in body
    assert any("/messages/stop/" in url for url in smtp_inbox.links(relayed))
    for page in pages:
        assert ADDRESS not in page
    stored = db.session.scalar(select(ContactRequest))
    assert stored.status == "relayed" and stored.confirmed_at is not None


def test_a_link_used_twice_says_the_message_was_already_sent_and_sends_nothing_more(client, db, ada):
    write(client, ada.id)
    link = link_in(outbox_to("pat@riverton.example.gov")[0])
    assert client.get(link).status_code == 200
    again = client.get(link)
    assert again.status_code == 400
    assert "This message was already sent" in again.get_data(as_text=True)
    assert len(outbox_to(ADDRESS)) == 1


def test_an_expired_link_says_so_and_sends_nothing(client, db, ada, config_override):
    write(client, ada.id)
    link = link_in(outbox_to("pat@riverton.example.gov")[0])
    config_override(CONTACT_LINK_MAX_AGE=-1)
    response = client.get(link)
    assert response.status_code == 400 and "This link has expired" in response.get_data(as_text=True)
    assert outbox_to(ADDRESS) == []
    assert db.session.scalar(select(ContactRequest.status)) == "expired"


def test_a_tampered_link_does_not_work(client, db, ada):
    write(client, ada.id)
    link = link_in(outbox_to("pat@riverton.example.gov")[0])
    response = client.get(link[:-3] + "abc")
    assert response.status_code == 400 and "This link does not work" in response.get_data(as_text=True)
    assert outbox_to(ADDRESS) == []


def test_a_researcher_who_opts_out_before_the_sender_confirms_gets_nothing(client, db, ada):
    write(client, ada.id)
    ada.accepts_messages = False
    db.session.commit()
    response = client.get(link_in(outbox_to("pat@riverton.example.gov")[0]))
    assert "no longer accepts messages" in response.get_data(as_text=True)
    assert outbox_to(ADDRESS) == []
    assert db.session.scalar(select(ContactRequest.status)) == "refused"


def test_coordinators_cannot_use_the_senders_link_from_the_outbox(app, db, ada, client):
    write(client, ada.id)
    confirmation = outbox_to("pat@riverton.example.gov")[0]
    with app.test_request_context():
        from matcher.mail import hide_private_links

        shown = hide_private_links(confirmation.body)
    assert link_in(confirmation) not in shown and "[private link" in shown


# --- caps ---------------------------------------------------------------------------------------


def test_the_sender_cap_refuses_more_messages_from_one_address_with_the_text_kept(client, db, ada, config_override):
    config_override(CONTACT_PER_SENDER_PER_DAY=2)
    other = make_researcher()
    db.session.add(other)
    db.session.commit()
    assert write(client, ada.id).status_code == 303
    assert write(client, other.id).status_code == 303
    refused = write(client, ada.id, sender_email="PAT@riverton.example.gov", message=MESSAGE + " Third try.")
    page = refused.get_data(as_text=True)
    assert refused.status_code == 429
    assert "You have already written 2 messages through the site today" in html_lib.unescape(page)
    assert "Third try." in page
    assert requests_stored(db) == 2 and len(outbox_to("pat@riverton.example.gov")) == 2


def test_the_researcher_cap_is_checked_when_confirming_and_when_writing(client, db, ada, config_override):
    config_override(CONTACT_PER_RESEARCHER_PER_DAY=1)
    write(client, ada.id, sender_email="one@example.gov")
    write(client, ada.id, sender_email="two@example.gov")
    assert client.get(link_in(outbox_to("one@example.gov")[0])).status_code == 200
    second = client.get(link_in(outbox_to("two@example.gov")[0]))
    assert second.status_code == 409
    assert "Ada Burgess has received 1 message through the site today" in html_lib.unescape(
        second.get_data(as_text=True))
    assert len(outbox_to(ADDRESS)) == 1
    third = write(client, ada.id, sender_email="three@example.gov")
    assert third.status_code == 429 and "nothing was sent" in third.get_data(as_text=True)
    assert outbox_to("three@example.gov") == []


def test_the_sender_cap_counts_relayed_messages_when_confirming(client, db, ada, config_override):
    other = make_researcher()
    db.session.add(other)
    db.session.commit()
    write(client, ada.id)
    write(client, other.id)
    first, second = (link_in(m) for m in outbox_to("pat@riverton.example.gov"))
    assert client.get(first).status_code == 200
    config_override(CONTACT_PER_SENDER_PER_DAY=1)
    refused = client.get(second)
    assert refused.status_code == 409 and "Follow this link again tomorrow" in refused.get_data(as_text=True)
    assert outbox_to(other.email) == []
    config_override(CONTACT_PER_SENDER_PER_DAY=2)  # "tomorrow": the same link works
    assert client.get(second).status_code == 200
    assert len(outbox_to(other.email)) == 1


# --- opting out ---------------------------------------------------------------------------------


def test_the_opt_out_link_in_a_relayed_message_stops_messages(client, db, ada):
    write(client, ada.id)
    client.get(link_in(outbox_to("pat@riverton.example.gov")[0]))
    body = outbox_to(ADDRESS)[0].body
    stop = path_of(re.search(r"https?://\S+/messages/stop/\S+", body).group(0))
    page = client.get(stop).get_data(as_text=True)
    assert "Stop messages through the site" in page
    db.session.refresh(ada)
    assert ada.accepts_messages  # only the button stops them, not a mail scanner following the link
    done = client.post(stop)
    assert "You will receive no more messages through the site" in done.get_data(as_text=True)
    db.session.refresh(ada)
    assert not ada.accepts_messages
    assert "Write to this researcher" not in client.get(f"/directory/researchers/{ada.id}").get_data(as_text=True)


def test_an_expired_or_forged_opt_out_link_says_so(app, client, db, ada, config_override):
    with app.test_request_context():
        token = contact_relay.opt_out_token(ada)
    assert "This link does not work" in client.get(f"/directory/messages/stop/{token}x").get_data(as_text=True)
    config_override(CONTACT_OPT_OUT_LINK_MAX_AGE=-1)
    response = client.get(f"/directory/messages/stop/{token}")
    assert response.status_code == 400 and "This link has expired" in response.get_data(as_text=True)


def test_the_profile_edit_form_turns_messages_off_and_on(client, db):
    from tests.researchers.helpers import profile_data
    from tests.researchers.test_self_service import signed_in

    researcher = signed_in(client, db)
    edit = client.get("/researchers/profile/edit").get_data(as_text=True)
    assert "Agencies may write to me through the site" in edit
    assert re.search(r'<input[^>]*checked[^>]*name="accepts_messages"|<input[^>]*name="accepts_messages"[^>]*checked',
                     edit)
    assert client.post("/researchers/profile/edit",
                       data=profile_data(email=None, accepts_messages=None)).status_code == 302
    db.session.refresh(researcher)
    assert researcher.accepts_messages is False
    assert client.get(f"/directory/researchers/{researcher.id}/write").status_code == 404
    client.post("/researchers/profile/edit", data=profile_data(email=None))
    db.session.refresh(researcher)
    assert researcher.accepts_messages is True


# --- rate limit ---------------------------------------------------------------------------------


def test_a_post_over_the_rate_limit_keeps_what_was_typed(limited_app):
    from matcher.extensions import db as _db

    with limited_app.app_context():
        researcher = make_researcher()
        _db.session.add(researcher)
        _db.session.commit()
        researcher_id = researcher.id
    client = limited_app.test_client()
    for n in range(2):
        assert write(client, researcher_id, sender_email=f"s{n}@example.gov").status_code == 303
    refused = write(client, researcher_id, sender_email="s3@example.gov", message=MESSAGE + " Kept.")
    page = refused.get_data(as_text=True)
    assert refused.status_code == 429
    assert "Everything you typed is still here" in page and "Kept." in page


# --- CSRF ---------------------------------------------------------------------------------------


def test_with_csrf_on_the_form_and_the_opt_out_button_need_their_tokens(tmp_path):
    from matcher import create_app
    from matcher.config import TestConfig
    from matcher.extensions import db as _db

    app = create_app(type("WithCsrf", (TestConfig,), {
        "WTF_CSRF_ENABLED": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'csrf.sqlite3'}"}))
    with app.app_context():
        _db.create_all()
        researcher = make_researcher()
        _db.session.add(researcher)
        _db.session.commit()
        researcher_id = researcher.id
        with app.test_request_context():
            stop = f"/directory/messages/stop/{contact_relay.opt_out_token(researcher)}"
    client = app.test_client()
    assert write(client, researcher_id).status_code == 400  # no token: refused
    html = client.get(f"/directory/researchers/{researcher_id}/write").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    assert write(client, researcher_id, csrf_token=token).status_code == 303
    assert client.post(stop).status_code == 400
    html = client.get(stop).get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    assert "no more messages" in client.post(stop, data={"csrf_token": token}).get_data(as_text=True)
    with app.app_context():
        assert _db.session.get(Researcher, researcher_id).accepts_messages is False
        _db.session.remove()
        _db.engine.dispose()


def test_the_confirmation_repeats_nothing_the_sender_typed(client, db, ada):
    """Anyone can type anyone's address: the confirmation must not carry their words to a stranger."""
    write(client, ada.id, sender_name="Cheap Pills Inc", subject="Buy now at spam.example",
          message="Visit spam.example for the best deals on everything you never needed, today only.")
    [confirmation] = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "contact_confirm")).all()
    for typed in ("Cheap Pills", "spam.example"):
        assert typed not in confirmation.body and typed not in confirmation.subject

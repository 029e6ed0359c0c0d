"""The form for writing to a researcher through the site."""

from __future__ import annotations

from wtforms import EmailField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from matcher.forms import ProtectedForm, check_email, strip_text

SUBJECT_MAX = 150
MESSAGE_MIN, MESSAGE_MAX = 20, 2000


def message_length(form, field) -> None:
    """Between MESSAGE_MIN and MESSAGE_MAX characters, saying how long the text is (no maxlength that cuts
    pasted text)."""
    size = len(field.data or "")
    if size > MESSAGE_MAX:
        raise ValidationError(f"Please shorten your message to {MESSAGE_MAX:,} characters or fewer (it has {size:,}).")
    if size < MESSAGE_MIN:
        raise ValidationError(f"Please write at least {MESSAGE_MIN} characters (it has {size}).")


def length(limit: int, what: str) -> Length:
    """A length limit with a message naming the field."""
    return Length(max=limit, message=f"Please keep {what} to {limit} characters or fewer.")


class ContactForm(ProtectedForm):
    """A short message to a researcher, relayed by e-mail once the sender confirms their address."""

    sender_name = StringField("Your name", filters=[strip_text], render_kw={"autocomplete": "name"},
                              validators=[DataRequired("Please enter your name."), length(120, "your name")])
    organisation = StringField(
        "Your agency or organisation", filters=[strip_text], render_kw={"autocomplete": "organization"},
        validators=[DataRequired("Please enter your agency or organisation."),
                    length(200, "the organisation's name")])
    sender_email = EmailField(
        "Your e-mail address", filters=[strip_text], render_kw={"autocomplete": "email"},
        validators=[DataRequired("Please enter your e-mail address."), length(254, "the e-mail address"),
                    check_email])
    subject = StringField("Subject", filters=[strip_text],
                          validators=[DataRequired("Please give your message a subject."),
                                      length(SUBJECT_MAX, "the subject")])
    message = TextAreaField("Your message", filters=[strip_text], render_kw={"rows": 10},
                            validators=[DataRequired("Please write your message."), message_length])
    submit = SubmitField("Send my message")

    def values(self) -> dict:
        """The validated message, named like ContactRequest's columns."""
        return {name: getattr(self, name).data for name in
                ("sender_name", "organisation", "sender_email", "subject", "message")}

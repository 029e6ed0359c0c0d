"""Coordinator forms: every POST form carries a CSRF token; filters are plain GET forms."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    EmailField,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from matcher import taxonomy
from matcher.agencies.forms import (
    DEFAULT_DISTANCE,
    FundingAndDistance,
    distance_choices,
    funding_deadline_field,
    funding_field,
    in_person_only_field,
    max_distance_field,
    prefer_nearby_field,
)
from matcher.forms import MultiCheckboxField, vocabulary_choices

TEXT_LIMIT = 5000


class SignInForm(FlaskForm):
    """E-mail and password."""

    email = EmailField(
        "E-mail", validators=[DataRequired("Please enter your e-mail address."), Length(max=254)]
    )
    password = PasswordField(
        "Password", validators=[DataRequired("Please enter your password."), Length(max=200)]
    )
    submit = SubmitField("Sign in")


class QueueFilterForm(FlaskForm):
    """Narrow the queue (a GET form: bookmarkable, no CSRF needed)."""

    class Meta:
        csrf = False

    status = SelectField(
        "Status", choices=vocabulary_choices(taxonomy.PROBLEM_STATUSES, blank="Any status"), default=""
    )
    topic = SelectField("Topic", choices=vocabulary_choices(taxonomy.TOPICS, blank="Any topic"), default="")
    state = SelectField("State", choices=vocabulary_choices(taxonomy.US_STATES, blank="Any state"), default="")
    agency_type = SelectField(
        "Agency type", choices=vocabulary_choices(taxonomy.AGENCY_TYPES, blank="Any agency type"), default=""
    )
    q = StringField("Search", validators=[Optional(), Length(max=200, message="Please use at most 200 characters.")])
    page = IntegerField("Page", default=1, validators=[Optional(), NumberRange(min=1, max=10_000)])


class SuggestionActionForm(FlaskForm):
    """Shortlist a suggestion or put it back to pending."""

    suggestion_id = HiddenField(validators=[DataRequired()])


class RejectForm(FlaskForm):
    """Reject a suggestion, saying why."""

    suggestion_id = HiddenField(validators=[DataRequired()])
    reason = StringField("Reason", validators=[
        DataRequired("Please say why this researcher is not a fit."),
        Length(max=500, message="Please keep the reason under 500 characters."),
    ])


class IntroduceForm(FlaskForm):
    """Introduce one or more suggested researchers to the agency."""

    suggestion_ids = MultiCheckboxField("Researchers to introduce", coerce=int, validators=[
        DataRequired("Tick at least one researcher to introduce."),
    ])
    message = TextAreaField("Personal note for both e-mails (optional)", validators=[
        Optional(), Length(max=2000, message="Please keep the note under 2,000 characters."),
    ])
    submit = SubmitField("Introduce selected researchers")


class QuestionForm(FlaskForm):
    """Ask the agency a question (shown on its status page, link e-mailed)."""

    body = TextAreaField("Question for the agency", validators=[
        DataRequired("Please write the question."),
        Length(max=TEXT_LIMIT, message=f"Please keep the question under {TEXT_LIMIT:,} characters."),
    ])
    submit = SubmitField("Send question")


class NoteForm(FlaskForm):
    """An internal note, never shown to the agency."""

    body = TextAreaField("Internal note", validators=[
        DataRequired("Please write the note."),
        Length(max=TEXT_LIMIT, message=f"Please keep the note under {TEXT_LIMIT:,} characters."),
    ])
    submit = SubmitField("Add note")


class StatusForm(FlaskForm):
    """Move the problem to another status."""

    status = SelectField("New status", choices=vocabulary_choices(taxonomy.PROBLEM_STATUSES),
                         validators=[InputRequired("Please choose a status.")])
    note = StringField("Why (optional, internal)", validators=[
        Optional(), Length(max=500, message="Please keep this under 500 characters."),
    ])
    submit = SubmitField("Change status")


class AnswersForm(FundingAndDistance, FlaskForm):
    """The agency's funding and distance answers, as a coordinator corrects them after talking to the agency.

    Built for one problem: it starts from the stored answers, and offers the stored distance even when it is
    not one of the usual ones.
    """

    funding = funding_field()
    funding_deadline = funding_deadline_field()
    prefer_nearby = prefer_nearby_field()
    in_person_only = in_person_only_field()
    max_distance_miles = max_distance_field()
    seen = HiddenField()  # the answers as shown, so a save over someone else's change is refused
    submit = SubmitField("Save and recompute suggestions")

    def __init__(self, problem, **kwargs) -> None:
        kwargs.setdefault("data", {
            "funding": problem.funding, "funding_deadline": problem.funding_deadline,
            "prefer_nearby": problem.max_distance_miles is not None, "in_person_only": problem.in_person_only,
            "max_distance_miles": problem.max_distance_miles or DEFAULT_DISTANCE,
        })
        super().__init__(**kwargs)
        self.max_distance_miles.choices = distance_choices(problem.max_distance_miles)
        self.kept_deadline = problem.funding_deadline


class StageForm(FlaskForm):
    """Record the stage a partnership reached, on which day."""

    stage = SelectField("Stage reached", choices=vocabulary_choices(taxonomy.PARTNERSHIP_STAGES),
                        validators=[InputRequired("Please choose a stage.")])
    on = DateField("On", validators=[Optional()], format="%Y-%m-%d")
    outcome = SelectField("Outcome (needed to close)", choices=vocabulary_choices(
        taxonomy.PARTNERSHIP_OUTCOMES, blank="No outcome yet"),
                          default="")
    note = StringField("Note (optional)", validators=[
        Optional(), Length(max=1000, message="Please keep the note under 1,000 characters."),
    ])
    submit = SubmitField("Record stage")

    def validate_outcome(self, field) -> None:
        """Closing a partnership needs an outcome."""
        from wtforms.validators import ValidationError

        if self.stage.data == "closed" and not field.data:
            raise ValidationError("Please choose the outcome before closing the partnership.")


class PartnershipNotesForm(FlaskForm):
    """The partnership's running notes."""

    notes = TextAreaField("Notes", validators=[
        Optional(), Length(max=TEXT_LIMIT, message=f"Please keep the notes under {TEXT_LIMIT:,} characters."),
    ])
    submit = SubmitField("Save notes")


class ResendForm(FlaskForm):
    """Resend one failed message."""

    submit = SubmitField("Resend")


# --- Team accounts and the audit log ---------------------------------------------------------------------------

from wtforms.validators import Email, EqualTo, ValidationError  # noqa: E402 (this part was appended)

NEW_PASSWORD_RULES = [
    DataRequired("Please choose a password."),
    Length(min=10, max=200, message="Please use 10 to 200 characters."),
]


def _repeat_field(label: str = "Repeat the new password"):
    return PasswordField(label, validators=[
        DataRequired("Please type the new password again."),
        EqualTo("new_password", message="The two passwords are not the same."),
    ])


class InviteForm(FlaskForm):
    """Invite a colleague: an account is made and a "set your password" link e-mailed."""

    name = StringField("Name", validators=[
        DataRequired("Please enter their name."), Length(max=120, message="Please use at most 120 characters."),
    ])
    email = EmailField("E-mail", validators=[
        DataRequired("Please enter their e-mail address."), Length(max=254),
        Email("Please enter a valid e-mail address."),
    ])
    submit = SubmitField("Send invitation")


class AccountActionForm(FlaskForm):
    """Deactivate or reactivate an account (a button: only the CSRF token)."""


class ChangePasswordForm(FlaskForm):
    """The signed-in coordinator's own password."""

    current_password = PasswordField("Current password", validators=[
        DataRequired("Please enter your current password."), Length(max=200),
    ])
    new_password = PasswordField("New password (at least 10 characters)", validators=NEW_PASSWORD_RULES)
    repeat_password = _repeat_field()
    submit = SubmitField("Change my password")


class ForgotPasswordForm(FlaskForm):
    """Ask for a password-reset link."""

    email = EmailField("E-mail", validators=[
        DataRequired("Please enter your e-mail address."), Length(max=254),
    ])
    submit = SubmitField("E-mail me a link")


class SetPasswordForm(FlaskForm):
    """Choose a password from an invitation or reset link."""

    new_password = PasswordField("New password (at least 10 characters)", validators=NEW_PASSWORD_RULES)
    repeat_password = _repeat_field()
    submit = SubmitField("Set my password")


class AuditFilterForm(FlaskForm):
    """Narrow the audit log (a GET form: bookmarkable, no CSRF needed)."""

    class Meta:
        csrf = False

    person = SelectField("Person", default="", validate_choice=False)
    record_type = SelectField("Record type", default="", validate_choice=False)
    record_id = IntegerField("Record number", validators=[
        Optional(), NumberRange(min=1, max=2_000_000_000, message="Please enter a record number."),
    ])
    date_from = DateField("From", validators=[Optional()], format="%Y-%m-%d")
    date_to = DateField("To", validators=[Optional()], format="%Y-%m-%d")

    def validate_date_to(self, field) -> None:
        """The range must not end before it starts."""
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError("The end date is before the start date.")

"""Coordinator forms: every POST form carries a CSRF token; filters are plain GET forms."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    EmailField,
    HiddenField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from matcher import lifecycle, taxonomy
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
from matcher.services import problem_updates

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


def seen_version(field) -> int | None:
    """The record's version a form showed: None when the form sent none, 0 (always stale) when it is garbled."""
    raw = str(field.data or "").strip()
    if not raw:
        return None
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 10 else 0


class SuggestionActionForm(FlaskForm):
    """Shortlist a suggestion or put it back to pending."""

    suggestion_id = HiddenField(validators=[DataRequired()])
    version = HiddenField()  # the decision's version as shown: a decision over someone else's is refused


class RejectForm(FlaskForm):
    """Reject a suggestion, saying why."""

    suggestion_id = HiddenField(validators=[DataRequired()])
    version = HiddenField()
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
    """Move the problem to another status; closing one with active partnerships asks what becomes of them."""

    status = SelectField("New status", choices=[SelectChoice(s.value, s.label) for s in lifecycle.CHOSEN_BY_HAND],
                         validators=[InputRequired("Please choose a status.")])
    partnerships = RadioField("Its active partnerships, if you close or withdraw it", choices=[
        SelectChoice(problem_updates.CLOSE_PARTNERSHIPS, "Close them too, with the outcome below"),
        SelectChoice(problem_updates.KEEP_PARTNERSHIPS,
                     "Keep them running (they still count against the researchers' capacity)"),
    ], validators=[Optional()])
    outcome = SelectField("Outcome of the partnerships closed", choices=vocabulary_choices(
        taxonomy.PARTNERSHIP_OUTCOMES, blank="Choose the outcome"), default="")
    note = StringField("Why (optional, internal)", validators=[
        Optional(), Length(max=500, message="Please keep this under 500 characters."),
    ])
    version = HiddenField()  # the problem's version as shown: a change over someone else's is refused
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
    version = HiddenField()  # the partnership's version as shown: a change over someone else's is refused
    submit = SubmitField("Record stage")

    def validate_outcome(self, field) -> None:
        """Closing a partnership needs an outcome."""
        from wtforms.validators import ValidationError

        if self.stage.data == lifecycle.Stage.CLOSED and not field.data:
            raise ValidationError("Please choose the outcome before closing the partnership.")


class PartnershipNoteForm(FlaskForm):
    """A dated, signed note added to the partnership (appended: it never overwrites anyone's)."""

    body = TextAreaField("Add a note", validators=[
        DataRequired("Please write the note."),
        Length(max=TEXT_LIMIT, message=f"Please keep the note under {TEXT_LIMIT:,} characters."),
    ])
    submit = SubmitField("Add note")


class CloseProblemForm(FlaskForm):
    """Close the problem once its last active partnership has ended."""

    note = StringField("Why (optional, internal)", validators=[
        Optional(), Length(max=500, message="Please keep this under 500 characters."),
    ])
    version = HiddenField()  # the problem's version as shown
    submit = SubmitField("Close the problem")


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


# --- Owners of problems, and bulk actions on the queue ----------------------------------------------------------

from wtforms import SelectMultipleField  # noqa: E402 (this part was appended)

OWNER_FILTERS = [SelectChoice("", "Anyone's"), SelectChoice("mine", "My problems"),
                 SelectChoice("unassigned", "Unassigned")]
NOBODY = "none"  # the owner choice that leaves a problem unassigned


def owner_choices(coordinators, me=None) -> list[SelectChoice]:
    """Active coordinators to give problems to (me first when given), then "nobody"."""
    mine = [SelectChoice("me", "Me")] if me is not None else []
    others = [SelectChoice(str(c.id), c.display_name) for c in coordinators if me is None or c.id != me.id]
    return [*mine, *others, SelectChoice(NOBODY, "Nobody (unassigned)")]


class OwnerQueueFilterForm(QueueFilterForm):
    """The queue's filters, with whose problems to show."""

    owner = SelectField("Owner", choices=OWNER_FILTERS, default="")


class AssignToMeForm(FlaskForm):
    """Take a problem; `seen_owner` is its owner when the page was shown, so a race is refused."""

    seen_owner = HiddenField()
    submit = SubmitField("Assign to me")


class ReassignForm(FlaskForm):
    """Give a problem to another active coordinator, or to nobody."""

    owner = SelectField("Reassign to", validators=[InputRequired("Please choose a coordinator.")])
    seen_owner = HiddenField()
    submit = SubmitField("Reassign")


def _problem_ids_valid(form, field) -> None:
    if any(not 0 < value < 2**31 for value in field.data or []):
        raise ValidationError("Please tick problems from the list.")


class BulkActionForm(FlaskForm):
    """Assign the ticked problems, or change their status, all or nothing."""

    problem_ids = SelectMultipleField("Problems", coerce=int, validate_choice=False, validators=[
        DataRequired("Please tick at least one problem."), _problem_ids_valid,
    ])
    owner = SelectField("Assign to", validate_choice=False)
    status = SelectField("New status", choices=vocabulary_choices(taxonomy.PROBLEM_STATUSES,
                                                                  blank="Choose a status"), default="")
    note = StringField("Why (optional, internal)", validators=[
        Optional(), Length(max=500, message="Please keep this under 500 characters."),
    ])
    assign = SubmitField("Assign ticked problems")
    change_status = SubmitField("Change status of ticked problems")

    def validate_owner(self, field) -> None:
        """Assigning needs someone from the list."""
        if self.assign.data and field.data not in {choice.value for choice in field.choices}:
            raise ValidationError("Please choose a coordinator from the list.")

    def validate_status(self, field) -> None:
        """Changing the status needs a status."""
        if self.change_status.data and not field.data:
            raise ValidationError("Please choose the new status.")
class ResearcherSearchForm(FlaskForm):
    """Look for any listed researcher by name or keywords, to score them for this problem (a GET form)."""

    class Meta:
        csrf = False

    find = StringField("Name or keywords", validators=[
        DataRequired("Please type a name or some keywords."),
        Length(max=200, message="Please keep the search under 200 characters."),
    ])


class AddSuggestionForm(FlaskForm):
    """Add a researcher found by search to the problem's suggestions."""

    researcher_id = HiddenField(validators=[DataRequired()])
    find = HiddenField()  # the search it came from, to show the results again if it is refused


class IntroduceAnywayForm(FlaskForm):
    """Introduce a researcher the exclusion policy leaves out, with the reason for overriding it."""

    researcher_id = HiddenField(validators=[DataRequired()])
    origin = HiddenField()  # "excluded" (the excluded list) or "found" (search results): where it is shown
    find = HiddenField()
    reason = TextAreaField("Why introduce them despite the exclusion", validators=[
        DataRequired("Please say why this researcher should be introduced despite the exclusion."),
        Length(max=500, message="Please keep the reason under 500 characters."),
    ])
    message = TextAreaField("A note for both e-mails (optional)", validators=[
        Optional(), Length(max=2000, message="Please keep the note under 2,000 characters."),
    ])
    submit = SubmitField("Introduce anyway")

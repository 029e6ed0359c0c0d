"""Agency forms: the problem statement, follow-up information and withdrawal."""

from __future__ import annotations

import re
from datetime import date

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields import DateField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, ValidationError

from matcher import taxonomy
from matcher.forms import (
    MultiCheckboxField,
    ProtectedForm,
    check_email,
    strip_text,
    vocabulary_choices,
    zip_matches_state,
)
from matcher.local_time import local_today

DESCRIPTION_MIN, DESCRIPTION_MAX = 50, 5000
TITLE_MIN, TITLE_MAX = 5, 200
AVOID_MAX = 1000
UPDATE_MIN, UPDATE_MAX = 10, 5000
REASON_MAX = 1000
DISTANCE_CHOICES = [SelectChoice(miles, f"{miles} miles") for miles in (25, 50, 100, 250, 500)]
DEFAULT_DISTANCE = 100
PHONE_PATTERN = re.compile(r"^[0-9+()./\-\s]+((ext\.?|x)\s*\d{1,6})?$", re.IGNORECASE)


def text_length(minimum: int, maximum: int, what: str):
    """Validator for long text: a message that says how long the text is and what is allowed.

    (Unlike Length, it sets no maxlength attribute, so pasted text is never cut off silently.)
    """

    def validate(form, field) -> None:
        size = len(field.data or "")
        if size > maximum:
            raise ValidationError(
                f"Please shorten {what} to {maximum:,} characters or fewer (it has {size:,})."
            )
        if size and size < minimum:
            raise ValidationError(
                f"Please write at least {minimum:,} characters in {what} (it has {size:,})."
            )

    return validate


def check_phone(form, field) -> None:
    """An optional phone number: digits and the usual punctuation, 7 to 15 digits."""
    value = field.data or ""
    if not value:
        return
    digits = sum(ch.isdigit() for ch in value)
    if not PHONE_PATTERN.match(value) or not 7 <= digits <= 15:
        raise ValidationError("Please enter a phone number like (555) 123-4567, or leave this empty.")


class FriendlyDateField(DateField):
    """A date input whose error message says what to type."""

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("invalid_value_message", "Please enter a date like 2027-03-31.")
        super().__init__(label, validators, **kwargs)

    def process_formdata(self, valuelist) -> None:
        """An empty input means no date."""
        if not valuelist or not "".join(valuelist).strip():
            self.data = None
            return
        super().process_formdata([value.strip() for value in valuelist])


# --- Funding and distance: the answers that shape matching beyond the text ---------------------------
# Declared by the agency's form and by the coordinator's edit of them; each form calls these factories where
# the fields belong in its order.


def funding_field() -> RadioField:
    """How the work would be paid for."""
    return RadioField(
        "Funding", choices=vocabulary_choices(taxonomy.FUNDING), default="none",
        validators=[DataRequired("Please choose one option.")],
        invalid_choice_message="Please choose one of the options listed.",
    )


def funding_deadline_field() -> FriendlyDateField:
    """The grant's deadline (checked by FundingAndDistance)."""
    return FriendlyDateField("Grant deadline")


def prefer_nearby_field() -> BooleanField:
    """A nearby researcher ranks higher; nobody is left out for distance."""
    return BooleanField("We would prefer a researcher near us")


def in_person_only_field() -> BooleanField:
    """The only answer that makes distance exclude a researcher."""
    return BooleanField("We need someone who can meet us in person")


def max_distance_field() -> SelectField:
    """How far, for either answer above."""
    return SelectField(
        "Within", choices=DISTANCE_CHOICES, coerce=int, default=DEFAULT_DISTANCE,
        invalid_choice_message="Please choose one of the distances listed.",
        invalid_value_message="Please choose one of the distances listed.",
    )


def distance_choices(current: int | None) -> list[SelectChoice]:
    """The usual distances, and the one already stored when it is another (e.g. in sample data)."""
    if current is None or current in {choice.value for choice in DISTANCE_CHOICES}:
        return list(DISTANCE_CHOICES)
    return sorted([*DISTANCE_CHOICES, SelectChoice(current, f"{current} miles")], key=lambda choice: choice.value)


class FundingAndDistance:
    """Checks and cleaned values of the funding and distance fields, for a form that declares them."""

    # A deadline already stored may have passed since; only a newly typed one must lie ahead.
    kept_deadline: date | None = None

    def validate_funding_deadline(self, field) -> None:
        """A grant needs its deadline, and the deadline should not have passed."""
        if self.funding.data != "grant":
            return
        if field.data is None and not field.process_errors:
            raise ValidationError("Please give the grant's deadline (your best estimate is fine).")
        if field.data is not None and field.data < local_today() and field.data != self.kept_deadline:
            raise ValidationError("This date has passed. Please give the grant's next deadline.")

    def funding_and_distance(self) -> dict:
        """The cleaned answers, named like Problem's columns: a distance only when a distance box is ticked."""
        grant = self.funding.data == "grant"
        wants_distance = self.prefer_nearby.data or self.in_person_only.data
        return dict(
            funding=self.funding.data, funding_deadline=self.funding_deadline.data if grant else None,
            max_distance_miles=self.max_distance_miles.data if wants_distance else None,
            in_person_only=bool(self.in_person_only.data),
        )


class ProblemForm(FundingAndDistance, ProtectedForm):
    """The problem statement an agency submits."""

    # About the agency
    agency_name = StringField(
        "Agency name", filters=[strip_text],
        validators=[DataRequired("Please enter your agency's name."),
                    Length(max=200, message="Please keep the agency name to 200 characters or fewer.")],
    )
    agency_type = SelectField(
        "Type of agency", choices=vocabulary_choices(taxonomy.AGENCY_TYPES, blank="Choose one…"),
        validators=[DataRequired("Please choose the type of agency.")],
        invalid_choice_message="Please choose one of the types listed.",
    )
    city = StringField(
        "City or town", filters=[strip_text],
        validators=[DataRequired("Please enter the city or town."),
                    Length(max=100, message="Please keep the city to 100 characters or fewer.")],
    )
    state = SelectField(
        "State", choices=vocabulary_choices(taxonomy.US_STATES, blank="Choose a state…"),
        validators=[DataRequired("Please choose the state.")],
        invalid_choice_message="Please choose one of the states listed.",
    )
    zip = StringField(
        "ZIP code", filters=[strip_text],
        validators=[DataRequired("Please enter a 5-digit U.S. ZIP code."), zip_matches_state("state")],
        render_kw={"inputmode": "numeric", "autocomplete": "postal-code", "maxlength": 5},
    )

    # Contact person
    contact_name = StringField(
        "Your name", filters=[strip_text],
        validators=[DataRequired("Please enter your name."),
                    Length(max=120, message="Please keep your name to 120 characters or fewer.")],
        render_kw={"autocomplete": "name"},
    )
    contact_role = StringField(
        "Your role", filters=[strip_text],
        validators=[DataRequired("Please enter your role, for example Crime analyst or Deputy chief."),
                    Length(max=120, message="Please keep your role to 120 characters or fewer.")],
        render_kw={"autocomplete": "organization-title"},
    )
    email = EmailField(
        "E-mail", filters=[strip_text],
        validators=[DataRequired("Please enter your e-mail address."),
                    Length(max=254, message="Please keep the e-mail address to 254 characters or fewer."),
                    check_email],
        render_kw={"autocomplete": "email"},
    )
    phone = StringField(
        "Phone (optional)", filters=[strip_text],
        validators=[Length(max=40, message="Please keep the phone number to 40 characters or fewer."),
                    check_phone],
        render_kw={"autocomplete": "tel", "type": "tel"},
    )

    # The problem
    title = StringField(
        "Title of the problem", filters=[strip_text],
        validators=[DataRequired("Please give the problem a short title."),
                    Length(min=TITLE_MIN, max=TITLE_MAX,
                           message=f"Please write a title of {TITLE_MIN} to {TITLE_MAX} characters.")],
    )
    description = TextAreaField(
        "Describe the problem", filters=[strip_text],
        validators=[DataRequired("Please describe the problem."),
                    text_length(DESCRIPTION_MIN, DESCRIPTION_MAX, "the description")],
        render_kw={"rows": 12},
    )
    topics = MultiCheckboxField(
        "Topics", choices=vocabulary_choices(taxonomy.TOPICS),
        validators=[DataRequired("Please choose at least one topic.")],
    )
    help_wanted = MultiCheckboxField(
        "Kinds of help you want", choices=vocabulary_choices(taxonomy.HELP_KINDS),
        validators=[DataRequired("Please choose at least one kind of help.")],
    )

    # Data and evaluation
    data_available = MultiCheckboxField("Data you have", choices=vocabulary_choices(taxonomy.DATA_SOURCES))
    data_other = StringField(
        "Other data (if you ticked Other)", filters=[strip_text],
        validators=[Length(max=300, message="Please keep this to 300 characters or fewer.")],
    )
    evaluation_design = RadioField(
        "Evaluation design wanted", choices=vocabulary_choices(taxonomy.EVALUATION_DESIGNS),
        default="not-sure", validators=[DataRequired("Please choose one option.")],
        invalid_choice_message="Please choose one of the options listed.",
    )

    # Timeline and funding
    timeline = StringField(
        "When would you like to start? (optional)", filters=[strip_text],
        validators=[Length(max=120, message="Please keep this to 120 characters or fewer.")],
    )
    funding = funding_field()
    funding_deadline = funding_deadline_field()

    # Researchers
    prefer_nearby = prefer_nearby_field()
    in_person_only = in_person_only_field()
    max_distance_miles = max_distance_field()
    avoid = TextAreaField(
        "Researchers or universities to avoid (optional)", filters=[strip_text],
        validators=[text_length(0, AVOID_MAX, "this list")], render_kw={"rows": 3},
    )
    preferred_researcher = HiddenField()
    submission_key = HiddenField()
    keep_preferred = BooleanField("Ask for this researcher", default=True)

    submit = SubmitField("Send the problem statement")

    def validate_data_other(self, field) -> None:
        """Say what the other data is when 'Other' is ticked."""
        if "other" in (self.data_available.data or []) and not field.data:
            raise ValidationError("You ticked Other: please say what other data you have.")

    def preferred_researcher_id(self) -> int | None:
        """The id in the hidden field, when the agency kept it ticked."""
        raw = (self.preferred_researcher.data or "").strip()
        if not self.keep_preferred.data or not (raw.isascii() and raw.isdigit()) or len(raw) > 12:
            return None
        return int(raw)

    def problem_values(self) -> dict:
        """The cleaned values, named like Problem's columns."""
        return dict(
            agency_name=self.agency_name.data, agency_type=self.agency_type.data,
            contact_name=self.contact_name.data, contact_role=self.contact_role.data,
            email=self.email.data, phone=self.phone.data or "", city=self.city.data,
            state=self.state.data, zip=self.zip.data, title=self.title.data,
            description=self.description.data, topics=list(self.topics.data or []),
            help_wanted=list(self.help_wanted.data or []),
            data_available=list(self.data_available.data or []),
            data_other=(self.data_other.data or "") if "other" in (self.data_available.data or []) else "",
            evaluation_design=self.evaluation_design.data, timeline=self.timeline.data or "",
            **self.funding_and_distance(),
            avoid=self.avoid.data or "", preferred_researcher_id=self.preferred_researcher_id(),
        )


class AddInformationForm(FlaskForm):
    """More information, or an answer to a coordinator's question."""

    body = TextAreaField(
        "Information to add", filters=[strip_text],
        validators=[DataRequired("Please write what you would like to add."),
                    text_length(UPDATE_MIN, UPDATE_MAX, "your text")],
        render_kw={"rows": 6},
    )
    submit = SubmitField("Add to our statement")


class WithdrawForm(FlaskForm):
    """Withdrawing the statement, with an optional reason."""

    reason = TextAreaField(
        "Reason (optional)", filters=[strip_text],
        validators=[text_length(0, REASON_MAX, "the reason")], render_kw={"rows": 3},
    )
    confirm = BooleanField(
        "Yes, withdraw this problem statement",
        validators=[DataRequired("Please tick the box to confirm the withdrawal.")],
    )
    submit = SubmitField("Withdraw the statement")


class StatusLinksForm(ProtectedForm):
    """'Send me my status links again': the address the statements were sent from."""

    email = EmailField(
        "The e-mail address you gave in your statement", filters=[strip_text],
        validators=[DataRequired("Please enter your e-mail address."),
                    Length(max=254, message="Please keep the e-mail address to 254 characters or fewer."),
                    check_email],
    )
    submit = SubmitField("Send me my status links")

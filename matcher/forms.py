"""Form pieces shared by every area: honeypot, checkbox lists, ZIP and e-mail checks."""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email
from flask import request
from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, StringField, widgets
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError

from matcher.services.geo import zip_problem
from matcher.taxonomy import Vocabulary


def strip_text(value):
    """Filter: trim surrounding white space from text input."""
    return value.strip() if isinstance(value, str) else value


class ProtectedForm(FlaskForm):
    """A public form with a hidden honeypot field that people never fill in but bots do."""

    website = StringField("Leave this field empty")

    def is_bot(self) -> bool:
        """Whether the honeypot was filled in."""
        return bool((self.website.data or "").strip())


class MultiCheckboxField(SelectMultipleField):
    """A list of checkboxes, one per vocabulary entry."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()

    def pre_validate(self, form) -> None:
        """Accept only known choices, with a readable message."""
        known = {choice.value if isinstance(choice, SelectChoice) else choice[0] for choice in self.choices}
        if any(value not in known for value in self.data or []):
            raise ValidationError("Please choose only from the options listed.")


def vocabulary_choices(vocabulary: Vocabulary, blank: str | None = None) -> list[SelectChoice]:
    """WTForms choices from a taxonomy vocabulary, optionally led by a blank 'choose…' option."""
    choices = [SelectChoice(slug, text) for slug, text in vocabulary]
    return ([SelectChoice("", blank)] if blank is not None else []) + choices


def check_email(form, field) -> None:
    """Validate e-mail syntax (no DNS lookups) and store the normalised address."""
    value = (field.data or "").strip()
    if not value:
        return
    try:
        field.data = validate_email(value, check_deliverability=False).normalized
    except EmailNotValidError:
        raise ValidationError("Please enter a valid e-mail address, like name@example.org.") from None


def zip_matches_state(state_field: str = "state"):
    """Validator: the ZIP exists and lies in the state chosen in the named field."""

    def validate(form, field) -> None:
        state = getattr(form, state_field).data or ""
        message = zip_problem(field.data or "", state)
        if message:
            raise ValidationError(message)

    return validate


def requested_page() -> int:
    """The ?page= number, kept between 1 and 10,000 so no request asks the database for absurd offsets."""
    return min(max(request.args.get("page", 1, type=int), 1), 10_000)

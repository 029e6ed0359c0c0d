"""Global assignment forms: two settings to compare (GET), keeping, applying and discarding a proposal."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange

from matcher.services.coordination import MAX_TEXT

PER_PROBLEM_MESSAGE = "Please enter a number from 1 to 3."


def per_problem_field(label: str, default: int) -> IntegerField:
    """Researchers per problem, 1 to 3."""
    return IntegerField(label, default=default, validators=[
        InputRequired(PER_PROBLEM_MESSAGE), NumberRange(min=1, max=3, message=PER_PROBLEM_MESSAGE)])


class CompareForm(FlaskForm):
    """Two settings of researchers per problem, solved side by side (GET)."""

    class Meta:
        csrf = False

    first = per_problem_field("Setting A: researchers per problem", 1)
    second = per_problem_field("Setting B: researchers per problem", 2)
    submit = SubmitField("Compare")


class KeepProposalForm(FlaskForm):
    """Store the proposal made with one setting."""

    per_problem = HiddenField()


class ApplyForm(FlaskForm):
    """Send the listed introductions, with a note added to every introduction e-mail."""

    personal_note = TextAreaField("Personal note (optional)", validators=[
        Length(max=MAX_TEXT, message=f"Please keep the note under {MAX_TEXT} characters.")])
    submit = SubmitField("Send these introductions")


class ProposalActionForm(FlaskForm):
    """A bare POST form (CSRF only): discard a proposal, or shortlist its ticked rows."""

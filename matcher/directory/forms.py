"""The directory's search form (GET, no CSRF: it changes nothing)."""

from __future__ import annotations

from wtforms import Form, SearchField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional, ValidationError

from matcher.forms import strip_text, vocabulary_choices
from matcher.services.directory import DEFAULT_MILES, DISTANCE_CHOICES, DirectoryFilters
from matcher.services.geo import zip_problem
from matcher.taxonomy import HELP_KINDS, METHODS, TERMS, TOPICS, US_STATES

MAX_SEARCH_LENGTH = 200


def check_zip(form, field) -> None:
    """A 5-digit ZIP code that exists (any state)."""
    problem = zip_problem(field.data, "")
    if problem:
        raise ValidationError(problem)


class SearchForm(Form):
    """Free text, one filter per vocabulary, and a distance from a ZIP code."""

    q = SearchField("Search", validators=[Length(max=MAX_SEARCH_LENGTH,
                                                 message=f"Please keep the search to {MAX_SEARCH_LENGTH} characters.")])
    state = SelectField("State", choices=vocabulary_choices(US_STATES, blank="Any state"))
    topic = SelectField("Problem", choices=vocabulary_choices(TOPICS, blank="Any problem"))
    method = SelectField("Method", choices=vocabulary_choices(METHODS, blank="Any method"))
    help = SelectField("Kind of help", choices=vocabulary_choices(HELP_KINDS, blank="Any kind of help"))
    terms = SelectField("Terms", choices=vocabulary_choices(TERMS, blank="Any terms"))
    zip = StringField("ZIP code (5 digits)", filters=[strip_text], validators=[Optional(), check_zip])
    miles = SelectField("Within", default=str(DEFAULT_MILES),
                        choices=[SelectChoice(str(m), f"{m} miles") for m in DISTANCE_CHOICES])

    def problems(self) -> dict[str, list[str]]:
        """Errors the visitor must fix (search length, ZIP code); unknown filter values are just ignored."""
        return {name: self[name].errors for name in ("q", "zip") if self[name].errors}

    def filters(self) -> DirectoryFilters:
        """The valid parts of the search; unknown filter values and a bad ZIP code are ignored."""
        def known(field) -> str:
            values = {choice.value if hasattr(choice, "value") else choice[0] for choice in field.choices}
            return field.data if field.data in values else ""

        text = (self.q.data or "").strip()[:MAX_SEARCH_LENGTH]
        miles = int(known(self.miles) or DEFAULT_MILES)
        return DirectoryFilters(text=text, state=known(self.state), topic=known(self.topic),
                                method=known(self.method), help=known(self.help), terms=known(self.terms),
                                zip="" if self.zip.errors else (self.zip.data or ""), miles=miles)

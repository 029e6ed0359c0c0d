"""The directory's search form (GET, no CSRF: it changes nothing)."""

from __future__ import annotations

from wtforms import Form, SearchField, SelectField
from wtforms.validators import Length

from matcher.forms import vocabulary_choices
from matcher.services.directory import DirectoryFilters
from matcher.taxonomy import HELP_KINDS, METHODS, TERMS, TOPICS, US_STATES

MAX_SEARCH_LENGTH = 200


class SearchForm(Form):
    """Free text plus one filter per vocabulary."""

    q = SearchField("Search", validators=[Length(max=MAX_SEARCH_LENGTH,
                                                 message=f"Please keep the search to {MAX_SEARCH_LENGTH} characters.")])
    state = SelectField("State", choices=vocabulary_choices(US_STATES, blank="Any state"))
    topic = SelectField("Problem", choices=vocabulary_choices(TOPICS, blank="Any problem"))
    method = SelectField("Method", choices=vocabulary_choices(METHODS, blank="Any method"))
    help = SelectField("Kind of help", choices=vocabulary_choices(HELP_KINDS, blank="Any kind of help"))
    terms = SelectField("Terms", choices=vocabulary_choices(TERMS, blank="Any terms"))

    def filters(self) -> DirectoryFilters:
        """The valid parts of the search; unknown filter values are ignored."""
        def known(field) -> str:
            values = {choice.value if hasattr(choice, "value") else choice[0] for choice in field.choices}
            return field.data if field.data in values else ""

        text = (self.q.data or "").strip()[:MAX_SEARCH_LENGTH]
        return DirectoryFilters(text=text, state=known(self.state), topic=known(self.topic),
                                method=known(self.method), help=known(self.help), terms=known(self.terms))

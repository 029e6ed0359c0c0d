"""The directory's search form (GET, no CSRF: it changes nothing)."""

from __future__ import annotations

from wtforms import Form, SearchField, SelectField
from wtforms.validators import Length

from matcher.services.directory import DirectoryFilters
from matcher.taxonomy import HELP_KINDS, METHODS, TERMS, TOPICS, US_STATES

MAX_SEARCH_LENGTH = 200


def _any(label: str, vocabulary) -> list[tuple[str, str]]:
    return [("", label)] + list(vocabulary)


class SearchForm(Form):
    """Free text plus one filter per vocabulary."""

    q = SearchField("Search", validators=[Length(max=MAX_SEARCH_LENGTH,
                                                 message=f"Please keep the search to {MAX_SEARCH_LENGTH} characters.")])
    state = SelectField("State", choices=_any("Any state", US_STATES))
    topic = SelectField("Problem", choices=_any("Any problem", TOPICS))
    method = SelectField("Method", choices=_any("Any method", METHODS))
    help = SelectField("Kind of help", choices=_any("Any kind of help", HELP_KINDS))
    terms = SelectField("Terms", choices=_any("Any terms", TERMS))

    def filters(self) -> DirectoryFilters:
        """The valid parts of the search; unknown filter values are ignored."""
        def known(field) -> str:
            values = {value for value, _ in field.choices}
            return field.data if field.data in values else ""

        text = (self.q.data or "").strip()[:MAX_SEARCH_LENGTH]
        return DirectoryFilters(text=text, state=known(self.state), topic=known(self.topic),
                                method=known(self.method), help=known(self.help), terms=known(self.terms))

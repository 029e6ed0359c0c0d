"""Researcher forms: the profile (with its publication rows), the sign-in request, centres."""

from __future__ import annotations

import re
from datetime import date

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    EmailField,
    FieldList,
    Form,
    FormField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional, StopValidation, ValidationError
from wtforms.widgets import NumberInput

from matcher.forms import (
    MultiCheckboxField,
    ProtectedForm,
    check_email,
    strip_text,
    vocabulary_choices,
    zip_matches_state,
)
from matcher.publications import (
    is_web_address,
    new_rows,
    newest_first,
    normalise_doi,
    normalise_link,
    normalise_orcid,
)
from matcher.services.publication_import import MAX_IMPORT_BYTES, text_from_upload
from matcher.taxonomy import HELP_KINDS, METHODS, TERMS, TOPICS, US_STATES

MAX_PUBLICATIONS = 20
EMPTY_PUBLICATION_ROWS = 3
# A hard ceiling on rows read from a request, far above what the form accepts.
MAX_PUBLICATION_ROWS_READ = 40
MAX_KEYWORDS, MAX_KEYWORD_LENGTH = 25, 60
MAX_CONFLICTS, MAX_CONFLICT_LENGTH = 30, 200
def at_least_one(message: str):
    """Validator for checkbox groups: one box or more ticked (no `required` on each box)."""

    def validate(form, field) -> None:
        if not field.data:
            raise StopValidation(message)

    return validate


def max_length(limit: int) -> Length:
    """A length limit with a message that says by how much."""
    return Length(max=limit, message=f"Please keep this to {limit} characters or fewer.")


def split_list(text: str | None, separator: str) -> list[str]:
    """Split comma- or line-separated text into trimmed, non-empty, de-duplicated items."""
    parts = re.split(r"\r?\n" if separator == "lines" else r"[,;\r\n]+", text or "")
    seen, items = set(), []
    for part in parts:
        item = " ".join(part.split())
        if item and item.lower() not in seen:
            seen.add(item.lower())
            items.append(item)
    return items


def centre_number(value) -> int:
    """A centre id from the form; -1 (never a choice) for anything that is not a whole number."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1


class CentreField(SelectField):
    """The centre choice, with a plain message for a value that is not on the list (an old or edited page)."""

    def __init__(self, *args, not_offered: str = "Please choose a research centre from the list (or None).",
                 **kwargs):
        super().__init__(*args, **kwargs)
        self.not_offered = not_offered

    def pre_validate(self, form) -> None:
        """Refuse a centre that is not offered, in words a researcher understands."""
        try:
            super().pre_validate(form)
        except ValidationError:
            raise ValidationError(self.not_offered) from None


def list_limits(separator: str, most: int, longest: int, noun: str, plural: str = ""):
    """Validator: at most `most` items, each at most `longest` characters."""
    plural = plural or f"{noun}s"

    def validate(form, field) -> None:
        items = split_list(field.data, separator)
        if len(items) > most:
            raise ValidationError(f"Please list at most {most} {plural} (you gave {len(items)}).")
        too_long = [item for item in items if len(item) > longest]
        if too_long:
            raise ValidationError(f"Each {noun} can be at most {longest} characters: “{too_long[0][:40]}…” is longer.")

    return validate


def whole_number(low: int, high: int, message: str):
    """Validator: the text is a whole number from low to high."""

    def validate(form, field) -> None:
        text = (field.data or "").strip()
        if not (text.isascii() and text.isdigit()) or not low <= int(text) <= high:
            raise ValidationError(message)

    return validate


def web_link(form, field) -> None:
    """Validator: an http(s) address or a DOI in any usual spelling (kept as its https://doi.org/ address)."""
    text = (field.data or "").strip()
    field.data = text
    if text and not (is_web_address(text) or normalise_doi(text)):
        raise ValidationError("Please enter a DOI (like 10.1234/abcd) or a web address starting with https://.")
    field.data = normalise_link(text)


def web_address(form, field) -> None:
    """Validator: an http(s) address."""
    text = (field.data or "").strip()
    field.data = text
    if text and not is_web_address(text):
        raise ValidationError("Please enter a web address starting with https://.")


def orcid_id(form, field) -> None:
    """Validator: an ORCID iD (or its orcid.org address) with a valid check digit, kept as 0000-0000-0000-000X."""
    text = (field.data or "").strip()
    field.data = text
    if not text:
        return
    normalised = normalise_orcid(text)
    if normalised is None:
        raise ValidationError("Please enter your ORCID iD as 16 characters like 0000-0002-1825-0097 (the last may "
                              "be X); check for a mistyped digit.")
    field.data = normalised


class PublicationForm(Form):
    """One publication row; an entirely empty row is ignored."""

    title = StringField("Title", filters=[strip_text], validators=[Optional(), max_length(300)])
    year = StringField("Year", filters=[strip_text], widget=NumberInput(min=1900, max=date.today().year + 1))
    abstract = TextAreaField("Abstract", filters=[strip_text], validators=[Optional(), max_length(5000)])
    link = StringField("DOI or web address", filters=[strip_text], validators=[Optional(), max_length(300), web_link])

    def is_empty(self) -> bool:
        """Whether nothing was typed in this row."""
        return not any((f.data or "").strip() for f in (self.title, self.year, self.abstract, self.link))

    def validate(self, extra_validators=None) -> bool:
        """Skip empty rows; a row with anything in it needs a title and a sensible year."""
        if self.is_empty():
            return True
        valid = super().validate(extra_validators)
        if not self.title.data:
            self.title.errors = [*self.title.errors, "Please enter the publication's title, or clear this row."]
            valid = False
        year = self.year.data or ""
        if year and not (year.isascii() and year.isdigit() and 1900 <= int(year) <= date.today().year + 1):
            self.year.errors = [*self.year.errors, f"Please enter a year from 1900 to {date.today().year + 1}."]
            valid = False
        return valid

    def values(self) -> dict:
        """The row as publication fields."""
        return {"title": self.title.data, "year": int(self.year.data) if self.year.data else None,
                "abstract": self.abstract.data or "", "link": normalise_link(self.link.data)}

    def typed(self) -> dict:
        """The row as typed, unvalidated (to show it again)."""
        return {name: (getattr(self, name).data or "").strip() for name in ("title", "year", "abstract", "link")}


class ProfileForm(ProtectedForm):
    """Everything on a researcher's profile except the e-mail address."""

    name = StringField("Full name", filters=[strip_text],
                       validators=[DataRequired("Please enter your name."), max_length(120)])
    position = StringField("Position", filters=[strip_text], validators=[
        DataRequired("Please enter your position, like Associate Professor."), max_length(120)])
    institution = StringField(
        "University or institution", filters=[strip_text],
        validators=[DataRequired("Please enter your university or institution."), max_length(200)],
    )
    department = StringField("Department", filters=[strip_text], validators=[Optional(), max_length(200)])
    centre_id = CentreField("Research centre", coerce=centre_number, default=0)
    orcid = StringField("ORCID iD", filters=[strip_text], validators=[Optional(), max_length(60), orcid_id])
    # Not "website": that name is the honeypot every public form has.
    web_page = StringField("Web page", filters=[strip_text], validators=[Optional(), max_length(300), web_address])
    city = StringField(
        "City", filters=[strip_text], validators=[DataRequired("Please enter your city."), max_length(100)]
    )
    state = SelectField("State", choices=vocabulary_choices(US_STATES, blank="Choose a state"),
                        validators=[DataRequired("Please choose your state.")])
    zip = StringField("ZIP code", filters=[strip_text],
                      validators=[DataRequired("Please enter your 5-digit ZIP code."), zip_matches_state("state")])
    remote = BooleanField("I am willing to work with agencies remotely", default=True)
    statement = TextAreaField(
        "Research statement", filters=[strip_text],
        validators=[DataRequired("Please describe your research in a few sentences."), max_length(5000)])
    keywords = StringField("Keywords", filters=[strip_text], validators=[
        max_length(1000), list_limits("commas", MAX_KEYWORDS, MAX_KEYWORD_LENGTH, "keyword")])
    topics = MultiCheckboxField("Problems you work on", choices=vocabulary_choices(TOPICS),
                                validators=[at_least_one("Please choose at least one problem you work on.")])
    methods = MultiCheckboxField("Methods you use", choices=vocabulary_choices(METHODS))
    help_offered = MultiCheckboxField("Kinds of help you offer", choices=vocabulary_choices(HELP_KINDS),
                                      validators=[at_least_one("Please choose at least one kind of help.")])
    terms = MultiCheckboxField("On what terms", choices=vocabulary_choices(TERMS),
                               validators=[at_least_one("Please choose at least one option.")])
    grad_students = BooleanField("Graduate students are available to work on projects")
    accepts_messages = BooleanField("Agencies may write to me through the site", default=True)
    capacity = StringField("Partnerships you can take at once", default="1", filters=[strip_text],
                           widget=NumberInput(min=1, max=10),
                           validators=[DataRequired("Please say how many partnerships you can take at once (1 to 10)."),
                                       whole_number(1, 10, "Please enter a whole number from 1 to 10.")])
    conflicts = TextAreaField("Agencies you should not be matched with", validators=[
        max_length(6000), list_limits("lines", MAX_CONFLICTS, MAX_CONFLICT_LENGTH, "agency", "agencies")])
    publications = FieldList(FormField(PublicationForm), min_entries=EMPTY_PUBLICATION_ROWS,
                             max_entries=MAX_PUBLICATION_ROWS_READ)
    add_publication = SubmitField("Add another publication")
    import_text = TextAreaField("Paste BibTeX or RIS")
    import_file = FileField("Or choose a .bib or .ris file", render_kw={
        "accept": ".bib,.bibtex,.ris,.txt,text/plain,application/x-bibtex,application/x-research-info-systems",
        "data-max-bytes": str(MAX_IMPORT_BYTES)})
    submit = SubmitField("Save profile")

    def set_centre_choices(self, centres) -> None:
        """Offer the existing research centres (and none)."""
        self.centre_id.choices = [(0, "None")] + [(c.id, f"{c.name} ({c.university})") for c in centres]

    def validate_publications(self, field) -> None:
        """At most 20 publications."""
        filled = sum(1 for entry in field.entries if not entry.form.is_empty())
        if filled > MAX_PUBLICATIONS:
            raise ValidationError(
                f"You can list up to {MAX_PUBLICATIONS} publications; please remove {filled - MAX_PUBLICATIONS}."
            )

    def validate_import_text(self, field) -> None:
        """Pasted text is imported by its own button; saving must not silently drop it."""
        if (field.data or "").strip():
            raise ValidationError("You pasted publications but have not imported them yet: press “Import "
                                  "publications” to add them to the list below, or empty this box.")

    def validate_import_file(self, field) -> None:
        """A chosen file is read by the import button; saving must not silently ignore it."""
        if getattr(field.data, "filename", ""):
            raise ValidationError("You chose a file but have not imported it yet: choose it again and press "
                                  "“Import publications” (a page shown again cannot keep a chosen file).")

    def import_source(self) -> str:
        """The uploaded file's text, or else the pasted text; ImportProblem when the file cannot be used."""
        upload = self.import_file.data
        if getattr(upload, "filename", ""):
            return text_from_upload(upload.stream.read(MAX_IMPORT_BYTES + 1))
        return self.import_text.data or ""

    def import_error(self, message: str) -> None:
        """Show why an import failed, beside the file field when a file was chosen, else beside the text box."""
        field = self.import_file if getattr(self.import_file.data, "filename", "") else self.import_text
        field.errors = [*field.errors, message]

    def add_imported_rows(self, rows: list[dict]) -> tuple[int, int, int]:
        """Add imported rows not already listed (by DOI or title), newest first, up to the limit; return how many
        were added, left out as duplicates, and left out for lack of room."""
        typed = self.typed_publications()
        fresh, duplicates = new_rows(typed, rows)
        room = max(MAX_PUBLICATIONS - len(typed), 0)
        added, no_room = fresh[:room], max(len(fresh) - room, 0)
        self.set_publication_rows(newest_first([*typed, *added]))
        self.import_text.data = ""
        return len(added), duplicates, no_room

    def can_add_publication(self) -> bool:
        """Whether another empty row may be offered."""
        return len(self.publications.entries) < MAX_PUBLICATIONS

    def add_publication_row(self) -> bool:
        """Append an empty publication row, if the limit allows."""
        if not self.can_add_publication():
            return False
        self.publications.append_entry()
        return True

    def typed_publications(self) -> list[dict]:
        """The rows with anything typed in them, as typed."""
        return [entry.form.typed() for entry in self.publications.entries if not entry.form.is_empty()]

    def set_publication_rows(self, rows: list[dict]) -> None:
        """Show these rows (year as text), followed by empty rows to fill in."""
        while self.publications.entries:
            self.publications.pop_entry()
        for row in rows:
            self.publications.append_entry(row)
        while len(self.publications.entries) < EMPTY_PUBLICATION_ROWS or (
            len(self.publications.entries) < MAX_PUBLICATIONS
            and not self.publications.entries[-1].form.is_empty()
        ):
            self.publications.append_entry()

    def remove_publication_row(self, index: int) -> dict | None:
        """Take out the row at this index, keeping the others as typed; the removed row, or None."""
        entries = self.publications.entries
        if not 0 <= index < len(entries) or entries[index].form.is_empty():
            return None
        removed = entries[index].form.typed()
        self.set_publication_rows([entry.form.typed() for i, entry in enumerate(entries)
                                   if i != index and not entry.form.is_empty()])
        return removed

    def profile_values(self) -> dict:
        """The validated form as profile fields."""
        return {
            "name": self.name.data, "position": self.position.data, "institution": self.institution.data,
            "department": self.department.data or "", "centre_id": self.centre_id.data or None,
            "city": self.city.data, "state": self.state.data, "zip": self.zip.data,
            "remote": self.remote.data, "statement": self.statement.data,
            "keywords": split_list(self.keywords.data, "commas"), "topics": self.topics.data,
            "methods": self.methods.data or [], "help_offered": self.help_offered.data,
            "terms": self.terms.data, "grad_students": self.grad_students.data,
            "capacity": int(self.capacity.data), "conflicts": split_list(self.conflicts.data, "lines"),
            "orcid": self.orcid.data or "", "website": self.web_page.data or "",
            "accepts_messages": self.accepts_messages.data,
        }

    def publication_values(self) -> list[dict]:
        """The filled publication rows, in order."""
        return [entry.form.values() for entry in self.publications.entries if not entry.form.is_empty()]

    def load_profile(self, values: dict) -> None:
        """Fill the form from a saved profile (the edit page's first view)."""
        for name in ("name", "position", "institution", "department", "city", "state", "zip", "remote",
                     "statement", "topics", "methods", "help_offered", "terms", "grad_students", "accepts_messages"):
            getattr(self, name).data = values[name]
        self.centre_id.data = values["centre_id"] or 0
        self.orcid.data = values.get("orcid") or ""
        self.web_page.data = values.get("website") or ""
        self.keywords.data = ", ".join(values["keywords"] or [])
        self.conflicts.data = "\n".join(values["conflicts"] or [])
        self.capacity.data = str(values["capacity"])
        self.set_publication_rows(newest_first(
            {**publication, "year": str(publication["year"] or ""), "link": normalise_link(publication["link"])}
            for publication in values["publications"]))


class RegistrationForm(ProfileForm):
    """A new profile: everything, plus the e-mail address."""

    email = EmailField("E-mail address", filters=[strip_text], validators=[
        DataRequired("Please enter your e-mail address."), max_length(254), check_email])
    submit = SubmitField("Register")


class SignInRequestForm(ProtectedForm):
    """Ask for a sign-in link by e-mail."""

    email = EmailField("E-mail address", filters=[strip_text], validators=[
        DataRequired("Please enter the e-mail address of your profile."), max_length(254), check_email])
    submit = SubmitField("Send me a sign-in link")


class ChangeEmailForm(FlaskForm):
    """A new e-mail address for the profile, used once its owner follows the link sent to it."""

    email = EmailField("New e-mail address", filters=[strip_text], validators=[
        DataRequired("Please enter the new e-mail address."), max_length(254), check_email])
    submit = SubmitField("Send a confirmation link to the new address")


class ConfirmForm(FlaskForm):
    """A single button that confirms an action (hide, show, delete, sign out)."""

    submit = SubmitField("Confirm")


class JoinCentreForm(FlaskForm):
    """Ask to join a research centre (its administrators approve)."""

    centre_id = CentreField("Research centre", coerce=centre_number, default=0,
                            not_offered="Please choose a research centre from the list.")
    submit = SubmitField("Ask to join")

    def set_centre_choices(self, centres) -> None:
        """Offer the existing research centres, none chosen until the researcher picks one."""
        self.centre_id.choices = [(0, "Choose a centre")] + [(c.id, f"{c.name} ({c.university})") for c in centres]

    def validate_centre_id(self, field) -> None:
        """The blank first entry is a prompt, not a centre."""
        if not field.data:
            raise ValidationError(self.centre_id.not_offered)


class CentreForm(FlaskForm):
    """A research centre's profile."""

    name = StringField("Centre name", filters=[strip_text],
                       validators=[DataRequired("Please enter the centre's name."), max_length(200)])
    university = StringField("University", filters=[strip_text],
                             validators=[DataRequired("Please enter the centre's university."), max_length(200)])
    website = StringField("Web site", filters=[strip_text], validators=[Optional(), max_length(300), web_address])
    description = TextAreaField("Description", filters=[strip_text], validators=[
        DataRequired("Please describe the centre's work in a few sentences."), max_length(5000)])
    city = StringField("City", filters=[strip_text], validators=[Optional(), max_length(100)])
    state = SelectField("State", choices=vocabulary_choices(US_STATES, blank="Choose a state"),
                        validators=[DataRequired("Please choose the centre's state.")])
    topics = MultiCheckboxField("Problems the centre works on", choices=vocabulary_choices(TOPICS))
    submit = SubmitField("Save centre")

    def values(self) -> dict:
        """The validated form as centre fields."""
        return {"name": self.name.data, "university": self.university.data, "website": self.website.data or "",
                "description": self.description.data, "city": self.city.data or "", "state": self.state.data,
                "topics": self.topics.data or []}

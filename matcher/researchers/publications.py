"""Publication rows without JavaScript: remove a row, import a BibTeX or RIS export, import from ORCID.

Each shows the profile form again as typed, with the rows changed; nothing is saved until the form is."""

from __future__ import annotations

from flask import request
from flask_login import current_user

from matcher.publications import normalise_orcid
from matcher.researchers import bp
from matcher.researchers.forms import MAX_PUBLICATIONS, ProfileForm
from matcher.researchers.views import _edit_form, _registration_form, _render_profile_form, researcher_required
from matcher.services import orcid, publication_import


@bp.post("/register/remove-publication")
def register_remove_publication():
    """Without JavaScript: the registration form again, as typed, without the publication row asked for."""
    return _render_without_row("researchers/register.html", _registration_form())


def _render_without_row(template: str, form: ProfileForm, **context):
    index = request.form.get("remove_publication", "")
    removed = form.remove_publication_row(int(index)) if index.isascii() and index.isdigit() else None
    notice = None
    if removed is not None:
        notice = (f"“{removed['title'] or 'Untitled'}” is taken off the list. "
                  "Nothing is saved until you press the button at the end of the form.")
    return _render_profile_form(template, form, publications_notice=notice, **context)


@bp.post("/register/import-publications")
def register_import_publications():
    """The registration form again, as typed, with the publications of a pasted or uploaded export added."""
    return _render_with_imported_rows("researchers/register.html", _registration_form())


def _render_with_imported_rows(template: str, form: ProfileForm, **context):
    try:
        imported = publication_import.rows_from_text(form.import_source())
    except publication_import.ImportProblem as problem:
        form.import_error(str(problem))
        return _render_profile_form(template, form, **context)
    notice = _import_summary(form.add_imported_rows(imported.rows), "the export")
    if imported.unreadable or imported.untitled:
        left_out = imported.unreadable + imported.untitled
        notice += (f" {left_out} entr{'y' if left_out == 1 else 'ies'} could not be read or had no title."
                   f"{' ' + imported.first_problem if imported.first_problem else ''}")
    return _render_profile_form(template, form, publications_notice=notice, **context)


def _import_summary(counts: tuple[int, int, int], source: str) -> str:
    """What an import added to the form, in words."""
    added, duplicates, no_room = counts
    parts = [f"{_publications(added)} from {source} {'is' if added == 1 else 'are'} added to the list below"
             if added else f"Nothing new was found in {source}"]
    if duplicates:
        parts.append(f"{_publications(duplicates)} {'was' if duplicates == 1 else 'were'} already listed")
    if no_room:
        parts.append(f"{_publications(no_room)} did not fit (a profile lists at most {MAX_PUBLICATIONS})")
    message = "; ".join(parts) + "."
    if added:
        message += " Check them; nothing is saved until you press the button at the end of the form."
    return message


def _publications(count: int) -> str:
    return f"{count} publication{'' if count == 1 else 's'}"


@bp.post("/profile/edit/remove-publication")
@researcher_required
def edit_remove_publication():
    """Without JavaScript: the edit form again, as typed, without the publication row asked for."""
    return _render_without_row("researchers/edit.html", _edit_form(), researcher=current_user)


@bp.post("/profile/edit/import-publications")
@researcher_required
def edit_import_publications():
    """The edit form again, as typed, with the publications of a pasted or uploaded export added."""
    return _render_with_imported_rows("researchers/edit.html", _edit_form(), researcher=current_user)


@bp.post("/profile/edit/import-orcid")
@researcher_required
def edit_import_orcid():
    """The edit form again, as typed, with the public works of the ORCID iD typed in it added."""
    form = _edit_form()
    context = {"researcher": current_user}
    orcid_id = normalise_orcid(form.orcid.data)
    if orcid_id is None:
        form.orcid.errors = ["Please enter your ORCID iD, like 0000-0002-1825-0097, then press “Import from "
                             "ORCID” again." if not (form.orcid.data or "").strip() else
                             "This is not a valid ORCID iD: it has 16 characters like 0000-0002-1825-0097 "
                             "(the last may be X). Please check for a mistyped digit."]
        return _render_profile_form("researchers/edit.html", form, **context)
    form.orcid.data = orcid_id
    try:
        rows = publication_import.rows_from_orcid(orcid_id)
    except orcid.NotFound:
        form.orcid.errors = [f"ORCID has no public record for {orcid_id}. Please check the iD; works you keep "
                             "private on ORCID cannot be imported."]
    except orcid.Unavailable:
        form.orcid.errors = ["We could not reach ORCID just now, so nothing was imported. Everything you typed is "
                             "still here: try again later, or export your works from orcid.org as BibTeX and "
                             "import that file below."]
    else:
        notice = (_import_summary(form.add_imported_rows(rows), "ORCID") if rows
                  else f"ORCID lists no public works for {orcid_id}, so nothing was added.")
        return _render_profile_form("researchers/edit.html", form, publications_notice=notice,
                                    orcid_notice=notice, **context)
    return _render_profile_form("researchers/edit.html", form, **context)

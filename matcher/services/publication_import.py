"""Publications read from a pasted or uploaded BibTeX or RIS export, or from an ORCID record.

Nothing here saves anything: the rows go back to the profile form for the researcher to review."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

import bibtexparser
import rispy
from bibtexparser.model import DuplicateBlockKeyBlock
from pylatexenc.latex2text import LatexNodes2Text

from matcher.publications import row_from_bibtex, row_from_ris, rows_from_orcid_works
from matcher.services import orcid

log = logging.getLogger(__name__)

MAX_IMPORT_BYTES = 128 * 1024
_RIS_RECORD = re.compile(r"^TY  - ", re.MULTILINE)
_RIS_END = re.compile(r"^ER  -", re.MULTILINE)
_BIBTEX_ENTRY = re.compile(r"@\s*[A-Za-z]+\s*[{(]")


class ImportProblem(ValueError):
    """The text or file could not be read as publications; the message says why, for the researcher."""


@dataclass
class Imported:
    """Rows read from an export, and what was left out of it."""

    rows: list[dict]
    unreadable: int = 0  # entries the parser could not read
    untitled: int = 0  # entries read but without a title
    first_problem: str = ""


def text_from_upload(data: bytes) -> str:
    """An uploaded export as text (UTF-8, or Windows-1252 as older reference managers write)."""
    if len(data) > MAX_IMPORT_BYTES:
        raise ImportProblem(f"This file is larger than {MAX_IMPORT_BYTES // 1024} KB. "
                            "Please export only your own publications, or paste them in parts.")
    if b"\x00" in data:
        raise ImportProblem("This looks like a PDF, Word or other binary file. Please export your publications "
                            "from your reference manager as BibTeX (.bib) or RIS (.ris).")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def rows_from_text(text: str) -> Imported:
    """Publication rows from BibTeX or RIS text (recognised by its content); ImportProblem when none can be read."""
    text = (text or "").lstrip("\ufeff").replace("\r\n", "\n").strip()
    if not text:
        raise ImportProblem("Please paste a BibTeX or RIS export, or choose a file.")
    if len(text.encode()) > MAX_IMPORT_BYTES:
        raise ImportProblem(f"This is longer than {MAX_IMPORT_BYTES // 1024} KB. "
                            "Please paste only your own publications, or paste them in parts.")
    if _RIS_RECORD.search(text):
        imported = _from_ris(text)
    elif _BIBTEX_ENTRY.search(text):
        imported = _from_bibtex(text)
    else:
        raise ImportProblem("This does not look like BibTeX or RIS. BibTeX entries start like "
                            "“@article{…”, RIS records with a line “TY  - JOUR”.")
    if not imported.rows:
        detail = f" {imported.first_problem}" if imported.first_problem else ""
        if imported.untitled and not imported.unreadable:
            detail = " None of its entries has a title."
        raise ImportProblem(f"We could not read any publication from this.{detail}")
    return imported


def _from_bibtex(text: str) -> Imported:
    try:
        library = bibtexparser.parse_string(text)
    except Exception:  # a third-party parser on untrusted text: any failure means "unreadable"
        log.warning("BibTeX import failed", exc_info=True)
        return Imported([], unreadable=1, first_problem="Please check that the text is a complete BibTeX export.")
    entries = list(library.entries)
    failed = []
    for block in library.failed_blocks:
        if isinstance(block, DuplicateBlockKeyBlock) and block.ignore_error_block is not None:
            entries.append(block.ignore_error_block)  # a repeated citation key; the entry itself is fine
        else:
            failed.append(block)
    rows = [row_from_bibtex(_decoded_fields(entry)) for entry in entries]
    problem = ""
    if failed:
        problem = (f"The entry starting on line {failed[0].start_line + 1} is incomplete "
                   "(a missing comma, brace or quote?).")
    return _imported(rows, len(failed), problem)


def _decoded_fields(entry) -> dict[str, str]:
    """An entry's fields, with LaTeX in the title and abstract turned into text ({\\'e} → é).

    Only the fields shown, and only when they hold LaTeX: decoding is slow on a long export."""
    fields = {name.lower(): str(field.value) for name, field in entry.fields_dict.items()}
    for name in ("title", "abstract"):
        value = fields.get(name, "")
        if "\\" in value or "{" in value or "~" in value or "$" in value:
            try:
                fields[name] = LatexNodes2Text().latex_to_text(value)
            except Exception:  # malformed LaTeX: keep the text as written
                log.info("LaTeX left as written in an imported %s", name)
    return fields


def _from_ris(text: str) -> Imported:
    if len(_RIS_END.findall(text)) < len(_RIS_RECORD.findall(text)):
        text += "\nER  - \n"  # forgive a last record without its end line
    try:
        records = rispy.loads(text)
    except Exception:  # a third-party parser on untrusted text: any failure means "unreadable"
        log.warning("RIS import failed", exc_info=True)
        return Imported([], unreadable=1, first_problem="Please check that the text is a complete RIS export.")
    return _imported([row_from_ris(record) for record in records], 0, "")


def _imported(rows: list[dict], unreadable: int, problem: str) -> Imported:
    titled = [row for row in rows if row["title"]]
    return Imported(titled, unreadable=unreadable, untitled=len(rows) - len(titled), first_problem=problem)


def rows_from_orcid(orcid_id: str) -> list[dict]:
    """Publication rows from the public works of an ORCID record; orcid.Unavailable or orcid.NotFound else."""
    return rows_from_orcid_works(orcid.fetch_works(orcid_id))

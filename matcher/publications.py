"""Publication details without the app: DOIs, ORCID iDs, newest-first order, duplicates, and the mapping of
BibTeX, RIS and ORCID records onto publication rows ({"title", "year", "abstract", "link"})."""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import quote, unquote

DOI_RESOLVER = "https://doi.org/"
ORCID_SITE = "https://orcid.org/"
# A DOI is "10." + a registrant code of digits (dots allowed) + "/" + a suffix without spaces.
_DOI = re.compile(
    r"(?:doi\s*:?\s*|(?:https?://)?(?:dx\.|www\.)?doi\.org/)?(10\.\d{4,9}(?:\.\d+)*/\S+)", re.IGNORECASE
)
_URL = re.compile(r"https?://[^\s/$.?#][^\s]*", re.IGNORECASE)
_ORCID = re.compile(r"(\d{4})-?(\d{4})-?(\d{4})-?(\d{3}[\dX])")
_ORCID_PREFIX = re.compile(r"^(?:https?://)?(?:www\.)?orcid\.org/", re.IGNORECASE)
_YEAR = re.compile(r"\b(1[89]\d\d|2\d\d\d)\b")
# Characters left as they are in a doi.org address; the rest (?, #, %, spaces, quotes, <>) are escaped.
_DOI_SAFE = "/:;()[]._-~,+=@!$*'"


def normalise_doi(text: str | None) -> str | None:
    """The bare DOI (10.1234/abcd) in 'DOI: 10.1234/abcd', 'doi:…', 'https://doi.org/…' and the like; else None."""
    value = " ".join((text or "").split())
    if value.lower().startswith(("http://", "https://", "dx.doi.org/", "doi.org/")):
        value = unquote(value)
    match = _DOI.fullmatch(value)
    if not match:
        return None
    doi = match.group(1).rstrip(".,;")
    return doi if "/" in doi and not doi.endswith("/") else None


def is_web_address(text: str | None) -> bool:
    """Whether the text is an http(s) address."""
    return bool(_URL.fullmatch((text or "").strip()))


def normalise_link(text: str | None) -> str:
    """A publication link as stored: a DOI in any spelling becomes https://doi.org/<DOI>; anything else as typed."""
    value = (text or "").strip()
    doi = normalise_doi(value)
    return DOI_RESOLVER + doi if doi else value


def link_href(text: str | None) -> str | None:
    """Where a stored publication link points: doi.org for a DOI, the address for a web address, else None."""
    doi = normalise_doi(text)
    if doi:
        return DOI_RESOLVER + quote(doi, safe=_DOI_SAFE)
    value = (text or "").strip()
    return value if is_web_address(value) else None


def link_text(text: str | None) -> str:
    """How a stored publication link is shown: a DOI as its doi.org address, anything else as stored."""
    return normalise_link(text)


def normalise_orcid(text: str | None) -> str | None:
    """The iD as 0000-0000-0000-000X when the text is an ORCID iD (or its orcid.org address) with a valid
    check character; else None."""
    value = _ORCID_PREFIX.sub("", (text or "").strip()).replace(" ", "").upper()
    match = _ORCID.fullmatch(value)
    if not match:
        return None
    digits = "".join(match.groups())
    return "-".join(match.groups()) if orcid_check_character(digits[:15]) == digits[15] else None


def orcid_check_character(first_fifteen: str) -> str:
    """The ISO 7064 MOD 11-2 check character of an ORCID iD's first 15 digits."""
    total = 0
    for digit in first_fifteen:
        total = (total + int(digit)) * 2
    result = (12 - total % 11) % 11
    return "X" if result == 10 else str(result)


def normalised_title(title: str | None) -> str:
    """A title reduced to lower-case letters and digits, for spotting the same publication twice."""
    return "".join(ch for ch in (title or "").casefold() if ch.isalnum())


def duplicate_keys(row: dict) -> set[str]:
    """The keys by which a row is the same publication as another: its DOI and its normalised title."""
    keys = set()
    doi = normalise_doi(row.get("link"))
    if doi:
        keys.add("doi:" + doi.lower())
    title = normalised_title(row.get("title"))
    if title:
        keys.add("title:" + title)
    return keys


def new_rows(existing: Iterable[dict], incoming: Iterable[dict]) -> tuple[list[dict], int]:
    """The incoming rows not already among the existing ones (by DOI or title), nor repeated; and how many
    were left out as duplicates."""
    seen: set[str] = set()
    for row in existing:
        seen |= duplicate_keys(row)
    added, duplicates = [], 0
    for row in incoming:
        keys = duplicate_keys(row)
        if keys & seen:
            duplicates += 1
            continue
        seen |= keys
        added.append(row)
    return added, duplicates


def _year_number(value) -> int:
    match = _YEAR.search(str(value or ""))
    return int(match.group(1)) if match else -1


def newest_first(rows: Iterable[dict]) -> list[dict]:
    """Rows ordered by year, newest first; rows without a year last; otherwise in the order given."""
    return sorted(rows, key=lambda row: -_year_number(row.get("year")))


def _clean(text) -> str:
    return " ".join(str(text or "").split())


def _row(title, year, abstract, doi, url) -> dict:
    """A publication row from imported values; the year as text (as typed in the form)."""
    year_number = _year_number(year)
    link = normalise_link(doi) if normalise_doi(doi) else _clean(url)
    return {"title": _clean(title).strip("{}"), "year": str(year_number) if year_number > 0 else "",
            "abstract": str(abstract or "").strip(), "link": link}


def row_from_bibtex(fields: dict[str, str]) -> dict:
    """A publication row from a BibTeX entry's fields (names in any case)."""
    lower = {name.lower(): value for name, value in fields.items()}
    return _row(lower.get("title"), lower.get("year") or lower.get("date"), lower.get("abstract"),
                lower.get("doi"), lower.get("url"))


def row_from_ris(record: dict) -> dict:
    """A publication row from a record as rispy reads it."""
    urls = record.get("urls") or []
    doi = record.get("doi") or next((u for u in urls if normalise_doi(u)), "")
    return _row(record.get("title") or record.get("primary_title"),
                record.get("year") or record.get("publication_year") or record.get("date"),
                record.get("abstract") or record.get("notes_abstract"), doi, urls[0] if urls else "")


def _value(node, *keys) -> str:
    for key in keys:
        node = node.get(key) if isinstance(node, dict) else None
    if isinstance(node, dict):
        node = node.get("value")
    return str(node) if node is not None else ""


def _self_doi(external_ids) -> str:
    for item in _value_list(external_ids):
        if (item.get("external-id-type") or "").lower() != "doi":
            continue
        if (item.get("external-id-relationship") or "self").lower() != "self":
            continue  # a part-of DOI names the journal or book, not this work
        doi = normalise_doi(_value(item, "external-id-normalized") or item.get("external-id-value"))
        if doi:
            return doi
    return ""


def _value_list(external_ids) -> list[dict]:
    items = external_ids.get("external-id") if isinstance(external_ids, dict) else None
    return [item for item in items or [] if isinstance(item, dict)]


def rows_from_orcid_works(works: dict) -> list[dict]:
    """Publication rows from ORCID's /works answer (API 3.0): one per group of versions of the same work."""
    groups = works.get("group") if isinstance(works, dict) else None
    rows = []
    for group in [g for g in groups or [] if isinstance(g, dict)]:
        summaries = [s for s in group.get("work-summary") or [] if isinstance(s, dict)]
        if not summaries:
            continue
        first = summaries[0]  # ORCID lists the researcher's preferred version first
        doi = _self_doi(group.get("external-ids")) or next(
            (d for d in (_self_doi(s.get("external-ids")) for s in summaries) if d), "")
        rows.append(_row(_value(first, "title", "title"), _value(first, "publication-date", "year"), "",
                         doi, _value(first, "url")))
    return [row for row in rows if row["title"]]

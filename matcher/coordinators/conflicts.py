"""A save refused because someone changed the record meanwhile: which form, the message, and the changes."""

from __future__ import annotations

from dataclasses import dataclass

from matcher.services.coordination import StaleEdit


@dataclass
class Conflict:
    """What the page shows at the refused form: the message and who changed what, when."""

    form: str
    message: str
    changes: list
    record_id: int | None = None  # which of several such forms (a suggestion's), when the page has many

    @classmethod
    def of(cls, form: str, error: StaleEdit, record_id: int | None = None) -> Conflict:
        """The conflict a refused save raised."""
        return cls(form, str(error), error.changes, record_id)

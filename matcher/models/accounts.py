"""Coordinator accounts."""

from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from matcher.extensions import db
from matcher.models.types import NEVER_REUSE_IDS, new_nonce, utcnow


class Coordinator(UserMixin, db.Model):
    """A staff member who reviews suggestions and introduces partners."""

    __tablename__ = "coordinators"
    __table_args__ = NEVER_REUSE_IDS

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_sign_in_at: Mapped[datetime | None]
    # In every session's identity; changed at sign-out, password change and deactivation to end them all.
    session_nonce: Mapped[str] = mapped_column(String(32), default=new_nonce)
    # In every e-mailed invitation or password-reset link; changed when a link is used or a newer one is sent.
    link_nonce: Mapped[str] = mapped_column(String(32), default=new_nonce)

    def get_id(self) -> str:
        """Session identity for Flask-Login, distinct from researchers', ending when the nonce changes."""
        return f"coordinator:{self.id}:{self.session_nonce}"

    @property
    def display_name(self) -> str:
        """How the team sees a coordinator: the name, else the e-mail address."""
        return self.name or self.email

    @property
    def is_active(self) -> bool:
        """Deactivated coordinators cannot sign in."""
        return self.active

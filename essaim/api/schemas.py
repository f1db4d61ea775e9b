"""Schemas shared by every router: the error bodies."""

from __future__ import annotations

from typing import Any

from ninja import Schema


class ErrorOut(Schema):
    """Une erreur : ce qui ne va pas, en français."""

    detail: str


class ValidationErrorOut(Schema):
    """Des paramètres invalides : un résumé en français et le détail par champ."""

    detail: str
    errors: list[dict[str, Any]]

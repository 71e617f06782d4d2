"""Checks on text people type or import that ends up in headers, subjects and file names."""

from __future__ import annotations

import unicodedata

from django.core.exceptions import ValidationError


def has_control_characters(text: str) -> bool:
    """Line breaks, tabs, NUL and other control characters: never part of a name, and they break
    email subjects and download headers."""
    return any(unicodedata.category(character) == "Cc" for character in text)


def one_line(text: str) -> str:
    """The text as one line for a header: control characters become spaces, and every run of
    whitespace (line and paragraph separators too) becomes a single space."""
    cleaned = "".join(
        " " if unicodedata.category(character) == "Cc" else character for character in text
    )
    return " ".join(cleaned.split())


def no_control_characters(value: str) -> None:
    """A form validator for names."""
    if has_control_characters(value):
        raise ValidationError(
            "Name must not contain line breaks or control characters", code="control_characters"
        )

"""Framework text as the official framework writes it: "You can:" then lines starting "- ".

The lines that start with "- " become a GOV.UK bullet list; other lines are paragraphs. Every
piece of text is escaped; only the list and paragraph markup is added.
"""

from __future__ import annotations

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

BULLET = "- "


def text_blocks(text: str) -> list[tuple[str, list[str]]]:
    """("p", [line]) for a paragraph, ("ul", items) for a run of "- " lines, in order."""
    blocks: list[tuple[str, list[str]]] = []
    for raw in str(text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = raw.strip()
        if not line:
            continue
        if line.startswith(BULLET) or line == "-":
            item = line[1:].strip()
            if blocks and blocks[-1][0] == "ul":
                blocks[-1][1].append(item)
            else:
                blocks.append(("ul", [item]))
        else:
            blocks.append(("p", [line]))
    return blocks


@register.filter(name="framework_text")
def framework_text(text: str, paragraph_class: str = "govuk-body") -> SafeString:
    parts = []
    for kind, lines in text_blocks(text):
        if kind == "ul":
            items = "".join(f"<li>{escape(item)}</li>" for item in lines)
            parts.append(f'<ul class="govuk-list govuk-list--bullet">{items}</ul>')
        else:
            parts.append(f'<p class="{escape(paragraph_class)}">{escape(lines[0])}</p>')
    return mark_safe("".join(parts))  # noqa: S308 - every piece of text is escaped above

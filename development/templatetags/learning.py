"""{% learning_for skill level %}: the learning resources for a skill at the level aimed at.

Templates of the pages that show a skill (results, the skill page, next-level guidance) load this
tag; no Python in those apps imports development, so the dependencies still point one way."""

from __future__ import annotations

from typing import Any

from django import template

from development.selectors import resources_for

register = template.Library()


@register.inclusion_tag("development/_resources_for.html")
def learning_for(skill: Any, level: Any, heading_level: int = 3) -> dict[str, Any]:
    number = getattr(level, "number", level)
    resources = list(resources_for(skill.slug, number)) if number is not None else []
    return {
        "skill": skill,
        "level": level,
        "resources": resources,
        "heading": f"h{heading_level}",
    }

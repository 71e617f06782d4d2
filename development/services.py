"""Writes for learning resources and personal development plans.

Every write runs in a transaction and refuses with a DevelopmentError whose message is fit to
show the person: nothing is half-written when a write is refused.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction

from capability.models import Framework
from development.models import LearningResource
from development.resource_file import ResourceRow, read_resources
from people.models import User


class DevelopmentError(Exception):
    """A write refused for a reason the person can act on; str(error) says what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# Learning resources -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ResourceDetails:
    skill_slug: str
    level: int
    title: str
    url: str
    provider: str = ""
    format: str = LearningResource.Format.COURSE
    minutes: int | None = None
    cost: object = 0
    mandatory: bool = False


def _duplicate(details: ResourceDetails) -> DevelopmentError:
    return DevelopmentError(
        "There is already a resource with this link for this skill and level: change that one"
    )


def resource_create(*, details: ResourceDetails, by: User) -> LearningResource:
    try:
        with transaction.atomic():
            return LearningResource.objects.create(**details.__dict__, created_by=by)
    except IntegrityError as error:
        raise _duplicate(details) from error


def resource_update(*, resource: LearningResource, details: ResourceDetails) -> LearningResource:
    for name, value in details.__dict__.items():
        setattr(resource, name, value)
    try:
        with transaction.atomic():
            resource.save()
    except IntegrityError as error:
        raise _duplicate(details) from error
    return resource


def resource_delete(*, resource: LearningResource) -> None:
    resource.delete()


@dataclass(frozen=True)
class ResourcesImported:
    added: int
    updated: int


@transaction.atomic
def resources_import_csv(*, text: str, framework: Framework, by: User) -> ResourcesImported:
    """Add every resource in the file, or update the one with the same skill, level and link.
    All or nothing: a file with any problem (ResourcesFileInvalid, every problem with its line)
    changes nothing."""
    rows = read_resources(text, framework=framework)
    existing = {
        (resource.skill_slug, resource.level, resource.url): resource
        for resource in LearningResource.objects.select_for_update().filter(
            skill_slug__in={row.skill_slug for row in rows}
        )
    }
    added = updated = 0
    for row in rows:
        resource = existing.get((row.skill_slug, row.level, row.url))
        if resource is None:
            LearningResource.objects.create(**_fields(row), created_by=by)
            added += 1
        else:
            for name, value in _fields(row).items():
                setattr(resource, name, value)
            resource.save()
            updated += 1
    return ResourcesImported(added=added, updated=updated)


def _fields(row: ResourceRow) -> dict[str, object]:
    return {
        "skill_slug": row.skill_slug,
        "level": row.level,
        "title": row.title,
        "url": row.url,
        "provider": row.provider,
        "format": row.format,
        "minutes": row.minutes,
        "cost": row.cost,
        "mandatory": row.mandatory,
    }

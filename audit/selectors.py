"""Reading the audit trail that django-auditlog records (which models: AUDITLOG_INCLUDE_TRACKING_
MODELS in settings; the services add what it cannot see, such as report downloads).

Entries about a person are found by the `person_id` each tracked model puts in the entry's
additional data (Rating, Assessment, User, StaffProfile: `get_additional_data`). A rating's levels,
evidence and comments are individual answers: in what heads of digital read they are shown only
for people heads review (those with no active line manager), as everywhere else in the service.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet

from people.models import StaffProfile, User

ACTIONS = {
    LogEntry.Action.CREATE: "Created",
    LogEntry.Action.UPDATE: "Changed",
    LogEntry.Action.DELETE: "Deleted",
    LogEntry.Action.ACCESS: "Downloaded",
}
# What each tracked model is called on the page.
KINDS = {
    "assessments.rating": "Rating",
    "assessments.assessment": "Self-assessment",
    "assessments.cycle": "Cycle",
    "capability.framework": "Framework version",
    "capability.roleprofile": "Role profile",
    "capability.roletarget": "Role target",
    "people.user": "Account",
    "people.staffprofile": "Staff profile",
    "people.peopleimport": "People import",
    "reports.report": "Report",
    "development.learningresource": "Learning resource",
    "development.developmentplan": "Development plan",
}
ANSWER_KINDS = {"assessments.rating"}
HIDDEN = "hidden: an individual answer"


@dataclass(frozen=True)
class Change:
    field: str
    before: str
    after: str


@dataclass(frozen=True)
class Row:
    entry: LogEntry
    when: object
    who: str
    action: str
    kind: str
    label: str
    model: str
    object_id: int | None
    changes: list[Change]


def entries() -> QuerySet[LogEntry]:
    return LogEntry.objects.select_related("actor", "content_type").order_by("-timestamp", "-pk")


def model_key(entry: LogEntry) -> str:
    return f"{entry.content_type.app_label}.{entry.content_type.model}"


def about_person(profile: StaffProfile) -> QuerySet[LogEntry]:
    """Entries about this person, and entries of what they did."""
    return entries().filter(
        Q(additional_data__person_id=profile.pk)
        | Q(content_type=ContentType.objects.get_for_model(User), object_id=profile.user_id)
        | Q(content_type=ContentType.objects.get_for_model(StaffProfile), object_id=profile.pk)
        | Q(actor_id=profile.user_id)
    )


def about_object(*, model: str, object_id: int) -> QuerySet[LogEntry]:
    app_label, _, name = model.partition(".")
    content_type = ContentType.objects.filter(app_label=app_label, model=name).first()
    if content_type is None or model not in KINDS:
        return entries().none()
    return entries().filter(content_type=content_type, object_id=object_id)


def of_kind(kind: str) -> QuerySet[LogEntry]:
    app_label, _, name = kind.partition(".")
    return entries().filter(content_type__app_label=app_label, content_type__model=name)


def rows(items: Iterable[LogEntry]) -> list[Row]:
    items = list(items)
    person_ids = {
        entry.additional_data.get("person_id")
        for entry in items
        if model_key(entry) in ANSWER_KINDS and isinstance(entry.additional_data, dict)
    }
    people = {
        profile.pk: profile
        for profile in StaffProfile.objects.filter(pk__in=person_ids).select_related(
            "user", "line_manager__user"
        )
    }
    return [row(entry, people) for entry in items]


def row(entry: LogEntry, people: dict[int, StaffProfile]) -> Row:
    key = model_key(entry)
    data = entry.additional_data if isinstance(entry.additional_data, dict) else {}
    label = entry.object_repr
    hidden = False
    if key in ANSWER_KINDS:
        person = people.get(data.get("person_id"))
        hidden = person is None or person.has_active_line_manager
        # A rating's own name carries its level: name the person and skill instead.
        label = f"{person or 'Someone who has left'}: {data.get('skill', 'a skill')}"
    return Row(
        entry=entry,
        when=entry.timestamp,
        who=str(entry.actor) if entry.actor else (entry.actor_email or "The service"),
        action=ACTIONS.get(entry.action, "Recorded"),
        kind=KINDS.get(key, key),
        label=label,
        model=key,
        object_id=entry.object_id,
        changes=changes(entry, hidden=hidden),
    )


def changes(entry: LogEntry, *, hidden: bool) -> list[Change]:
    found = entry.changes if isinstance(entry.changes, dict) else {}
    result = []
    for field, values in found.items():
        name = field.replace("_", " ")
        if isinstance(values, dict):  # a many-to-many change: {"type": "m2m", "operation": ...}
            objects = ", ".join(str(item) for item in values.get("objects", []))
            operation = values.get("operation", "")
            before, after = ("", objects) if operation == "add" else (objects, "")
        elif isinstance(values, list | tuple) and len(values) == 2:
            before, after = (shown(values[0]), shown(values[1]))
        else:
            before, after = "", shown(values)
        if hidden:
            before, after = (HIDDEN if before else "", HIDDEN if after else "")
        result.append(Change(field=name, before=before, after=after))
    return result


def shown(value: object) -> str:
    return "" if value in (None, "None", "") else str(value)

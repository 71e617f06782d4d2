"""Writes to the capability framework: load, export, copy, publish, edit and import skills.

Only a draft can change. Publishing retires the version that was published before it, in one
transaction, so exactly one version is published at any moment (the database enforces it too).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.text import slugify

from capability.ddat import framework_data_from_ddat, missing_levels, read_ddat_pair
from capability.models import (
    CapabilityArea,
    Framework,
    Level,
    LevelDescriptor,
    RoleProfile,
    RoleTarget,
    Skill,
    Tier,
)
from capability.sfia import framework_data_from_sfia, read_sfia_rows
from capability.validation import RowError, framework_data_errors, read_skill_rows
from common.files import read_json

STARTER_FRAMEWORK = Path(settings.BASE_DIR) / "fixtures" / "starter_framework.json"


class FrameworkNotEditable(Exception):
    def __init__(self, framework: Framework, message: str = "") -> None:
        super().__init__(
            message
            or f"{framework.name} {framework.version} is "
            f"{framework.get_status_display().lower()}: only a draft can be changed"
        )
        self.framework = framework


def _at(moment: datetime.datetime | None) -> str:
    if moment is None:
        return ""
    local = timezone.localtime(moment)
    day = "" if local.date() == timezone.localdate() else f" on {local.day} {local:%B %Y}"
    return f" at {local:%H:%M}{day}"


class FrameworkNoLongerDraft(FrameworkNotEditable):
    """Publishing found the version already published or retired (someone else, a moment ago,
    or the same head of digital in another tab)."""

    def __init__(self, framework: Framework) -> None:
        if framework.status == Framework.Status.PUBLISHED:
            happened = f"published{_at(framework.published_at)}"
        else:
            happened = f"retired{_at(framework.retired_at)}"
        super().__init__(
            framework, f"Version {framework.version} is no longer a draft: it was {happened}"
        )


class PublishedVersionChanged(Exception):
    """Another version was published after the publish page was shown (or while publishing)."""

    def __init__(self, draft: Framework, published: Framework | None) -> None:
        if published is None:
            happened = "The published version was retired a moment ago"
        else:
            happened = f"Version {published.version} was published by someone else a moment ago"
        super().__init__(
            f"{happened}. Nothing was changed: check what is published now, then publish "
            f"version {draft.version} again if you still want to"
        )
        self.draft = draft
        self.published = published


class SkillsImportFailed(Exception):
    """Every problem found in a skills CSV, each with its line number. Nothing was written."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(f"{len(errors)} problem(s) in the file")
        self.errors = errors


class FrameworkDataInvalid(Exception):
    """A framework JSON document that cannot be loaded, with every problem found."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


def _require_draft(framework: Framework) -> None:
    """Refuse unless the version is a draft as now saved: the caller's copy may be from before
    it was published. The row stays locked to the end of the caller's transaction, so it cannot
    be published half way through an edit (framework_publish locks it too)."""
    saved = Framework.objects.select_for_update().get(pk=framework.pk)
    if not saved.is_editable:
        raise FrameworkNotEditable(saved)


# Whole frameworks as JSON ------------------------------------------------------------------------


@transaction.atomic
def framework_load_json(*, data: dict, status: str = Framework.Status.DRAFT) -> Framework:
    """Create a whole framework version from the JSON shape of fixtures/starter_framework.json.

    Publishing goes through framework_publish, so a loaded version starts as a draft unless the
    caller asks for retired (or published when nothing else is).
    """
    errors = framework_data_errors(data)
    if errors:
        raise FrameworkDataInvalid(errors)
    framework = Framework.objects.create(
        name=data["name"],
        version=data["version"],
        description=data.get("description", ""),
        status=Framework.Status.DRAFT,
    )
    levels = {
        item["number"]: Level.objects.create(
            framework=framework,
            number=item["number"],
            name=item["name"],
            description=item.get("description", ""),
        )
        for item in data["levels"]
    }
    tiers = {
        item["slug"]: Tier.objects.create(
            framework=framework,
            number=item["number"],
            slug=item["slug"],
            name=item["name"],
            description=item.get("description", ""),
            default_target=levels.get(item.get("default_target")),
        )
        for item in data["tiers"]
    }
    skills: dict[str, Skill] = {}
    for area_order, item in enumerate(data["areas"], start=1):
        area = CapabilityArea.objects.create(
            framework=framework,
            slug=item["slug"],
            name=item["name"],
            description=item.get("description", ""),
            order=area_order,
        )
        for skill_order, skill_item in enumerate(item["skills"], start=1):
            skill = Skill.objects.create(
                framework=framework,
                area=area,
                tier=tiers[skill_item["tier"]],
                slug=skill_item["slug"],
                name=skill_item["name"],
                description=skill_item.get("description", ""),
                order=skill_order,
                role_only=bool(skill_item.get("role_only", False)),
                defined_levels_only=bool(skill_item.get("defined_levels_only", False)),
            )
            skills[skill.slug] = skill
            LevelDescriptor.objects.bulk_create(
                LevelDescriptor(skill=skill, level=levels[int(number)], text=text)
                for number, text in skill_item.get("descriptors", {}).items()
            )
    for item in data["roles"]:
        role = RoleProfile.objects.create(
            framework=framework,
            tier=tiers[item["tier"]],
            slug=item["slug"],
            name=item["name"],
            description=item.get("description", ""),
            **{key: item[key] for key in ROLE_EXTRA_FIELDS if item.get(key) is not None},
        )
        notes = item.get("notes", {})
        RoleTarget.objects.bulk_create(
            RoleTarget(
                role=role,
                skill=skills[slug],
                level=levels[number] if number is not None else None,
                note=notes.get(slug, ""),
            )
            for slug, number in item.get("targets", {}).items()
        )
    if status == Framework.Status.PUBLISHED:
        framework = framework_publish(framework=framework)
    elif status == Framework.Status.RETIRED:
        framework.status = status
        framework.retired_at = timezone.now()
        framework.save(update_fields=["status", "retired_at"])
    return framework


def framework_export_json(*, framework: Framework) -> dict:
    """The whole version in the shape framework_load_json reads, so the round trip is exact."""
    levels = list(framework.levels.order_by("number"))
    skills = list(
        framework.skills.select_related("tier")
        .prefetch_related("descriptors__level")
        .order_by("area__order", "order", "id")
    )
    by_area: dict[int, list[Skill]] = {}
    for skill in skills:
        by_area.setdefault(skill.area_id, []).append(skill)
    skill_position = {skill.pk: position for position, skill in enumerate(skills)}
    return {
        "name": framework.name,
        "version": framework.version,
        "description": framework.description,
        "levels": [
            {"number": level.number, "name": level.name, "description": level.description}
            for level in levels
        ],
        "tiers": [
            {
                "number": tier.number,
                "slug": tier.slug,
                "name": tier.name,
                "description": tier.description,
                "default_target": tier.default_target.number if tier.default_target else None,
            }
            for tier in framework.tiers.select_related("default_target").order_by("number")
        ],
        "areas": [
            {
                "slug": area.slug,
                "name": area.name,
                "description": area.description,
                "skills": [_skill_json(skill) for skill in by_area.get(area.pk, [])],
            }
            for area in framework.areas.order_by("order", "id")
        ],
        "roles": [
            _role_json(role, skill_position)
            for role in framework.roles.select_related("tier")
            .prefetch_related("targets__skill", "targets__level")
            .order_by("tier__number", "id")
        ],
    }


# Written only where set, so a framework without them (the starter) exports as it always did.
ROLE_EXTRA_FIELDS = ("code", "family", "group", "group_description", "seniority", "role_type")


def _role_json(role: RoleProfile, skill_position: dict[int, int]) -> dict:
    targets = sorted(role.targets.all(), key=lambda target: skill_position[target.skill_id])
    data = {
        "slug": role.slug,
        "name": role.name,
        "tier": role.tier.slug,
        "description": role.description,
    }
    data |= {key: getattr(role, key) for key in ROLE_EXTRA_FIELDS if getattr(role, key)}
    data["targets"] = {
        target.skill.slug: target.level.number if target.level else None for target in targets
    }
    notes = {target.skill.slug: target.note for target in targets if target.note}
    if notes:
        data["notes"] = notes
    return data


def _skill_json(skill: Skill) -> dict:
    descriptors = sorted(skill.descriptors.all(), key=lambda descriptor: descriptor.level.number)
    return {
        "slug": skill.slug,
        "name": skill.name,
        "description": skill.description,
        "tier": skill.tier.slug,
        "descriptors": {str(item.level.number): item.text for item in descriptors},
    } | {key: True for key in ("role_only", "defined_levels_only") if getattr(skill, key)}


def framework_install(*, data: dict) -> tuple[Framework, bool]:
    """Load `data` for a new install: published if nothing is, else a draft. Idempotent: when its
    version is already loaded, that version is returned with created=False and nothing changes."""
    existing = Framework.objects.filter(version=data.get("version")).first()
    if existing is not None:
        return existing, False
    publish = not Framework.objects.published().exists()
    status = Framework.Status.PUBLISHED if publish else Framework.Status.DRAFT
    return framework_load_json(data=data, status=status), True


# Versions ----------------------------------------------------------------------------------------


@transaction.atomic
def framework_create_draft(*, source: Framework, version: str, name: str = "") -> Framework:
    """A deep, independent copy of `source` as a new draft called `version`."""
    data = framework_export_json(framework=source)
    data["version"] = version
    data["name"] = name or source.name
    draft = framework_load_json(data=data, status=Framework.Status.DRAFT)
    draft.based_on = source
    draft.save(update_fields=["based_on"])
    return draft


@transaction.atomic
def framework_publish(
    *, framework: Framework, replacing: int | None | Literal["any"] = "any"
) -> Framework:
    """Publish a draft; the version published before it retires.

    `replacing` is the id of the published version the publish page said would retire (None: it
    said none is published); when another is published now, PublishedVersionChanged. "any" is for
    callers without a page. A version that is no longer a draft raises FrameworkNoLongerDraft.
    """
    # The draft and the published version are locked in one statement, in id order, so two
    # publishes wait for each other and never deadlock. A locked row changed by the other is
    # read again as it is now; a version it published is not among the rows, hence the re-read.
    locked = list(
        Framework.objects.select_for_update()
        .filter(Q(pk=framework.pk) | Q(status=Framework.Status.PUBLISHED))
        .order_by("pk")
    )
    draft = next((item for item in locked if item.pk == framework.pk), None)
    if draft is None:
        raise Framework.DoesNotExist(f"Framework {framework.pk} no longer exists")
    if not draft.is_editable:
        raise FrameworkNoLongerDraft(draft)
    retiring = [item for item in locked if item.status == Framework.Status.PUBLISHED]
    retiring_ids = {item.pk for item in retiring}
    now_published = list(Framework.objects.published())
    if {item.pk for item in now_published} != retiring_ids:
        meanwhile = [item for item in now_published if item.pk not in retiring_ids]
        raise PublishedVersionChanged(draft, meanwhile[0] if meanwhile else None)
    if replacing != "any" and replacing != (retiring[0].pk if retiring else None):
        raise PublishedVersionChanged(draft, retiring[0] if retiring else None)
    now = timezone.now()
    Framework.objects.filter(pk__in=retiring_ids).update(
        status=Framework.Status.RETIRED, retired_at=now
    )
    draft.status = Framework.Status.PUBLISHED
    draft.published_at = now
    try:
        with transaction.atomic():
            draft.save(update_fields=["status", "published_at"])
    except IntegrityError as error:
        # Published outside this function (the Django admin) after the checks above.
        raise PublishedVersionChanged(draft, Framework.objects.published().first()) from error
    return draft


# Editing a draft ---------------------------------------------------------------------------------


def _save_descriptors(skill: Skill, descriptors: dict[int, str]) -> None:
    """Descriptors by level number; an empty text removes that level's descriptor."""
    levels = {level.number: level for level in skill.framework.levels.all()}
    for number, text in descriptors.items():
        text = text.strip()
        if text:
            LevelDescriptor.objects.update_or_create(
                skill=skill, level=levels[number], defaults={"text": text}
            )
        else:
            LevelDescriptor.objects.filter(skill=skill, level=levels[number]).delete()


def _unique_slug(framework: Framework, name: str) -> str:
    base = slugify(name)[:90] or "skill"
    taken = set(framework.skills.values_list("slug", flat=True))
    slug, counter = base, 2
    while slug in taken:
        slug, counter = f"{base}-{counter}", counter + 1
    return slug


@transaction.atomic
def skill_create(
    *,
    framework: Framework,
    name: str,
    description: str,
    area: CapabilityArea,
    tier: Tier,
    descriptors: dict[int, str],
) -> Skill:
    _require_draft(framework)
    last = framework.skills.filter(area=area).aggregate(last=Max("order"))["last"] or 0
    skill = Skill.objects.create(
        framework=framework,
        area=area,
        tier=tier,
        slug=_unique_slug(framework, name),
        name=name,
        description=description,
        order=last + 1,
    )
    _save_descriptors(skill, descriptors)
    return skill


@transaction.atomic
def skill_update(
    *,
    skill: Skill,
    name: str,
    description: str,
    area: CapabilityArea,
    tier: Tier,
    descriptors: dict[int, str],
) -> Skill:
    """Change a draft's skill. Its slug stays, so it still matches the published version's."""
    _require_draft(skill.framework)
    if area.pk != skill.area_id:
        last = skill.framework.skills.filter(area=area).aggregate(last=Max("order"))["last"]
        skill.order = (last or 0) + 1
    skill.name, skill.description, skill.area, skill.tier = name, description, area, tier
    skill.save()
    _save_descriptors(skill, descriptors)
    return skill


REQUIRED_AT_NO_LEVEL = "required"


@transaction.atomic
def role_targets_set(
    *, role: RoleProfile, targets: dict[int, Level | None | Literal["required"]]
) -> RoleProfile:
    """Targets by skill id; None means "use the tier default" (for a role-only skill: not
    required) and removes the role's own target; REQUIRED_AT_NO_LEVEL keeps the skill required
    with no level of its own (its note stays)."""
    _require_draft(role.framework)
    for skill_id, level in targets.items():
        if level is None:
            RoleTarget.objects.filter(role=role, skill_id=skill_id).delete()
        elif level == REQUIRED_AT_NO_LEVEL:
            RoleTarget.objects.update_or_create(
                role=role, skill_id=skill_id, defaults={"level": None}
            )
        else:
            RoleTarget.objects.update_or_create(
                role=role, skill_id=skill_id, defaults={"level": level}
            )
    return role


# Importing skills from a CSV ---------------------------------------------------------------------


@transaction.atomic
def framework_import_skills_csv(
    *, framework: Framework, text: str, area: CapabilityArea, tier: Tier
) -> list[Skill]:
    """Add every skill in a CSV (skill name, description, a descriptor column per level) to a
    draft's `area` at `tier`. Every row is checked first; if any is bad nothing is written."""
    _require_draft(framework)
    rows, errors = read_skill_rows(framework, text)
    if errors:
        raise SkillsImportFailed(errors)
    last = framework.skills.filter(area=area).aggregate(last=Max("order"))["last"] or 0
    levels = {level.number: level for level in framework.levels.all()}
    skills = []
    for offset, row in enumerate(rows, start=1):
        skill = Skill.objects.create(
            framework=framework,
            area=area,
            tier=tier,
            slug=row.slug,
            name=row.name,
            description=row.description,
            order=last + offset,
        )
        LevelDescriptor.objects.bulk_create(
            LevelDescriptor(skill=skill, level=levels[number], text=text)
            for number, text in row.descriptors.items()
            if text
        )
        skills.append(skill)
    return skills


class SkillLinkRefused(Exception):
    pass


@transaction.atomic
def skill_link_to_earlier(*, skill: Skill, earlier: Skill) -> Skill:
    """Mark a draft's skill as the same skill as `earlier` (one of the version it replaces,
    renamed since): it takes the earlier skill's slug, which is how results, figures and the
    comparison match skills across versions, so its history carries on."""
    _require_draft(skill.framework)
    if earlier.framework_id == skill.framework_id:
        raise SkillLinkRefused("Choose a skill of the published version")
    if skill.framework.skills.filter(slug=earlier.slug).exists():
        raise SkillLinkRefused(f"{earlier.name} is already in this draft")
    skill.slug = earlier.slug
    skill.save(update_fields=["slug"])
    return skill


# The official DDaT download ----------------------------------------------------------------------

DDAT_NAME = "Government Digital and Data Profession Capability Framework"


@dataclass(frozen=True)
class DdatImported:
    framework: Framework
    areas: int
    skills: int
    roles: int
    role_levels: int
    requirements: int

    def summary(self) -> str:
        return (
            f"areas={self.areas} skills={self.skills} roles={self.roles} "
            f"role_levels={self.role_levels} requirements={self.requirements}"
        )


def ddat_default_version() -> str:
    return _free_version(f"DDaT {timezone.localdate():%Y-%m-%d}")


def starter_framework_data() -> dict:
    return read_json(STARTER_FRAMEWORK.read_text(encoding="utf-8"))


@transaction.atomic
def framework_import_ddat(
    *,
    roles_file: str,
    roles_text: str,
    skills_file: str,
    skills_text: str,
    version: str = "",
    from_published: bool = False,
) -> DdatImported:
    """The official download pair as a new draft: on top of the published version (a quarterly
    refresh) or of the starter framework's levels, tiers and all-staff skills.

    Both files are read and checked first (DdatFilesInvalid lists every problem with its file
    and line); the draft is then loaded in one transaction, so nothing is written unless both
    files are valid."""
    pair = read_ddat_pair(
        roles_file=roles_file,
        roles_text=roles_text,
        skills_file=skills_file,
        skills_text=skills_text,
    )
    published = Framework.objects.published().first() if from_published else None
    if from_published and published is None:
        raise FrameworkDataInvalid(["No version is published, so there is nothing to refresh"])
    base = framework_export_json(framework=published) if published else starter_framework_data()
    lacking = missing_levels(base)
    if lacking:
        raise FrameworkDataInvalid(
            [f"The base version's levels lack {', '.join(lacking)}, which the download uses"]
        )
    data = framework_data_from_ddat(
        pair=pair, base=base, version=version or ddat_default_version(), name=DDAT_NAME
    )
    framework = framework_load_json(data=data)
    if published is not None:
        framework.based_on = published
        framework.save(update_fields=["based_on"])
    imported_skills = {entry.slug for entry in pair.skills}
    return DdatImported(
        framework=framework,
        areas=framework.areas.filter(skills__slug__in=imported_skills).distinct().count(),
        skills=len(pair.skills),
        roles=len(pair.roles),
        role_levels=len(pair.role_levels),
        requirements=pair.requirement_count,
    )


SFIA_NAME = "SFIA 9"


def framework_import_sfia(
    *, file_name: str, content: bytes, version: str = "", role_only: bool = False
) -> Framework:
    """The organisation's own SFIA spreadsheet as a new draft: levels 0-7, the starter
    framework's tiers, an area per category. SfiaFileInvalid lists every problem; nothing is
    written unless the whole sheet is valid."""
    skills = read_sfia_rows(file_name, content)
    data = framework_data_from_sfia(
        skills=skills,
        tiers=starter_framework_data()["tiers"],
        version=version or _free_version(f"SFIA {timezone.localdate():%Y-%m-%d}"),
        name=SFIA_NAME,
        role_only=role_only,
    )
    return framework_load_json(data=data)


def _free_version(base: str) -> str:
    version, counter = base, 2
    while Framework.objects.filter(version=version).exists():
        version, counter = f"{base} ({counter})", counter + 1
    return version

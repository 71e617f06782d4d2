"""Reads across the framework: which skills apply to a person and what their targets are."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils.module_loading import import_string

from capability.models import Framework, Level, RoleProfile, RoleTarget, Skill, Tier


def published_framework() -> Framework | None:
    return Framework.objects.published().first()


def framework_in_use() -> Framework | None:
    """The version people read and are assessed on now: the framework pages show this one.

    Which version that is depends on cycles, which capability knows nothing of, so the function
    that decides is named in settings (FRAMEWORK_IN_USE_CALLABLE), the way AXES_USERNAME_CALLABLE
    is. Without one, the published version.
    """
    decide = getattr(settings, "FRAMEWORK_IN_USE_CALLABLE", "")
    return import_string(decide)() if decide else published_framework()


def lowest_tier(framework: Framework) -> Tier | None:
    return framework.tiers.order_by("number").first()


def role_in_framework(role: RoleProfile | None, framework: Framework) -> RoleProfile | None:
    """The same role (matched by slug) in another framework version."""
    if role is None:
        return None
    if role.framework_id == framework.pk:
        return role
    return framework.roles.select_related("tier").filter(slug=role.slug).first()


def tier_for_role(role: RoleProfile | None, framework: Framework) -> Tier | None:
    """A person's tier comes from their role; someone with no role is assessed as all staff."""
    if role is not None:
        return role.tier
    return lowest_tier(framework)


def skills_for_tier(tier: Tier) -> QuerySet[Skill]:
    """Skills of `tier` and every tier below it (tiers are cumulative)."""
    return (
        Skill.objects.up_to_tier(tier)
        .select_related("area", "tier")
        .order_by("area__order", "area__name", "order", "name")
    )


def skills_in_scope(tier: Tier, role: RoleProfile | None) -> QuerySet[Skill]:
    """The skills a person is assessed on: every skill of their tier and the tiers below it
    (role-only skills aside), plus every skill their role profile requires.

    The one answer to "which skills count for this person": the task list, check answers,
    results, review and (through the ratings it lets people save) the figures all ask it. In
    the starter framework a role only sets targets on skills of its tiers, so the scope is the
    tiers' skills, as it always was; a DDaT role level adds the skills it requires.
    """
    in_scope = Q(tier__number__lte=tier.number, role_only=False)
    if role is not None and role.framework_id == tier.framework_id:
        in_scope |= Q(pk__in=RoleTarget.objects.filter(role=role).values("skill_id"))
    return (
        Skill.objects.filter(in_scope, framework_id=tier.framework_id)
        .select_related("area", "tier")
        .order_by("area__order", "area__name", "order", "name")
    )


def skills_a_role_can_require(role: RoleProfile) -> list[Skill]:
    """The skills of the role's scope, then every role-only skill it does not yet require."""
    in_scope = list(skills_in_scope(role.tier, role))
    ids = {skill.pk for skill in in_scope}
    others = (
        Skill.objects.filter(framework_id=role.framework_id, role_only=True)
        .exclude(pk__in=ids)
        .select_related("area", "tier")
        .order_by("area__order", "area__name", "order", "name")
    )
    return in_scope + list(others)


def target_levels(tier: Tier, role: RoleProfile | None) -> dict[int, int]:
    """Target level number per skill id in the person's scope: the role's own level where it
    sets one, else the tier's default."""
    default = tier.default_target.number if tier.default_target_id else 0
    targets = dict.fromkeys(skills_in_scope(tier, role).values_list("id", flat=True), default)
    if role is not None:
        explicit = role.targets.filter(skill_id__in=targets, level__isnull=False).values_list(
            "skill_id", "level__number"
        )
        targets.update(explicit)
    return targets


def role_requirements(role: RoleProfile | None) -> dict[int, RoleTarget]:
    """What `role` requires, by skill id: its level (None where the framework sets none, as for
    the Senior Civil Service) and its note."""
    if role is None:
        return {}
    return {target.skill_id: target for target in role.targets.select_related("level")}


def role_levels_of(role: RoleProfile) -> QuerySet[RoleProfile]:
    """The role levels of the same DDaT role as `role`, from the most junior."""
    return RoleProfile.objects.filter(
        framework_id=role.framework_id, family=role.family, group=role.group
    ).order_by("seniority", "name")


def next_role_level(role: RoleProfile | None) -> RoleProfile | None:
    """The role level one step up from `role` in its DDaT role, if there is one."""
    if role is None or not role.group:
        return None
    return role_levels_of(role).filter(seniority__gt=role.seniority).first()


def areas_with_skills(
    framework: Framework, tier: Tier | None = None, role: RoleProfile | None = None
) -> list[dict]:
    """The framework's areas in order, each with its skills (optionally only those in the scope
    of a person in `tier` with `role`)."""
    skills = (
        framework.skills.select_related("tier", "area").order_by("area__order", "order", "name")
        if tier is None
        else skills_in_scope(tier, role)
    )
    by_area: dict[int, list[Skill]] = {}
    for skill in skills:
        by_area.setdefault(skill.area_id, []).append(skill)
    return [
        {"area": area, "skills": by_area[area.pk]}
        for area in framework.areas.order_by("order", "name")
        if area.pk in by_area
    ]


def offered_levels(skill: Skill, levels: list[Level]) -> list[Level]:
    """The levels a person may choose for `skill`: every level, or for a skill defined only at
    some levels (SFIA), "Not yet" (0) and the levels it has a descriptor for. Reads the skill's
    descriptors as loaded (prefetch them for many skills)."""
    if not skill.defined_levels_only:
        return levels
    defined = {descriptor.level_id for descriptor in skill.descriptors.all()}
    return [level for level in levels if level.number == 0 or level.pk in defined]


def descriptors_by_level(skill: Skill) -> list[dict]:
    """Every level of the skill's framework with its descriptor text, or None where missing."""
    texts = {item.level_id: item.text for item in skill.descriptors.all()}
    return [
        {"level": level, "text": texts.get(level.pk)}
        for level in skill.framework.levels.order_by("number")
    ]


@dataclass
class SkillChange:
    name: str
    slug: str
    fields: list[str] = field(default_factory=list)
    descriptor_levels: list[str] = field(default_factory=list)


@dataclass
class TargetChange:
    role: str
    skill: str
    before: str
    after: str


@dataclass
class FrameworkComparison:
    added: list[Skill]
    removed: list[Skill]
    changed: list[SkillChange]
    targets: list[TargetChange]
    tier_defaults: list[TargetChange]
    added_roles: list[RoleProfile]
    removed_roles: list[RoleProfile]

    @property
    def target_change_count(self) -> int:
        return len(self.targets) + len(self.tier_defaults)

    @property
    def has_changes(self) -> bool:
        return any(
            (self.added, self.removed, self.changed, self.targets, self.tier_defaults,
             self.added_roles, self.removed_roles)
        )  # fmt: skip


def _skills_by_slug(framework: Framework) -> dict[str, Skill]:
    skills = framework.skills.select_related("area", "tier").prefetch_related("descriptors__level")
    return {skill.slug: skill for skill in skills}


def _skill_change(before: Skill, after: Skill) -> SkillChange:
    change = SkillChange(name=after.name, slug=after.slug)
    for label, old, new in (
        ("name", before.name, after.name),
        ("description", before.description, after.description),
        ("area", before.area.slug, after.area.slug),
        ("tier", before.tier.slug, after.tier.slug),
    ):
        if old != new:
            change.fields.append(label)
    old_texts = {item.level.number: item.text for item in before.descriptors.all()}
    new_texts = {item.level.number: item.text for item in after.descriptors.all()}
    names = {item.level.number: item.level.name for item in after.descriptors.all()}
    names |= {item.level.number: item.level.name for item in before.descriptors.all()}
    for number in sorted(old_texts.keys() | new_texts.keys()):
        if old_texts.get(number) != new_texts.get(number):
            change.descriptor_levels.append(f"{number} {names[number]}")
    return change


def _targets(framework: Framework) -> dict[tuple[str, str], RoleTarget]:
    targets = RoleTarget.objects.filter(role__framework=framework).select_related(
        "role", "skill", "level"
    )
    return {(target.role.slug, target.skill.slug): target for target in targets}


def _level_label(level: Level | None) -> str:
    return f"{level.number} {level.name}" if level else "tier default"


def _requirement_label(target: RoleTarget | None, skill: Skill) -> str:
    if target is None:
        return "not required" if skill.role_only else "tier default"
    if target.level is None:
        return "required, no level"
    return _level_label(target.level)


def framework_compare(*, old: Framework, new: Framework) -> FrameworkComparison:
    """What changed from `old` (usually the published version) to `new` (a draft), by slug."""
    old_skills, new_skills = _skills_by_slug(old), _skills_by_slug(new)
    changed = [
        change
        for slug in new_skills.keys() & old_skills.keys()
        if (change := _skill_change(old_skills[slug], new_skills[slug])).fields
        or change.descriptor_levels
    ]
    old_targets, new_targets = _targets(old), _targets(new)
    target_changes = []
    for key in sorted(old_targets.keys() | new_targets.keys()):
        before, after = old_targets.get(key), new_targets.get(key)
        if key[1] not in new_skills or key[1] not in old_skills:
            continue  # the skill itself was added or removed
        skill = new_skills[key[1]]
        if _requirement_label(before, skill) != _requirement_label(after, skill):
            target = after or before
            target_changes.append(
                TargetChange(
                    role=target.role.name,
                    skill=target.skill.name,
                    before=_requirement_label(before, skill),
                    after=_requirement_label(after, skill),
                )
            )
    old_tiers = {tier.slug: tier for tier in old.tiers.select_related("default_target")}
    tier_defaults = [
        TargetChange(
            role=tier.name,
            skill="",
            before=_level_label(old_tiers[tier.slug].default_target),
            after=_level_label(tier.default_target),
        )
        for tier in new.tiers.select_related("default_target")
        if tier.slug in old_tiers
        and old_tiers[tier.slug].default_target_id
        and tier.default_target_id
        and old_tiers[tier.slug].default_target.number != tier.default_target.number
    ]
    old_roles = {role.slug: role for role in old.roles.all()}
    new_roles = {role.slug: role for role in new.roles.all()}
    return FrameworkComparison(
        added=sorted((new_skills[s] for s in new_skills.keys() - old_skills.keys()), key=str),
        removed=sorted((old_skills[s] for s in old_skills.keys() - new_skills.keys()), key=str),
        changed=sorted(changed, key=lambda change: change.name),
        targets=target_changes,
        tier_defaults=tier_defaults,
        added_roles=[new_roles[s] for s in sorted(new_roles.keys() - old_roles.keys())],
        removed_roles=[old_roles[s] for s in sorted(old_roles.keys() - new_roles.keys())],
    )


@dataclass
class RoleGroup:
    name: str
    description: str
    levels: list[RoleProfile]


@dataclass
class RoleFamily:
    name: str
    roles: list[RoleGroup]


def role_families(framework: Framework) -> list[RoleFamily]:
    """The DDaT role families of `framework`, each with its roles and their role levels from the
    most junior, as the official site lists them."""
    families: dict[str, dict[str, RoleGroup]] = {}
    for role in framework.roles.exclude(family="").order_by("family", "group", "seniority", "name"):
        groups = families.setdefault(role.family, {})
        group = groups.setdefault(role.group, RoleGroup(role.group, role.group_description, []))
        group.levels.append(role)
    return [RoleFamily(name=name, roles=list(groups.values())) for name, groups in families.items()]


def role_requirements_by_area(role: RoleProfile) -> list[dict]:
    """The skills `role` requires, by area in framework order, each with its level and note."""
    targets = list(
        role.targets.select_related("skill__area", "level").order_by(
            "skill__area__order", "skill__area__name", "skill__order", "skill__name"
        )
    )
    areas: dict[int, dict] = {}
    for target in targets:
        area = target.skill.area
        areas.setdefault(area.pk, {"area": area, "requirements": []})["requirements"].append(target)
    return list(areas.values())

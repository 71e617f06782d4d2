"""Reads across the framework: which skills apply to a person and what their targets are."""

from __future__ import annotations

from django.db.models import QuerySet

from capability.models import Framework, RoleProfile, Skill, Tier


def published_framework() -> Framework | None:
    return Framework.objects.published().first()


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


def target_levels(tier: Tier, role: RoleProfile | None) -> dict[int, int]:
    """Target level number per skill id: the role's own target, else the tier's default."""
    default = tier.default_target.number if tier.default_target_id else 0
    targets = dict.fromkeys(Skill.objects.up_to_tier(tier).values_list("id", flat=True), default)
    if role is not None:
        explicit = role.targets.filter(skill_id__in=targets).values_list(
            "skill_id", "level__number"
        )
        targets.update(explicit)
    return targets

"""Factories for tests. `framework_with_skills` builds a small published framework."""

from __future__ import annotations

from pathlib import Path

import factory
from django.contrib.auth.models import Group

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
from capability.services import DdatImported, framework_import_ddat
from common.roles import HEAD_OF_DIGITAL, LEADERSHIP
from people.models import Directorate, StaffProfile, Team, User

PASSWORD = "correct-horse-battery-staple"
# Our own pair of files in the shape of the official DDaT download (no text from it).
DDAT_FILES = Path(__file__).parent / "capability" / "ddat"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Sequence(lambda n: f"Person {n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def groups(self, create: bool, extracted: list[str] | None, **kwargs: object) -> None:
        if create and extracted:
            for name in extracted:
                self.groups.add(Group.objects.get_or_create(name=name)[0])
        self.save()


class DirectorateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Directorate
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Directorate {n}")


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    directorate = factory.SubFactory(DirectorateFactory)
    name = factory.Sequence(lambda n: f"Team {n}")


class StaffProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffProfile

    user = factory.SubFactory(UserFactory)
    team = factory.SubFactory(TeamFactory)
    job_title = "Officer"


def head_of_digital(**kwargs: object) -> User:
    return UserFactory(groups=[HEAD_OF_DIGITAL], **kwargs)


def leadership(**kwargs: object) -> User:
    return UserFactory(groups=[LEADERSHIP], **kwargs)


class FrameworkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Framework

    name = "Test framework"
    version = factory.Sequence(lambda n: f"test-{n}")
    status = Framework.Status.PUBLISHED


LEVELS = ["Not yet", "Awareness", "Working", "Practitioner", "Expert"]
TIERS = [
    ("all-staff", "All staff", 2),
    ("service-managers", "Service managers", 2),
    ("senior-leaders", "Senior leaders", 3),
]


def framework_with_skills(
    status: str = Framework.Status.PUBLISHED, skills_per_tier: int = 2, version: str | None = None
) -> Framework:
    """Levels 0-4, three tiers, two areas, `skills_per_tier` skills per tier with descriptors,
    and one role per tier ("officer", "manager", "director"); the manager role sets one target."""
    framework = FrameworkFactory(status=status, **({"version": version} if version else {}))
    levels = [
        Level.objects.create(framework=framework, number=n, name=name, description=f"{name}.")
        for n, name in enumerate(LEVELS)
    ]
    tiers = [
        Tier.objects.create(
            framework=framework, number=n, slug=slug, name=name, default_target=levels[default]
        )
        for n, (slug, name, default) in enumerate(TIERS, start=1)
    ]
    areas = [
        CapabilityArea.objects.create(framework=framework, slug="data", name="Data", order=1),
        CapabilityArea.objects.create(
            framework=framework, slug="security", name="Security", order=2
        ),
    ]
    for tier in tiers:
        for index in range(skills_per_tier):
            area = areas[index % 2]
            skill = Skill.objects.create(
                framework=framework,
                area=area,
                tier=tier,
                slug=f"{tier.slug}-skill-{index}",
                name=f"{tier.name} skill {index}",
                order=index,
            )
            for level in levels[1:]:
                LevelDescriptor.objects.create(
                    skill=skill, level=level, text=f"You can do {skill.name} at {level.name}."
                )
    roles = {}
    for slug, name, tier in (
        ("officer", "Officer", tiers[0]),
        ("manager", "Service manager", tiers[1]),
        ("director", "Director", tiers[2]),
    ):
        roles[slug] = RoleProfile.objects.create(
            framework=framework, tier=tier, slug=slug, name=name
        )
    first_manager_skill = framework.skills.get(slug="service-managers-skill-0")
    RoleTarget.objects.create(role=roles["manager"], skill=first_manager_skill, level=levels[4])
    return framework


def ddat_files() -> tuple[str, str]:
    """The text of our roles file and skills file in the official DDaT shape."""
    read = {
        name: (DDAT_FILES / name).read_text(encoding="utf-8")
        for name in ("roles.csv", "skills.csv")
    }
    return read["roles.csv"], read["skills.csv"]


def ddat_import(
    roles: str | None = None, skills: str | None = None, **kwargs: object
) -> DdatImported:
    """Import the pair (or other text in their place) into a new draft, as the upload page does."""
    roles_text, skills_text = ddat_files()
    return framework_import_ddat(
        roles_file="roles.csv",
        roles_text=roles_text if roles is None else roles,
        skills_file="skills.csv",
        skills_text=skills_text if skills is None else skills,
        **kwargs,
    )

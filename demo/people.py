"""Demo organisation: 3 directorates, 8 teams, 40 staff and the fixed sign-ins in the README."""

from __future__ import annotations

from functools import cache

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group

from common.roles import HEAD_OF_DIGITAL, LEADERSHIP
from people.models import Directorate, StaffProfile, Team, User

DEMO_PASSWORD = "demo-password-2026"

# directorate -> teams
STRUCTURE = {
    "Resources": ["Digital and IT", "Finance", "People and HR"],
    "Communities": ["Customer Services", "Libraries", "Housing"],
    "Place": ["Planning", "Highways"],
}

FIRST_NAMES = [
    "Amara", "Ben", "Chloe", "Dev", "Ella", "Femi", "Grace", "Hamza", "Isla", "Jack",
    "Kiran", "Layla", "Mohammed", "Niamh", "Owen", "Priya", "Quinn", "Rosa", "Sam", "Tariq",
    "Uma", "Victor", "Wendy", "Xavier", "Yasmin", "Zac", "Aled", "Bethan", "Callum", "Dina",
    "Eilidh", "Fraser",
]  # fmt: skip
LAST_NAMES = [
    "Adeyemi", "Brown", "Chen", "Davies", "Evans", "Fletcher", "Green", "Hughes", "Iqbal",
    "Jones", "Khan", "Lewis", "Morgan", "Nowak", "O'Brien", "Patel", "Quinn", "Roberts",
    "Singh", "Taylor", "Usman", "Varga", "Walsh", "Xu", "Young", "Zielinski",
]  # fmt: skip

# email, name, directorate, team, job title, manager email, role profile slug, groups
FIXED = [
    ("leader@example.org", "Lesley Leader", "Resources", "Digital and IT",
     "Director of Resources", None, "director", [LEADERSHIP]),
    ("head@example.org", "Harriet Head", "Resources", "Digital and IT",
     "Head of Digital", "leader@example.org", "head-of-digital", [HEAD_OF_DIGITAL]),
    ("manager@example.org", "Marcus Manager", "Communities", "Customer Services",
     "Customer Services Team Leader", "leader@example.org", "team-leader", []),
    ("staff@example.org", "Sara Staff", "Communities", "Customer Services",
     "Customer Services Adviser", "manager@example.org", "frontline-officer", []),
    ("other@example.org", "Oliver Other", "Place", "Planning",
     "Planning Officer", None, "frontline-officer", []),
]  # fmt: skip


@cache
def _password_hash() -> str:
    # Hashing is slow on purpose; one hash (with its own salt) serves every demo account.
    return make_password(DEMO_PASSWORD)


def _role(slug: str | None) -> object | None:
    from capability.models import RoleProfile

    if not slug:
        return None
    return RoleProfile.objects.filter(framework__status="published", slug=slug).first()


def _person(
    email: str, name: str, team: Team, job_title: str, manager: StaffProfile | None, role: str
) -> StaffProfile:
    user, created = User.objects.get_or_create(email=email, defaults={"full_name": name})
    if created:
        user.password = _password_hash()
        user.save(update_fields=["password"])
    profile, _ = StaffProfile.objects.update_or_create(
        user=user,
        defaults={
            "team": team,
            "job_title": job_title,
            "line_manager": manager,
            "role_profile": _role(role),
            "active": True,
        },
    )
    return profile


def seed_people() -> None:
    teams: dict[str, Team] = {}
    for directorate_name, team_names in STRUCTURE.items():
        directorate, _ = Directorate.objects.get_or_create(name=directorate_name)
        for team_name in team_names:
            teams[team_name], _ = Team.objects.get_or_create(
                directorate=directorate, name=team_name
            )

    profiles: dict[str, StaffProfile] = {}
    for email, name, _, team, title, manager, role, groups in FIXED:
        manager_profile = profiles.get(manager) if manager else None
        profiles[email] = _person(email, name, teams[team], title, manager_profile, role)
        for group in groups:
            profiles[email].user.groups.add(Group.objects.get_or_create(name=group)[0])

    admin, created = User.objects.get_or_create(
        email="admin@example.org",
        defaults={"full_name": "Ada Admin", "is_staff": True, "is_superuser": True},
    )
    if created:
        admin.password = _password_hash()
        admin.save(update_fields=["password"])

    # Every team gets a team leader (reporting to the leader) and members reporting to them,
    # so there are 40 people in all. Customer Services is led by manager@example.org.
    index = 0
    for team_name, team in teams.items():
        if team_name == "Customer Services":
            lead = profiles["manager@example.org"]
        else:
            lead = _generated(
                index,
                team,
                f"{team_name} Team Leader",
                profiles["leader@example.org"],
                "team-leader",
            )
            index += 1
        members_wanted = 4 - sum(
            1
            for p in profiles.values()
            if p.team_id == team.pk and p != lead and p.line_manager_id == lead.pk
        )
        role = "developer" if team_name == "Digital and IT" else "frontline-officer"
        for _ in range(max(members_wanted, 0)):
            _generated(index, team, f"{team_name} Officer", lead, role)
            index += 1


def _generated(
    index: int, team: Team, job_title: str, manager: StaffProfile, role: str
) -> StaffProfile:
    first = FIRST_NAMES[index % len(FIRST_NAMES)]
    last = LAST_NAMES[(index * 7) % len(LAST_NAMES)]
    email = f"{first}.{last}".lower().replace("'", "") + f".{index}@example.org"
    return _person(email, f"{first} {last}", team, job_title, manager, role)

"""Demo objectives, key results, check-ins, initiatives and milestones from
fixtures/demo_okrs_roadmap.json. Run after the framework, people and assessments demo data.

Idempotent: objectives are matched by period and title, key results by objective and title,
check-ins by date, initiatives by title and milestones by title, so running it twice changes
nothing. Skills, areas and tiers are found by slug in the published framework.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

from capability.models import CapabilityArea, Framework, Skill, Tier
from capability.selectors import published_framework
from okrs.models import CheckIn, KeyResult, Objective
from okrs.services import key_result_save
from people.models import User
from roadmap.models import Initiative, Milestone
from roadmap.services import initiative_save

FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "demo_okrs_roadmap.json"


class DemoDataMissing(Exception):
    pass


def _by_slug(model: type, framework: Framework, slug: str | None) -> Any:
    if not slug:
        return None
    found = model.objects.filter(framework=framework, slug=slug).first()
    if found is None:
        raise DemoDataMissing(
            f"The published framework has no {model._meta.verbose_name} called {slug!r}"
        )
    return found


def _user(email: str) -> User:
    try:
        return User.objects.get(email=email)
    except User.DoesNotExist as error:
        raise DemoDataMissing(f"Load the demo people first: {email} does not exist") from error


def _key_result(objective: Objective, data: dict[str, Any], framework: Framework) -> KeyResult:
    key_result = KeyResult.objects.filter(objective=objective, title=data["title"]).first()
    if key_result is None:
        key_result = KeyResult(objective=objective, title=data["title"])
        computed = data["kind"] == KeyResult.Kind.COMPUTED
        key_result.kind = data["kind"]
        key_result.unit = data.get("unit", "")
        key_result.baseline = Decimal(str(data["baseline"]))
        key_result.target = Decimal(str(data["target"]))
        key_result.measure = (data.get("measure") or "") if computed else ""
        key_result.framework = framework if computed else None
        key_result.skill = _by_slug(Skill, framework, data.get("skill"))
        key_result.area = _by_slug(CapabilityArea, framework, data.get("area"))
        key_result.tier = _by_slug(Tier, framework, data.get("tier"))
        key_result.order = data.get("order", 0)
        key_result_save(key_result=key_result)
    for check_in in data.get("check_ins", []):
        CheckIn.objects.get_or_create(
            key_result=key_result,
            date=date.fromisoformat(check_in["date"]),
            defaults={
                "value": Decimal(str(check_in["value"])),
                "confidence": check_in["confidence"],
                "note": check_in.get("note", ""),
                "author": objective.owner,
            },
        )
    return key_result


@transaction.atomic
def seed_okrs_roadmap() -> None:
    framework = published_framework()
    if framework is None:
        raise DemoDataMissing("Load the starter framework first: nothing is published")
    data = json.loads(FIXTURE.read_text(encoding="utf-8"))
    key_results: dict[str, KeyResult] = {}
    for order, item in enumerate(data["objectives"], start=1):
        objective, _ = Objective.objects.get_or_create(
            period=item["period"],
            title=item["title"],
            defaults={
                "description": item.get("description", ""),
                "owner": _user(item["owner_email"]),
                "order": order,
            },
        )
        for kr_order, kr in enumerate(item["key_results"], start=1):
            key_results[kr["key"]] = _key_result(objective, {"order": kr_order, **kr}, framework)
    for item in data["initiatives"]:
        initiative = Initiative.objects.filter(title=item["title"]).first()
        if initiative is None:
            initiative = initiative_save(
                initiative=Initiative(
                    title=item["title"],
                    summary=item.get("summary", ""),
                    owner=_user(item["owner_email"]),
                    status=item["status"],
                    horizon=item["horizon"],
                    start_on=date.fromisoformat(item["start"]) if item.get("start") else None,
                    end_on=date.fromisoformat(item["end"]) if item.get("end") else None,
                ),
                key_results=[key_results[key] for key in item.get("key_results", [])],
                skills=[_by_slug(Skill, framework, slug) for slug in item.get("skills", [])],
                areas=[_by_slug(CapabilityArea, framework, slug) for slug in item.get("areas", [])],
            )
        for milestone in item.get("milestones", []):
            Milestone.objects.get_or_create(
                initiative=initiative,
                title=milestone["title"],
                defaults={
                    "due_on": date.fromisoformat(milestone["due"]),
                    "done": milestone.get("done", False),
                },
            )

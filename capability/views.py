"""The framework for everyone to read, and the pages where a head of digital manages it."""

from __future__ import annotations

import json
from typing import Literal

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET

from capability import selectors
from capability.ddat import DdatFilesInvalid
from capability.forms import (
    DdatImportForm,
    DraftCreateForm,
    FrameworkImportForm,
    RoleTargetsForm,
    SfiaImportForm,
    SkillForm,
    SkillLinkForm,
    SkillsImportForm,
)
from capability.models import Framework, RoleProfile, Skill
from capability.services import (
    FrameworkDataInvalid,
    FrameworkNotEditable,
    PublishedVersionChanged,
    SkillLinkRefused,
    SkillsImportFailed,
    framework_create_draft,
    framework_export_json,
    framework_import_ddat,
    framework_import_sfia,
    framework_import_skills_csv,
    framework_load_json,
    framework_publish,
    role_targets_set,
    skill_create,
    skill_link_to_earlier,
    skill_update,
)
from capability.sfia import SfiaFileInvalid
from common import roles
from common.exports import as_download, attachment_filename
from common.forms import file_problems_message

# Reading the framework ---------------------------------------------------------------------------


def _person_in(request: HttpRequest, framework: Framework) -> dict:
    """The signed-in person's role, tier and targets in `framework` (no role: the lowest tier)."""
    profile = roles.staff_profile(request.user)
    role = selectors.role_in_framework(profile.role_profile if profile else None, framework)
    tier = selectors.tier_for_role(role, framework)
    targets = selectors.target_levels(tier, role) if tier else {}
    return {"role": role, "tier": tier, "targets": targets}


def _versions() -> dict:
    """The version in use and the published one, for the notice of which version a page shows."""
    return {"in_use": selectors.framework_in_use(), "published": selectors.published_framework()}


@require_GET
def framework_view(request: HttpRequest) -> HttpResponse:
    framework = selectors.framework_in_use()
    if framework is None:
        return render(request, "capability/no_framework.html")
    tier = framework.tiers.filter(slug=request.GET.get("tier", "")).first()
    return render(
        request,
        "capability/framework.html",
        {
            "framework": framework,
            **_versions(),
            "tiers": framework.tiers.select_related("default_target").order_by("number"),
            "levels": framework.levels.order_by("number"),
            "chosen_tier": tier,
            "areas": selectors.areas_with_skills(framework, tier),
        },
    )


@require_GET
def expected_view(request: HttpRequest) -> HttpResponse:
    framework = selectors.framework_in_use()
    if framework is None:
        return render(request, "capability/no_framework.html")
    person = _person_in(request, framework)
    levels = {level.number: level for level in framework.levels.all()}
    areas = (
        selectors.areas_with_skills(framework, person["tier"], person["role"])
        if person["tier"]
        else []
    )
    required = selectors.role_requirements(person["role"])
    for area in areas:
        area["rows"] = [
            {
                "skill": skill,
                "target": levels.get(person["targets"].get(skill.pk)),
                "requirement": required.get(skill.pk),
            }
            for skill in area["skills"]
        ]
    return render(
        request,
        "capability/expected.html",
        {
            "framework": framework,
            **_versions(),
            **person,
            "areas": areas,
            "next_role": selectors.next_role_level(person["role"]),
        },
    )


def _skill_for_user(request: HttpRequest, skill_id: int) -> Skill:
    """Published and retired versions are open to everyone; drafts only to heads of digital."""
    skill = get_object_or_404(
        Skill.objects.select_related("framework", "area", "tier"), pk=skill_id
    )
    if skill.framework.is_editable and not roles.is_head_of_digital(request.user):
        raise Http404
    return skill


def _next_step(levels: list[dict], from_number: int | None) -> dict | None:
    """The level above `from_number` with its descriptor, or None at the top of the scale."""
    if from_number is None:
        return None
    above = [row for row in levels if row["level"].number > from_number]
    return above[0] if above else None


@require_GET
def skill_view(request: HttpRequest, skill_id: int) -> HttpResponse:
    skill = _skill_for_user(request, skill_id)
    levels = selectors.descriptors_by_level(skill)
    person = _person_in(request, skill.framework)
    applies = skill.pk in person["targets"]
    target_number = person["targets"].get(skill.pk) if applies else None
    numbers = {row["level"].number: row["level"] for row in levels}
    current = request.GET.get("level", "")
    current_level = numbers.get(int(current)) if current.isdigit() else None
    start = current_level.number if current_level else target_number
    return render(
        request,
        "capability/skill.html",
        {
            "skill": skill,
            **_versions(),
            "levels": levels,
            **person,
            "applies": applies,
            "target": numbers.get(target_number) if target_number is not None else None,
            "current_level": current_level,
            "next_step": _next_step(levels, start),
        },
    )


@require_GET
def role_families_view(request: HttpRequest) -> HttpResponse:
    framework = selectors.framework_in_use()
    if framework is None:
        return render(request, "capability/no_framework.html")
    return render(
        request,
        "capability/role_families.html",
        {
            "framework": framework,
            **_versions(),
            "families": selectors.role_families(framework),
            "mine": _person_in(request, framework)["role"],
        },
    )


def _role_for_user(request: HttpRequest, role_id: int) -> RoleProfile:
    """Published and retired versions are open to everyone; drafts only to heads of digital."""
    role = get_object_or_404(RoleProfile.objects.select_related("framework", "tier"), pk=role_id)
    if role.framework.is_editable and not roles.is_head_of_digital(request.user):
        raise Http404
    return role


@require_GET
def role_level_view(request: HttpRequest, role_id: int) -> HttpResponse:
    role = _role_for_user(request, role_id)
    return render(
        request,
        "capability/role_level.html",
        {
            "role": role,
            "framework": role.framework,
            **_versions(),
            "areas": selectors.role_requirements_by_area(role),
            "other_levels": list(selectors.role_levels_of(role)) if role.group else [],
            "next_role": selectors.next_role_level(role),
        },
    )


# Managing versions (heads of digital) ------------------------------------------------------------


def _framework_for_head(framework_id: int) -> Framework:
    return get_object_or_404(Framework, pk=framework_id)


def _read_only(request: HttpRequest, framework: Framework, message: str = "") -> HttpResponse:
    return render(
        request,
        "capability/manage/read_only.html",
        {"framework": framework, "message": message},
        status=403,
    )


def _changed_meanwhile(request: HttpRequest, refused: FrameworkNotEditable) -> HttpResponse:
    """The version stopped being a draft between opening the page and saving it."""
    framework = refused.framework
    return _read_only(
        request,
        framework,
        f"Version {framework.version} was {framework.get_status_display().lower()} while you "
        "were changing it, so your changes were not saved.",
    )


@roles.head_of_digital_required
def manage_view(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "capability/manage/list.html",
        {
            "frameworks": Framework.objects.select_related("based_on").order_by("-created_at"),
            "published": selectors.published_framework(),
        },
    )


@roles.head_of_digital_required
def draft_create_view(request: HttpRequest) -> HttpResponse:
    published = selectors.published_framework()
    if published is None:
        raise Http404
    form = DraftCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        draft = framework_create_draft(source=published, version=form.cleaned_data["version"])
        messages.success(request, f"Draft {draft.version} created from {published.version}.")
        return redirect("capability:version", framework_id=draft.pk)
    return render(
        request, "capability/manage/draft_create.html", {"form": form, "published": published}
    )


@roles.head_of_digital_required
def version_view(request: HttpRequest, framework_id: int) -> HttpResponse:
    framework = _framework_for_head(framework_id)
    return render(
        request,
        "capability/manage/version.html",
        {
            "framework": framework,
            "areas": selectors.areas_with_skills(framework),
            "roles": framework.roles.select_related("tier").order_by("tier__number", "name"),
            "tiers": framework.tiers.select_related("default_target").order_by("number"),
        },
    )


def _skill_in(framework: Framework, skill_id: int) -> Skill:
    return get_object_or_404(framework.skills.select_related("area", "tier"), pk=skill_id)


@roles.head_of_digital_required
def skill_edit_view(request: HttpRequest, framework_id: int, skill_id: int) -> HttpResponse:
    framework = _framework_for_head(framework_id)
    return _skill_form_page(request, framework, _skill_in(framework, skill_id))


@roles.head_of_digital_required
def skill_add_view(request: HttpRequest, framework_id: int) -> HttpResponse:
    return _skill_form_page(request, _framework_for_head(framework_id), None)


def _skill_form_page(
    request: HttpRequest, framework: Framework, skill: Skill | None
) -> HttpResponse:
    """Add a skill to a draft (skill None) or change one of its skills."""
    if not framework.is_editable:
        return _read_only(request, framework)
    initial = {}
    if skill is not None:
        initial = {"name": skill.name, "description": skill.description}
        initial |= {"area": skill.area, "tier": skill.tier}
        initial |= {
            f"descriptor_{item.level.number}": item.text
            for item in skill.descriptors.select_related("level")
        }
    form = SkillForm(request.POST or None, framework=framework, skill=skill, initial=initial)
    if request.method == "POST" and form.is_valid():
        fields = {key: form.cleaned_data[key] for key in ("name", "description", "area", "tier")}
        try:
            if skill is None:
                skill = skill_create(framework=framework, descriptors=form.descriptors(), **fields)
                messages.success(request, f"{skill.name} added.")
            else:
                skill_update(skill=skill, descriptors=form.descriptors(), **fields)
                messages.success(request, f"{skill.name} saved.")
        except FrameworkNotEditable as refused:
            return _changed_meanwhile(request, refused)
        return redirect("capability:version", framework_id=framework.pk)
    return render(
        request,
        "capability/manage/skill_form.html",
        {"form": form, "framework": framework, "skill": skill},
    )


@roles.head_of_digital_required
def role_targets_view(request: HttpRequest, framework_id: int, role_id: int) -> HttpResponse:
    framework = _framework_for_head(framework_id)
    role = get_object_or_404(
        RoleProfile.objects.select_related("tier"), pk=role_id, framework=framework
    )
    if not framework.is_editable:
        return _read_only(request, framework)
    skills = selectors.skills_a_role_can_require(role)
    form = RoleTargetsForm(request.POST or None, role=role, skills=skills)
    if request.method == "POST" and form.is_valid():
        try:
            role_targets_set(role=role, targets=form.targets())
        except FrameworkNotEditable as refused:
            return _changed_meanwhile(request, refused)
        messages.success(request, f"Targets for {role.name} saved.")
        return redirect("capability:version", framework_id=framework.pk)
    return render(
        request,
        "capability/manage/role_targets.html",
        {"form": form, "framework": framework, "role": role},
    )


@roles.head_of_digital_required
@require_GET
def compare_view(request: HttpRequest, framework_id: int) -> HttpResponse:
    framework = _framework_for_head(framework_id)
    published = selectors.published_framework()
    comparison = None
    if published is not None and published.pk != framework.pk:
        comparison = selectors.framework_compare(old=published, new=framework)
    return render(
        request,
        "capability/manage/compare.html",
        {"framework": framework, "published": published, "comparison": comparison},
    )


def _posted_replacing(request: HttpRequest) -> int | None | Literal["any"]:
    """The published version the page said would retire: its id, or "none"."""
    posted = request.POST.get("replacing")
    if posted is None:
        return "any"
    posted = posted.strip()
    return int(posted) if posted.isascii() and posted.isdigit() and len(posted) <= 18 else None


@roles.head_of_digital_required
def publish_view(request: HttpRequest, framework_id: int) -> HttpResponse:
    framework = _framework_for_head(framework_id)
    error = ""
    if request.method == "POST":
        # The service decides on the rows as they are now: two heads may publish at once.
        try:
            framework_publish(framework=framework, replacing=_posted_replacing(request))
        except FrameworkNotEditable as refused:
            return _read_only(request, refused.framework, str(refused))
        except PublishedVersionChanged as changed:
            error = str(changed)
        except Framework.DoesNotExist as gone:
            raise Http404 from gone
        else:
            messages.success(request, f"Version {framework.version} is published.")
            return redirect("capability:manage")
    elif not framework.is_editable:
        return _read_only(request, framework)
    return render(
        request,
        "capability/manage/publish.html",
        {"framework": framework, "published": selectors.published_framework(), "error": error},
    )


@roles.head_of_digital_required
@require_GET
def export_view(request: HttpRequest, framework_id: int) -> HttpResponse:
    framework = _framework_for_head(framework_id)
    data = framework_export_json(framework=framework)
    response = HttpResponse(
        json.dumps(data, indent=2, ensure_ascii=False) + "\n",
        content_type="application/json; charset=utf-8",
    )
    # The version is typed by a head of digital: slugified, a line break cannot reach the header.
    return as_download(
        response, attachment_filename("framework", framework.version, extension="json")
    )


@roles.head_of_digital_required
def import_json_view(request: HttpRequest) -> HttpResponse:
    form = FrameworkImportForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            framework = framework_load_json(data=form.cleaned_data["file"])
        except FrameworkDataInvalid as invalid:
            problems = invalid.errors
            form.add_error("file", file_problems_message(len(problems)))
        else:
            messages.success(request, f"Version {framework.version} imported as a draft.")
            return redirect("capability:version", framework_id=framework.pk)
    return render(
        request, "capability/manage/import_json.html", {"form": form, "problems": problems}
    )


@roles.head_of_digital_required
def import_skills_view(request: HttpRequest, framework_id: int) -> HttpResponse:
    framework = _framework_for_head(framework_id)
    if not framework.is_editable:
        return _read_only(request, framework)
    form = SkillsImportForm(request.POST or None, request.FILES or None, framework=framework)
    row_errors = []
    if request.method == "POST" and form.is_valid():
        try:
            skills = framework_import_skills_csv(
                framework=framework,
                text=form.cleaned_data["file"],
                area=form.cleaned_data["area"],
                tier=form.cleaned_data["tier"],
            )
        except SkillsImportFailed as failure:
            row_errors = failure.errors
            form.add_error("file", file_problems_message(len(row_errors)))
        except FrameworkNotEditable as refused:
            return _changed_meanwhile(request, refused)
        else:
            messages.success(request, f"{len(skills)} skill(s) imported.")
            return redirect("capability:version", framework_id=framework.pk)
    return render(
        request,
        "capability/manage/import_skills.html",
        {"form": form, "framework": framework, "row_errors": row_errors},
    )


@roles.head_of_digital_required
def import_ddat_view(request: HttpRequest) -> HttpResponse:
    form = DdatImportForm(request.POST or None, request.FILES or None)
    problems: list = []
    if request.method == "POST" and form.is_valid():
        try:
            imported = framework_import_ddat(
                roles_file=request.FILES["roles_file"].name,
                roles_text=form.cleaned_data["roles_file"],
                skills_file=request.FILES["skills_file"].name,
                skills_text=form.cleaned_data["skills_file"],
                version=form.cleaned_data["version"],
                from_published=form.cleaned_data["from_published"],
            )
        except DdatFilesInvalid as invalid:
            problems = invalid.problems
            form.add_error(None, file_problems_message(len(problems)))
        except FrameworkDataInvalid as invalid:
            for error in invalid.errors:
                form.add_error(None, error)
        else:
            draft = imported.framework
            messages.success(
                request,
                f"Draft {draft.version} imported: {imported.skills} skills, {imported.roles} "
                f"roles, {imported.role_levels} role levels.",
            )
            if draft.based_on_id:
                return redirect("capability:compare", framework_id=draft.pk)
            return redirect("capability:version", framework_id=draft.pk)
    return render(
        request, "capability/manage/import_ddat.html", {"form": form, "problems": problems}
    )


@roles.head_of_digital_required
def skill_link_view(request: HttpRequest, framework_id: int, skill_id: int) -> HttpResponse:
    """Link a skill the draft adds to one it removes: a rename, not a new skill."""
    framework = _framework_for_head(framework_id)
    skill = _skill_in(framework, skill_id)
    if not framework.is_editable:
        return _read_only(request, framework)
    published = selectors.published_framework()
    if published is None or published.pk == framework.pk:
        raise Http404
    removed = selectors.framework_compare(old=published, new=framework).removed
    form = SkillLinkForm(request.POST or None, removed=removed)
    if request.method == "POST" and form.is_valid():
        try:
            skill_link_to_earlier(skill=skill, earlier=form.cleaned_data["earlier"])
        except FrameworkNotEditable as refused:
            return _changed_meanwhile(request, refused)
        except SkillLinkRefused as refused:
            form.add_error("earlier", str(refused))
        else:
            messages.success(
                request, f"{skill.name} is now the same skill as {form.cleaned_data['earlier']}."
            )
            return redirect("capability:compare", framework_id=framework.pk)
    return render(
        request,
        "capability/manage/skill_link.html",
        {"form": form, "framework": framework, "skill": skill, "removed": removed},
    )


@roles.head_of_digital_required
def import_sfia_view(request: HttpRequest) -> HttpResponse:
    form = SfiaImportForm(request.POST or None, request.FILES or None)
    problems: list = []
    if request.method == "POST" and form.is_valid():
        try:
            framework = framework_import_sfia(
                file_name=request.FILES["file"].name,
                content=form.cleaned_data["file"],
                version=form.cleaned_data["version"],
                role_only=form.cleaned_data["role_only"],
            )
        except SfiaFileInvalid as invalid:
            problems = invalid.problems
            form.add_error("file", file_problems_message(len(problems)))
        except FrameworkDataInvalid as invalid:
            for error in invalid.errors:
                form.add_error(None, error)
        else:
            messages.success(request, f"Draft {framework.version} imported from SFIA.")
            return redirect("capability:version", framework_id=framework.pk)
    return render(
        request, "capability/manage/import_sfia.html", {"form": form, "problems": problems}
    )

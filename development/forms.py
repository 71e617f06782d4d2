"""Forms for learning resources (heads of digital) and personal development plans."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.validators import URLValidator

from capability.models import Framework
from common.dates import date_field
from common.forms import GovukForm, read_uploaded_text
from common.text import no_control_characters
from development.models import DevelopmentPlan, LearningResource
from development.resource_file import MAX_COST, MAX_MINUTES, read_cost, read_minutes
from development.selectors import Gap
from development.services import ActionDetails, ResourceDetails


class ResourceForm(GovukForm):
    submit_label = "Save resource"

    skill = forms.ChoiceField(
        label="Skill",
        error_messages={
            "required": "Choose the skill this resource helps with",
            "invalid_choice": "Choose one of the skills shown",
        },
    )
    level = forms.TypedChoiceField(
        label="Level it helps reach",
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose the level this resource helps reach",
            "invalid_choice": "Choose one of the levels shown",
        },
    )
    title = forms.CharField(
        label="Title",
        max_length=200,
        validators=[no_control_characters],
        error_messages={
            "required": "Enter the title of the resource",
            "max_length": "Title must be 200 characters or fewer",
        },
    )
    url = forms.URLField(
        label="Link",
        help_text="The web address, starting with https://",
        max_length=500,
        assume_scheme="https",
        validators=[URLValidator(schemes=["http", "https"])],
        error_messages={
            "required": "Enter the link to the resource",
            "invalid": "Enter a web address, like https://www.example.org/course",
            "max_length": "Link must be 500 characters or fewer",
        },
    )
    provider = forms.CharField(
        label="Provider",
        help_text="Who runs or publishes it, for example Government Digital Service",
        required=False,
        max_length=200,
        validators=[no_control_characters],
        error_messages={"max_length": "Provider must be 200 characters or fewer"},
    )
    format = forms.ChoiceField(
        label="Format",
        choices=LearningResource.Format.choices,
        error_messages={
            "required": "Choose the format",
            "invalid_choice": "Choose one of the formats shown",
        },
    )
    time_needed = forms.CharField(
        label="Time needed",
        help_text='In minutes or hours, for example "90" or "1.5 hours". Leave empty if not known',
        required=False,
        max_length=40,
        error_messages={"max_length": "Time needed must be 40 characters or fewer"},
    )
    cost = forms.CharField(
        label="Cost per person, in pounds",
        help_text='For example "120" or "£45.50". Leave empty if it is free',
        required=False,
        max_length=20,
        error_messages={"max_length": "Cost must be 20 characters or fewer"},
    )
    mandatory = forms.BooleanField(label="Everyone it applies to must complete it", required=False)

    def __init__(self, *args: Any, framework: Framework, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["skill"].choices = [("", "Choose a skill")] + [
            (skill.slug, f"{skill.name} ({skill.area.name})")
            for skill in framework.skills.select_related("area").order_by(
                "area__order", "order", "name"
            )
        ]
        self.fields["level"].choices = [
            (level.number, f"{level.number} {level.name}")
            for level in framework.levels.filter(number__gt=0).order_by("number")
        ]

    @classmethod
    def initial_for(cls, resource: LearningResource) -> dict[str, Any]:
        return {
            "skill": resource.skill_slug,
            "level": resource.level,
            "title": resource.title,
            "url": resource.url,
            "provider": resource.provider,
            "format": resource.format,
            "time_needed": str(resource.minutes) if resource.minutes is not None else "",
            "cost": f"{resource.cost:.2f}" if resource.cost else "",
            "mandatory": resource.mandatory,
        }

    def clean_time_needed(self) -> int | None:
        try:
            minutes = read_minutes(self.cleaned_data["time_needed"])
        except ValueError as error:
            raise forms.ValidationError(
                'Enter the time needed in minutes or hours, like "90" or "1.5 hours"'
            ) from error
        if minutes is not None and minutes > MAX_MINUTES:
            raise forms.ValidationError(f"Time needed must be {MAX_MINUTES:,} minutes or fewer")
        return minutes

    def clean_cost(self) -> Decimal:
        try:
            cost = read_cost(self.cleaned_data["cost"])
        except ValueError as error:
            raise forms.ValidationError(
                'Enter the cost in pounds, like "120" or "£45.50", or leave it empty if free'
            ) from error
        if cost > MAX_COST:
            raise forms.ValidationError("Cost must be £999,999.99 or less")
        return cost

    def details(self) -> ResourceDetails:
        data = self.cleaned_data
        return ResourceDetails(
            skill_slug=data["skill"],
            level=data["level"],
            title=data["title"].strip(),
            url=data["url"],
            provider=data["provider"].strip(),
            format=data["format"],
            minutes=data["time_needed"],
            cost=data["cost"],
            mandatory=data["mandatory"],
        )


class ResourcesImportForm(GovukForm):
    submit_label = "Import resources"

    file = forms.FileField(
        label="Upload a CSV file of learning resources",
        help_text=(
            'Columns: "skill", "level", "title", "link", "provider", "format", "time needed", '
            '"cost", "mandatory". The first row must name them; "provider" to "mandatory" may '
            "be left out."
        ),
        error_messages={"required": "Choose a CSV file to import"},
    )

    def clean_file(self) -> str:
        return read_uploaded_text(self.cleaned_data["file"], "csv", "CSV")


class FocusForm(GovukForm):
    submit_label = "Save and continue"

    skills = forms.TypedMultipleChoiceField(
        label="Which skills will you focus on?",
        help_text="Choose up to 3 of your gaps. A short plan is one you can finish.",
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Choose at least one skill to focus on",
            "invalid_choice": "Choose skills from your gaps",
        },
    )

    def __init__(self, *args: Any, gaps: list[Gap], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["skills"].choices = [
            (
                gap.skill.pk,
                f"{gap.skill.name}: level {gap.level}, target {gap.target} "
                f"({gap.gap} level{'s' if gap.gap != 1 else ''} to go)",
            )
            for gap in gaps
        ]

    def clean_skills(self) -> list[int]:
        skills = self.cleaned_data["skills"]
        if len(skills) > DevelopmentPlan.MAX_FOCUS_SKILLS:
            raise forms.ValidationError(
                f"Choose up to {DevelopmentPlan.MAX_FOCUS_SKILLS} skills to focus on"
            )
        return skills


class ActionForm(GovukForm):
    submit_label = "Add action"

    resource = forms.TypedChoiceField(
        label="Learning resource (optional)",
        coerce=int,
        required=False,
        empty_value=None,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choose one of the learning resources shown"},
    )
    task = forms.CharField(
        label="What will you do?",
        help_text="For example, a task at work, shadowing a colleague, or how you will use "
        "the resource. Required if you choose no resource",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": "What you will do must be 1,000 characters or fewer"},
    )
    due_on = date_field(
        "By when?", "Enter the date you will do it by", help_text="For example, 27 3 2027"
    )

    def __init__(self, *args: Any, resources: list[LearningResource], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.resources = {resource.pk: resource for resource in resources}
        self.fields["resource"].choices = [("", "No resource: a task only")] + [
            (
                resource.pk,
                f"{resource.title} ({resource.get_format_display()}, {resource.time_needed}, "
                f"{resource.cost_text})",
            )
            for resource in resources
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("resource") and not (data.get("task") or "").strip():
            self.add_error("task", "Describe what you will do, or choose a learning resource")
        return data

    def details(self) -> ActionDetails:
        resource_id = self.cleaned_data.get("resource")
        return ActionDetails(
            task=self.cleaned_data["task"].strip(),
            due_on=self.cleaned_data["due_on"],
            resource=self.resources.get(resource_id) if resource_id else None,
        )


class PlanDecisionForm(GovukForm):
    submit_label = "Save decision"
    AGREE, CHANGES = "agree", "changes"

    decision = forms.ChoiceField(
        label="Do you agree this plan?",
        choices=[(AGREE, "Yes, agree the plan"), (CHANGES, "No, ask for changes")],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose whether you agree the plan",
            "invalid_choice": "Choose one of the answers shown",
        },
    )
    comment = forms.CharField(
        label="Comment",
        help_text="Required if you ask for changes: say what you would like changed",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": "Comment must be 5,000 characters or fewer"},
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("decision") == self.CHANGES and not (data.get("comment") or "").strip():
            self.add_error("comment", "Say what you would like changed")
        return data

    @property
    def agrees(self) -> bool:
        return self.cleaned_data["decision"] == self.AGREE


class MandatoryForm(GovukForm):
    submit_label = "Make it mandatory"

    resource = forms.TypedChoiceField(
        label="Learning resource",
        coerce=int,
        error_messages={
            "required": "Choose the learning resource",
            "invalid_choice": "Choose one of the learning resources shown",
        },
    )
    audience = forms.ChoiceField(
        label="Who must complete it?",
        help_text="A tier includes everyone in the tiers above it",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose a tier or a role profile",
            "invalid_choice": "Choose one of the tiers or role profiles shown",
        },
    )
    due_on = date_field(
        "Complete by", "Enter the date it must be completed by", help_text="For example, 31 3 2027"
    )

    def __init__(self, *args: Any, framework: Framework, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["resource"].choices = [("", "Choose a resource")] + [
            (resource.pk, f"{resource.title} ({resource.skill_slug}, level {resource.level})")
            for resource in LearningResource.objects.order_by("title")
        ]
        self.fields["audience"].choices = [
            (f"tier:{tier.slug}", f"Tier: {tier.name}")
            for tier in framework.tiers.order_by("number")
        ] + [
            (f"role:{role.slug}", f"Role: {role.name}") for role in framework.roles.order_by("name")
        ]

    def audience_slugs(self) -> dict[str, str]:
        kind, slug = self.cleaned_data["audience"].split(":", 1)
        return {"tier_slug": slug} if kind == "tier" else {"role_slug": slug}

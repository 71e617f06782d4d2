"""Forms for learning resources (heads of digital) and personal development plans."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.validators import URLValidator

from capability.models import Framework
from common.forms import GovukForm, read_uploaded_text
from common.text import no_control_characters
from development.models import LearningResource
from development.resource_file import MAX_COST, MAX_MINUTES, read_cost, read_minutes
from development.services import ResourceDetails


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

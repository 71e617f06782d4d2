from __future__ import annotations

from typing import Any

from django import forms

from capability.ddat import MAX_FILE_BYTES as MAX_DDAT_BYTES
from capability.models import CapabilityArea, Framework, Level, RoleProfile, Skill, Tier
from capability.services import REQUIRED_AT_NO_LEVEL
from capability.sfia import MAX_FILE_BYTES as SFIA_MAX_BYTES
from capability.validation import MAX_DESCRIPTOR_LENGTH, MAX_NAME_LENGTH
from common.files import JsonUnreadable, read_json
from common.forms import GovukForm, read_uploaded_text
from common.text import has_control_characters


class TierFilterForm(forms.Form):
    tier = forms.ChoiceField(label="Show the skills for", required=False)

    def __init__(self, *args: Any, framework: Framework, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["tier"].choices = [("", "Everyone (all tiers)")] + [
            (tier.slug, tier.name) for tier in framework.tiers.order_by("number")
        ]


def new_version_name(value: str) -> str:
    """A new framework version's name: one line, not already used (empty where optional)."""
    version = value.strip()
    if has_control_characters(version):
        raise forms.ValidationError("The version must not contain line breaks")
    if version and Framework.objects.filter(version=version).exists():
        raise forms.ValidationError(f'A version called "{version}" already exists')
    return version


class DraftCreateForm(GovukForm):
    submit_label = "Create draft"

    version = forms.CharField(
        label="Version",
        max_length=50,
        help_text='A short label people will see, for example "2026.2".',
        error_messages={
            "required": "Enter a version for the new draft",
            "max_length": "The version must be 50 characters or fewer",
        },
    )

    def clean_version(self) -> str:
        return new_version_name(self.cleaned_data["version"])


class SkillForm(GovukForm):
    submit_label = "Save skill"

    name = forms.CharField(
        label="Skill name",
        max_length=MAX_NAME_LENGTH,
        error_messages={
            "required": "Enter a name for the skill",
            "max_length": f"The skill name must be {MAX_NAME_LENGTH} characters or fewer",
        },
    )
    description = forms.CharField(
        label="Description", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    area = forms.ModelChoiceField(
        label="Capability area",
        queryset=CapabilityArea.objects.none(),
        empty_label=None,
        error_messages={"required": "Choose a capability area for the skill"},
    )
    tier = forms.ModelChoiceField(
        label="Tier at which it is introduced",
        queryset=Tier.objects.none(),
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the tier at which the skill is introduced"},
    )

    def __init__(
        self, *args: Any, framework: Framework, skill: Skill | None = None, **kwargs: Any
    ) -> None:
        self.framework, self.skill = framework, skill
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = framework.areas.order_by("order", "name")
        self.fields["tier"].queryset = framework.tiers.order_by("number")
        self.levels = list(framework.levels.filter(number__gt=0).order_by("number"))
        for level in self.levels:
            self.fields[f"descriptor_{level.number}"] = forms.CharField(
                label=f"Level {level.number}: {level.name}",
                help_text='What the skill looks like at this level, starting "You can". '
                "Leave it empty if it has not been written yet.",
                required=False,
                max_length=MAX_DESCRIPTOR_LENGTH,
                widget=forms.Textarea(attrs={"rows": 3}),
                error_messages={
                    "max_length": f"The {level.name} descriptor must be "
                    f"{MAX_DESCRIPTOR_LENGTH} characters or fewer"
                },
            )

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        others = self.framework.skills.filter(name__iexact=name)
        if self.skill is not None:
            others = others.exclude(pk=self.skill.pk)
        if others.exists():
            raise forms.ValidationError(f'A skill called "{name}" is already in this version')
        return name

    def descriptors(self) -> dict[int, str]:
        return {
            level.number: self.cleaned_data[f"descriptor_{level.number}"] for level in self.levels
        }


class RoleTargetsForm(GovukForm):
    """One choice per skill of the role's tiers and every role-only skill: the tier default (for
    a role-only skill, not required), required at no level, or a level of its own."""

    submit_label = "Save targets"

    def __init__(self, *args: Any, role: RoleProfile, skills: list[Skill], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.levels = {str(level.pk): level for level in role.framework.levels.order_by("number")}
        self.skills = skills
        default = role.tier.default_target
        default_label = f"Tier default ({default.number} {default.name})" if default else "None"
        current = {
            target.skill_id: str(target.level_id) if target.level_id else REQUIRED_AT_NO_LEVEL
            for target in role.targets.all()
        }
        level_choices = [
            (key, f"{level.number} {level.name}") for key, level in self.levels.items()
        ]
        for skill in skills:
            choices = [("", "Not required" if skill.role_only else default_label)]
            if skill.role_only or current.get(skill.pk) == REQUIRED_AT_NO_LEVEL:
                choices.append((REQUIRED_AT_NO_LEVEL, "Required, with no level of its own"))
            self.fields[f"skill_{skill.pk}"] = forms.ChoiceField(
                label=skill.name,
                required=False,
                choices=choices + level_choices,
                initial=current.get(skill.pk, ""),
                error_messages={"invalid_choice": f"Choose a target level for {skill.name}"},
            )

    def targets(self) -> dict[int, Level | None | str]:
        chosen = {skill.pk: self.cleaned_data[f"skill_{skill.pk}"] for skill in self.skills}
        return {
            skill_id: REQUIRED_AT_NO_LEVEL
            if value == REQUIRED_AT_NO_LEVEL
            else self.levels.get(value)
            for skill_id, value in chosen.items()
        }


class FrameworkImportForm(GovukForm):
    submit_label = "Import framework"

    file = forms.FileField(
        label="Upload a framework JSON file",
        help_text="A file exported from this service, or written in the same shape.",
        error_messages={"required": "Choose a JSON file to import"},
    )

    def clean_file(self) -> dict:
        text = read_uploaded_text(self.cleaned_data["file"], "json", "JSON")
        try:
            data = read_json(text)
        except JsonUnreadable as error:
            raise forms.ValidationError(f"The selected file cannot be used: {error}") from error
        if not isinstance(data, dict):
            raise forms.ValidationError("The selected file must hold one framework object")
        return data


class SkillsImportForm(GovukForm):
    submit_label = "Import skills"

    file = forms.FileField(
        label="Upload a skills CSV file",
        error_messages={"required": "Choose a CSV file to import"},
    )
    area = forms.ModelChoiceField(
        label="Capability area for the new skills",
        queryset=CapabilityArea.objects.none(),
        empty_label=None,
        error_messages={"required": "Choose a capability area for the new skills"},
    )
    tier = forms.ModelChoiceField(
        label="Tier at which the new skills are introduced",
        queryset=Tier.objects.none(),
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the tier at which the new skills are introduced"},
    )

    def __init__(self, *args: Any, framework: Framework, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = framework.areas.order_by("order", "name")
        self.fields["tier"].queryset = framework.tiers.order_by("number")
        columns = ["skill name", "description"] + [
            level.name for level in framework.levels.filter(number__gt=0).order_by("number")
        ]
        self.fields["file"].help_text = (
            "Columns: " + ", ".join(f'"{column}"' for column in columns) + ". "
            "The first row must name them."
        )

    def clean_file(self) -> str:
        return read_uploaded_text(self.cleaned_data["file"], "csv", "CSV")


class NewDraftImportForm(GovukForm):
    """An import into a new draft, with the draft's version name (optional, not already used)."""

    submit_label = "Import into a new draft"

    version = forms.CharField(
        label="Version",
        max_length=50,
        required=False,
        help_text='For example "2026 autumn". Leave it empty to name the draft after today.',
        error_messages={"max_length": "The version must be 50 characters or fewer"},
    )

    def clean_version(self) -> str:
        return new_version_name(self.cleaned_data["version"])


class DdatImportForm(NewDraftImportForm):
    """The official download's two CSV files, read as text (the service checks their content)."""

    field_order = ["roles_file", "skills_file", "version", "from_published"]

    roles_file = forms.FileField(
        label="Roles file",
        help_text='The CSV whose first row starts "Role Family, Role, Role Description".',
        error_messages={"required": "Choose the roles CSV file"},
    )
    skills_file = forms.FileField(
        label="Skills file",
        help_text='The CSV whose first row starts "Skill Name, Skill Description, Awareness".',
        error_messages={"required": "Choose the skills CSV file"},
    )
    from_published = forms.BooleanField(
        label="Start from the published version (a quarterly refresh)",
        required=False,
        help_text="Otherwise the draft starts from the starter framework's levels, tiers and "
        "skills for all staff.",
    )

    def _text(self, field: str) -> str:
        upload = self.cleaned_data[field]
        if upload.size > MAX_DDAT_BYTES:
            raise forms.ValidationError("The selected file must be smaller than 20MB")
        return read_uploaded_text(upload, "csv", "CSV", max_bytes=MAX_DDAT_BYTES)

    def clean_roles_file(self) -> str:
        return self._text("roles_file")

    def clean_skills_file(self) -> str:
        return self._text("skills_file")


class SkillLinkForm(GovukForm):
    submit_label = "Link the skills"

    earlier = forms.ModelChoiceField(
        label="Which removed skill is it?",
        queryset=Skill.objects.none(),
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose the removed skill that this skill replaces",
            "invalid_choice": "Choose one of the removed skills",
        },
    )

    def __init__(self, *args: Any, removed: list[Skill], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["earlier"].queryset = Skill.objects.filter(
            pk__in=[skill.pk for skill in removed]
        ).order_by("name")


class SfiaImportForm(NewDraftImportForm):
    field_order = ["file", "version", "role_only"]

    file = forms.FileField(
        label="Upload your SFIA spreadsheet",
        help_text="Your organisation's licensed copy, as an Excel .xlsx file smaller than 20MB.",
        error_messages={"required": "Choose the SFIA .xlsx file"},
    )
    role_only = forms.BooleanField(
        label="Assess these skills only where a role profile requires them",
        required=False,
        help_text="Otherwise everyone is assessed on every skill in the file.",
    )

    def clean_file(self) -> bytes:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError("The selected file must be an Excel .xlsx file")
        if upload.size > SFIA_MAX_BYTES:
            raise forms.ValidationError("The selected file must be smaller than 20MB")
        return upload.read()

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils import timezone

from capability.models import CapabilityArea, Framework, Skill, Tier
from capability.selectors import published_framework
from common.dates import date_field
from common.forms import GovukForm, GovukFormMixin
from okrs.models import CheckIn, KeyResult, Objective
from okrs.services import key_result_prepare
from people.models import User


class ObjectiveForm(GovukFormMixin, forms.ModelForm):
    submit_label = "Save objective"

    class Meta:
        model = Objective
        fields = ["period", "title", "description", "owner", "order"]
        labels = {"order": "Position in the list", "description": "Description (optional)"}
        help_texts = {"order": "Objectives are listed from the lowest number."}
        error_messages = {
            "period": {"required": 'Enter the period, for example "2026-27" or "2026 Q4"'},
            "title": {"required": "Enter the objective"},
            "owner": {"required": "Choose who owns the objective"},
            "order": {"required": "Enter the position in the list, for example 1"},
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = User.objects.filter(is_active=True).order_by("full_name")
        self.fields["order"].initial = self.fields["order"].initial or 0


COMPUTED_ONLY_FIELDS = ("measure", "skill", "area", "tier", "directorate", "team")
COMPUTED_REFUSED = "Only a head of digital can add a key result computed from assessments"


class KeyResultForm(GovukFormMixin, forms.ModelForm):
    """Skill, area and tier come from the framework version the key result is measured against:
    the published version for a new one."""

    submit_label = "Save key result"

    class Meta:
        model = KeyResult
        fields = [
            "title",
            "kind",
            "unit",
            "baseline",
            "target",
            "measure",
            "skill",
            "area",
            "tier",
            "directorate",
            "team",
            "order",
        ]
        widgets = {"kind": forms.RadioSelect, "measure": forms.RadioSelect}
        labels = {
            "title": "Key result",
            "kind": "How is it measured?",
            "unit": "Unit (optional)",
            "measure": "Measure (computed key results only)",
            "skill": "Skill (optional)",
            "area": "Capability area (optional)",
            "tier": "Tier (optional)",
            "directorate": "Directorate (optional)",
            "team": "Team (optional)",
            "order": "Position in the list",
        }
        help_texts = {
            "baseline": "The value when the objective was set.",
            "target": "The value to reach. It can be lower than the baseline, such as a gap "
            "that should shrink.",
            "skill": "Choose a skill or an area, not both. Leave both empty for all skills.",
            "tier": "Only people in this tier. Leave empty for everyone.",
            "team": "Choose a directorate or a team, not both.",
        }
        error_messages = {
            "title": {"required": "Enter the key result"},
            "kind": {"required": "Choose how the key result is measured"},
            "baseline": {
                "required": "Enter the baseline",
                "invalid": "Enter the baseline as a number, like 40 or 1.4",
            },
            "target": {
                "required": "Enter the target",
                "invalid": "Enter the target as a number, like 90 or 0.6",
            },
            "order": {"required": "Enter the position in the list, for example 1"},
        }

    def __init__(self, *args: Any, may_compute: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.framework = self._framework()
        # Only heads of digital make computed key results: each is a figure about a group that
        # everyone can read, so who may choose the group is kept to those who see them all.
        self.may_compute = may_compute
        if may_compute:
            self._set_up_computed_fields()
        else:
            self._offer_manual_only()
        self.fields["order"].initial = self.fields["order"].initial or 0

    def _offer_manual_only(self) -> None:
        kind = self.fields["kind"]
        kind.choices = [choice for choice in kind.choices if choice[0] != KeyResult.Kind.COMPUTED]
        kind.help_text = "Only a head of digital can add a key result computed from assessments."
        kind.error_messages["invalid_choice"] = COMPUTED_REFUSED
        for name in COMPUTED_ONLY_FIELDS:  # a manual key result has none of these
            del self.fields[name]

    def _set_up_computed_fields(self) -> None:
        version = self.framework.version if self.framework else "none published"
        choices = {"skill": Skill, "area": CapabilityArea, "tier": Tier}
        for name, model in choices.items():
            field = self.fields[name]
            field.queryset = model.objects.filter(framework=self.framework)
            field.error_messages["invalid_choice"] = (
                f"Choose a {name} from the framework version this key result is measured "
                f"against ({version})"
            )
        self.fields["skill"].queryset = self.fields["skill"].queryset.select_related("area")
        self.fields["skill"].label_from_instance = lambda skill: f"{skill.area}: {skill.name}"
        self.fields["team"].queryset = self.fields["team"].queryset.select_related("directorate")
        self.fields["measure"].choices = [
            ("", "None: this is a manual key result"),
            *KeyResult.Measure.choices,
        ]
        empty = {
            "skill": "All skills",
            "area": "All areas",
            "tier": "Every tier",
            "directorate": "Every directorate",
            "team": "Every team",
        }
        for name, label in empty.items():
            self.fields[name].empty_label = label

    def _framework(self) -> Framework | None:
        if self.instance.framework_id:
            return self.instance.framework
        return published_framework()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        # The model checks that skill, area and tier belong to this framework version.
        self.instance.kind = cleaned.get("kind") or KeyResult.Kind.MANUAL
        key_result_prepare(key_result=self.instance)
        return cleaned


class CheckInForm(GovukForm):
    submit_label = "Save check-in"

    date = date_field(
        "Date of the check-in",
        "Enter the date of the check-in",
        help_text="For example, 30 9 2026",
    )
    value = forms.DecimalField(
        label="Value now",
        max_digits=12,
        decimal_places=2,
        error_messages={
            "required": "Enter the value now",
            "invalid": "Enter the value as a number, like 57 or 1.4",
        },
    )
    confidence = forms.ChoiceField(
        label="How confident are you of reaching the target?",
        choices=CheckIn.Confidence.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how confident you are of reaching the target"},
    )
    note = forms.CharField(
        label="What has changed? (optional)", widget=forms.Textarea, required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate()

    def clean_date(self) -> date:
        value = self.cleaned_data["date"]
        # The organisation's date (settings.TIME_ZONE), not the server's: they differ at night.
        if value > timezone.localdate():
            raise forms.ValidationError("The date of the check-in must be today or in the past")
        return value

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q

from capability.models import CapabilityArea, Skill
from capability.selectors import published_framework
from common.dates import date_field
from common.forms import GovukFormMixin
from okrs.models import KeyResult
from people.models import User
from roadmap.models import Initiative, Milestone


class InitiativeForm(GovukFormMixin, forms.ModelForm):
    submit_label = "Save initiative"

    start_on = date_field(
        "Start date (optional)",
        "Enter the start date",
        required=False,
        help_text="For example, 1 4 2026",
    )
    end_on = date_field(
        "End date (optional)",
        "Enter the end date",
        required=False,
        help_text="For example, 31 3 2027",
    )

    class Meta:
        model = Initiative
        fields = [
            "title",
            "summary",
            "owner",
            "status",
            "horizon",
            "start_on",
            "end_on",
            "key_results",
            "skills",
            "areas",
        ]
        widgets = {
            "status": forms.RadioSelect,
            "horizon": forms.RadioSelect,
            "key_results": forms.CheckboxSelectMultiple,
            "skills": forms.CheckboxSelectMultiple,
            "areas": forms.CheckboxSelectMultiple,
        }
        labels = {
            "title": "Initiative",
            "summary": "Summary (optional)",
            "horizon": "When on the roadmap?",
            "key_results": "Key results it moves (optional)",
            "skills": "Skills it builds (optional)",
            "areas": "Capability areas it builds (optional)",
        }
        help_texts = {
            "areas": "Linking an area counts for every skill in it when the roadmap looks for "
            "gaps that nothing addresses.",
        }
        error_messages = {
            "title": {"required": "Enter the name of the initiative"},
            "owner": {"required": "Choose who owns the initiative"},
            "status": {"required": "Choose the status of the initiative"},
            "horizon": {"required": "Choose now, next or later"},
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = User.objects.filter(is_active=True).order_by("full_name")
        framework = published_framework()
        linked_skills = Q(pk__in=self.instance.skills.all()) if self.instance.pk else Q(pk=None)
        linked_areas = Q(pk__in=self.instance.areas.all()) if self.instance.pk else Q(pk=None)
        self.fields["skills"].queryset = (
            Skill.objects.filter(Q(framework=framework) | linked_skills)
            .select_related("area")
            .order_by("area__order", "area__name", "order", "name")
        )
        self.fields["skills"].label_from_instance = lambda skill: f"{skill.area}: {skill.name}"
        self.fields["areas"].queryset = CapabilityArea.objects.filter(
            Q(framework=framework) | linked_areas
        )
        self.fields["key_results"].queryset = KeyResult.objects.select_related(
            "objective"
        ).order_by("-objective__period", "objective__order", "order")
        self.fields["key_results"].label_from_instance = lambda kr: (
            f"{kr.objective.period}: {kr.title}"
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        start, end = cleaned.get("start_on"), cleaned.get("end_on")
        if start and end and end < start:
            self.add_error("end_on", "The end date must be the same as or after the start date")
        return cleaned


class MilestoneForm(GovukFormMixin, forms.ModelForm):
    submit_label = "Save milestone"

    due_on = date_field("Due date", "Enter the due date", help_text="For example, 30 9 2026")

    class Meta:
        model = Milestone
        fields = ["title", "due_on", "done"]
        labels = {"title": "Milestone", "done": "This milestone is done"}
        error_messages = {"title": {"required": "Enter the milestone"}}

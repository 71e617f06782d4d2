"""Forms: cycles (head of digital), one capability area of a self-assessment, a review."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django import forms

from assessments.models import Cycle, Rating
from assessments.selectors import NO_DESCRIPTOR, descriptor_text
from assessments.services import Answer, Decision, Response
from capability.models import Framework, Level, Skill
from capability.selectors import offered_levels
from common.dates import GovukDateField, date_field
from common.forms import GovukForm
from common.text import no_control_characters

EVIDENCE_MAX = 5000
SKILL_FIELD = re.compile(r"^(?:level|evidence|agreed|comment|shown_level|shown_evidence)_(\d+)$")


def _date_field(label: str, missing: str) -> GovukDateField:
    return date_field(label, missing, help_text="For example, 1 10 2026")


class CycleForm(GovukForm):
    submit_label = "Create cycle"

    name = forms.CharField(
        label="Name",
        help_text='For example "2026 Q4"',
        max_length=100,
        validators=[no_control_characters],
        error_messages={
            "required": "Enter a name for the cycle",
            "max_length": "Name must be 100 characters or fewer",
        },
    )
    opens_on = _date_field("Opening date", "Enter the opening date")
    closes_on = _date_field("Closing date", "Enter the closing date")
    framework = forms.ModelChoiceField(
        label="Framework version",
        queryset=Framework.objects.none(),
        empty_label=None,
        error_messages={
            "required": "Choose the framework version",
            "invalid_choice": "Choose one of the published framework versions",
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A draft can still change, so a cycle always runs against a published version.
        published = Framework.objects.exclude(status=Framework.Status.DRAFT).order_by(
            "status", "-published_at"
        )
        self.fields["framework"].queryset = published
        self.fields["framework"].initial = published.filter(
            status=Framework.Status.PUBLISHED
        ).first()
        self.fields["framework"].label_from_instance = lambda framework: str(framework)

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if Cycle.objects.filter(name__iexact=name).exists():
            raise forms.ValidationError(f"There is already a cycle called {name}")
        return name

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        opens_on, closes_on = data.get("opens_on"), data.get("closes_on")
        if opens_on and closes_on and closes_on <= opens_on:
            self.add_error("closes_on", "The closing date must be after the opening date")
        return data


@dataclass
class LevelChoice:
    level: Level
    hint: str
    missing: bool


@dataclass
class SkillQuestion:
    skill: Skill
    level_field: forms.BoundField
    evidence_field: forms.BoundField
    shown_level_field: forms.BoundField
    shown_evidence_field: forms.BoundField
    choices: list[LevelChoice]
    previous: Level | None


class EvidenceField(forms.CharField):
    """Free text whose line breaks are counted and kept as one character each.

    Browsers send a textarea's line breaks as CR LF but a hidden field's as they were written, so
    both are made LF before the length is checked and before they are compared."""

    def to_python(self, value: Any) -> str:
        text = super().to_python(value)
        return text.replace("\r\n", "\n").replace("\r", "\n")


def _level_choice(skill: Skill, level: Level) -> LevelChoice:
    text = descriptor_text(skill, level)
    if text != NO_DESCRIPTOR:
        return LevelChoice(level=level, hint=text, missing=False)
    # Say plainly that the descriptor is missing, after the level's general meaning if any.
    general = f"{level.description} " if level.description else ""
    return LevelChoice(
        level=level,
        hint=f"{general}No description has been written for {skill.name} at this level yet.",
        missing=True,
    )


class AreaForm(GovukForm):
    """One capability area: a level (radios) and optional evidence per skill.

    The page posts the assessment revision it was rendered from and, per skill, what it showed
    then (hidden `shown_level_<id>` and `shown_evidence_<id>`, empty for no answer). The service
    applies only the skills this page changed from what it showed, so two tabs that change
    different skills both keep their changes, and it refuses a change to a skill another tab
    changed since that revision. A post without the shown fields counts every answer as a change.
    """

    submit_label = ""  # the page has its own two buttons
    revision = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(
        self,
        *args: Any,
        skills: list[Skill],
        levels: list[Level],
        previous: dict[str, Level] | None = None,
        require_all: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.skills = skills
        self.levels = {level.pk: level for level in levels}
        self.previous = previous or {}
        self.require_all = require_all
        for skill in skills:
            choices = [
                (level.pk, f"{level.number} {level.name}")
                for level in offered_levels(skill, levels)
            ]
            self.fields[f"level_{skill.pk}"] = forms.TypedChoiceField(
                label=skill.name,
                choices=choices,
                coerce=int,
                required=False,
                widget=forms.RadioSelect,
                error_messages={
                    "invalid_choice": f"Choose one of the levels shown for {skill.name}",
                },
            )
            self.fields[f"evidence_{skill.pk}"] = EvidenceField(
                label=f"Evidence for {skill.name} (optional)",
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
                max_length=EVIDENCE_MAX,
                error_messages={
                    "max_length": f"Evidence for {skill.name} must be {EVIDENCE_MAX} characters "
                    "or fewer",
                },
            )
            # What the page showed: checked in clean(), whose error reaches the error summary.
            self.fields[f"shown_level_{skill.pk}"] = forms.CharField(
                widget=forms.HiddenInput, required=False
            )
            self.fields[f"shown_evidence_{skill.pk}"] = EvidenceField(
                widget=forms.HiddenInput, required=False
            )

    def questions(self) -> list[SkillQuestion]:
        levels = list(self.levels.values())
        return [
            SkillQuestion(
                skill=skill,
                level_field=self[f"level_{skill.pk}"],
                evidence_field=self[f"evidence_{skill.pk}"],
                shown_level_field=self[f"shown_level_{skill.pk}"],
                shown_evidence_field=self[f"shown_evidence_{skill.pk}"],
                choices=[_level_choice(skill, level) for level in offered_levels(skill, levels)],
                previous=self.previous.get(skill.slug),
            )
            for skill in self.skills
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        # A hidden field's error would not reach the error summary, so it is the form's error.
        revision = (data.get("revision") or "").strip()
        if not revision.isdigit():
            raise forms.ValidationError(
                "This page could not be saved because part of it was changed. Your answers are "
                "shown below: check them and save again"
            )
        data["revision"] = int(revision)
        expected = {str(skill.pk) for skill in self.skills}
        for key in self.data:
            match = SKILL_FIELD.match(key)
            if match and match.group(1) not in expected:
                raise forms.ValidationError(
                    "This page sent an answer for a skill you are not assessed on in this area. "
                    "Nothing was saved: check your answers and save again"
                )
        for skill in self.skills:
            shown_level = (data.get(f"shown_level_{skill.pk}") or "").strip()
            shown_evidence = data.get(f"shown_evidence_{skill.pk}") or ""
            if len(shown_evidence) > EVIDENCE_MAX or (
                shown_level and not (shown_level.isdigit() and int(shown_level) in self.levels)
            ):
                raise forms.ValidationError(
                    "This page could not be saved because part of it was changed. Your answers "
                    "are shown below: check them and save again"
                )
        for skill in self.skills:
            level_key, evidence_key = f"level_{skill.pk}", f"evidence_{skill.pk}"
            if level_key in self.errors:
                continue
            if data.get(level_key) in (None, ""):
                if self.require_all:
                    self.add_error(level_key, f"Choose a level for {skill.name}")
                elif data.get(evidence_key):
                    self.add_error(
                        level_key,
                        f"Choose a level for {skill.name}, or delete the evidence you gave",
                    )
        return data

    def answers(self) -> dict[int, Answer]:
        answers = {}
        for skill in self.skills:
            level_id = self.cleaned_data.get(f"level_{skill.pk}")
            if level_id in (None, ""):
                continue
            answers[skill.pk] = Answer(
                level=self.levels[level_id],
                evidence=self.cleaned_data.get(f"evidence_{skill.pk}", "").strip(),
            )
        return answers

    def shown(self) -> dict[int, Answer | None] | None:
        """What the page showed for each skill when it was rendered, or None if it did not say
        (a page from before the shown fields, or a post made by hand)."""
        if not any(f"shown_level_{skill.pk}" in self.data for skill in self.skills):
            return None
        shown: dict[int, Answer | None] = {}
        for skill in self.skills:
            if f"shown_level_{skill.pk}" not in self.data:
                continue
            level_id = self.cleaned_data.get(f"shown_level_{skill.pk}", "").strip()
            shown[skill.pk] = (
                Answer(
                    level=self.levels[int(level_id)],
                    evidence=self.cleaned_data.get(f"shown_evidence_{skill.pk}", "").strip(),
                )
                if level_id
                else None
            )
        return shown


@dataclass
class ReviewQuestion:
    rating: Rating
    agreed_field: forms.BoundField
    comment_field: forms.BoundField


class ReviewForm(GovukForm):
    """Per skill: agree with the person's level or propose another, with a comment.

    The page posts the review revision it was rendered from, so a review saved by someone else
    since is not silently overwritten (services.assessment_review).
    """

    submit_label = ""
    review_revision = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, ratings: list[Rating], levels: list[Level], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.ratings = ratings
        self.levels = {level.pk: level for level in levels}
        for rating in ratings:
            name = rating.skill.name
            choices = [
                (
                    level.pk,
                    f"{level.number} {level.name}"
                    + (" (their own level)" if level.pk == rating.level_id else ""),
                )
                for level in levels
            ]
            self.fields[f"agreed_{rating.skill_id}"] = forms.TypedChoiceField(
                label=f"Level for {name}",
                choices=choices,
                coerce=int,
                widget=forms.RadioSelect,
                initial=rating.manager_level_id or rating.level_id,
                error_messages={
                    "required": f"Choose a level for {name}",
                    "invalid_choice": f"Choose one of the levels shown for {name}",
                },
            )
            self.fields[f"comment_{rating.skill_id}"] = forms.CharField(
                label=f"Comment on {name}",
                help_text="Required if you propose a different level",
                required=False,
                initial=rating.manager_comment,
                widget=forms.Textarea(attrs={"rows": 2}),
                max_length=EVIDENCE_MAX,
                error_messages={
                    "max_length": f"Comment on {name} must be {EVIDENCE_MAX} characters or fewer"
                },
            )

    def questions(self) -> list[ReviewQuestion]:
        return [
            ReviewQuestion(
                rating=rating,
                agreed_field=self[f"agreed_{rating.skill_id}"],
                comment_field=self[f"comment_{rating.skill_id}"],
            )
            for rating in self.ratings
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        # A page without the field was rendered before any review (revision 0). A hidden
        # field's error would not reach the error summary, so it is the form's error.
        revision = (data.get("review_revision") or "0").strip()
        if not (revision.isascii() and revision.isdigit() and len(revision) <= 18):
            raise forms.ValidationError(
                "This page could not be saved because part of it was changed. Check the levels "
                "and save your review again"
            )
        data["review_revision"] = int(revision)
        for rating in self.ratings:
            agreed = data.get(f"agreed_{rating.skill_id}")
            comment = (data.get(f"comment_{rating.skill_id}") or "").strip()
            if agreed not in (None, "") and agreed != rating.level_id and not comment:
                self.add_error(
                    f"comment_{rating.skill_id}",
                    f"Add a comment for {rating.skill.name} to explain the level you propose",
                )
        return data

    def decisions(self) -> dict[int, Decision]:
        return {
            rating.skill_id: Decision(
                agreed_level=self.levels[self.cleaned_data[f"agreed_{rating.skill_id}"]],
                comment=self.cleaned_data[f"comment_{rating.skill_id}"].strip(),
            )
            for rating in self.ratings
        }


@dataclass
class ResponseQuestion:
    rating: Rating
    answer_field: forms.BoundField
    reply_field: forms.BoundField


class ResponseForm(GovukForm):
    """Per level the reviewer proposed: accept it, or reply (a reply needs words)."""

    submit_label = ""
    ACCEPT, REPLY = "accept", "reply"

    def __init__(self, *args: Any, ratings: list[Rating], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.ratings = ratings
        for rating in ratings:
            name, proposed = rating.skill.name, rating.proposed_level
            self.fields[f"answer_{rating.skill_id}"] = forms.ChoiceField(
                label=f"Your answer about {name}",
                choices=[
                    (self.ACCEPT, f"Accept {proposed.number} {proposed.name}"),
                    (self.REPLY, "Reply to your reviewer"),
                ],
                widget=forms.RadioSelect,
                error_messages={
                    "required": f"Choose whether you accept the level proposed for {name}",
                    "invalid_choice": f"Choose one of the answers shown for {name}",
                },
            )
            self.fields[f"reply_{rating.skill_id}"] = forms.CharField(
                label=f"Your reply about {name}",
                help_text="Required if you reply. Say why, and what level you think is right",
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
                max_length=EVIDENCE_MAX,
                error_messages={
                    "max_length": f"Your reply about {name} must be {EVIDENCE_MAX} characters "
                    "or fewer"
                },
            )

    def questions(self) -> list[ResponseQuestion]:
        return [
            ResponseQuestion(
                rating=rating,
                answer_field=self[f"answer_{rating.skill_id}"],
                reply_field=self[f"reply_{rating.skill_id}"],
            )
            for rating in self.ratings
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for rating in self.ratings:
            answer = data.get(f"answer_{rating.skill_id}")
            reply = (data.get(f"reply_{rating.skill_id}") or "").strip()
            if answer == self.REPLY and not reply:
                self.add_error(
                    f"reply_{rating.skill_id}", f"Write your reply about {rating.skill.name}"
                )
        return data

    def responses(self) -> dict[int, Response]:
        return {
            rating.skill_id: Response(
                accept=self.cleaned_data[f"answer_{rating.skill_id}"] == self.ACCEPT,
                reply=self.cleaned_data[f"reply_{rating.skill_id}"].strip(),
            )
            for rating in self.ratings
        }


class CycleReopenForm(GovukForm):
    submit_label = "Reopen the cycle"

    closes_on = _date_field("New closing date", "Enter the new closing date")

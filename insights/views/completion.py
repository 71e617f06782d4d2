"""A cycle's completion by directorate and team, for the head of digital."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from assessments.models import Cycle
from common import roles
from insights import gaps


@roles.head_of_digital_required
@gaps.one_reading()
def cycle_completion(request: HttpRequest, cycle_id: int) -> HttpResponse:
    cycle = get_object_or_404(
        Cycle.objects.exclude(state=Cycle.State.DRAFT).select_related("framework"), pk=cycle_id
    )
    directorates, teams = gaps.completion_by_group(cycle=cycle)
    return render(
        request,
        "insights/completion.html",
        {"cycle": cycle, "directorates": directorates, "teams": teams},
    )

"""Pages that belong to the service rather than to one app: home, health, statements."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from common import roles


def _links(*pairs: tuple[str, str]) -> list[dict[str, str]]:
    return [{"label": label, "url": reverse(name)} for label, name in pairs]


def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    sections = [
        {
            "title": "Your capability",
            "links": _links(
                ("Your self-assessment", "assessments:mine"),
                ("Your results and gaps", "assessments:results"),
                ("What is expected of you", "capability:expected"),
                ("The capability framework", "capability:framework"),
                ("OKRs", "okrs:list"),
                ("Roadmap", "roadmap:list"),
            ),
        }
    ]
    if roles.is_line_manager(user):
        sections.append(
            {
                "title": "Your team",
                "links": _links(
                    ("Review your direct reports", "assessments:team"),
                    ("Your team's gaps", "insights:team_dashboard"),
                ),
            }
        )
    if roles.can_see_organisation(user):
        links = _links(
            ("Capability gaps dashboard", "insights:organisation_dashboard"),
            ("Quarterly reports", "reports:list"),
            ("Gaps no initiative addresses", "roadmap:unaddressed"),
        )
        if roles.is_head_of_digital(user):
            links += _links(("Manage the service", "manage"))
        sections.append({"title": "The organisation", "links": links})
    return render(
        request,
        "pages/home.html",
        {"profile": roles.staff_profile(user), "sections": sections},
    )


@login_not_required
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/accessibility.html")


@login_not_required
def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/privacy.html")


@login_not_required
def answers_protected(request: HttpRequest) -> HttpResponse:
    """How your answers are protected: the privacy rules of the gap engine in plain English."""
    return render(request, "pages/answers_protected.html")


@require_GET
@never_cache
def keep_alive(request: HttpRequest) -> HttpResponse:
    """Touching the session resets the idle timer (SESSION_SAVE_EVERY_REQUEST)."""
    return HttpResponse(status=204)


def _check_database() -> str | None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # noqa: BLE001 - any failure means the database is unwell
        return f"database: {error.__class__.__name__}"
    return None


def _check_redis() -> str | None:
    if not settings.REDIS_URL:
        return None
    import redis

    try:
        client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2)
        client.ping()
    except Exception as error:  # noqa: BLE001
        return f"redis: {error.__class__.__name__}"
    return None


@login_not_required
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    failures = [failure for failure in (_check_database(), _check_redis()) if failure]
    if failures:
        return JsonResponse({"status": "unavailable", "failing": failures}, status=503)
    checked = ["database"] + (["redis"] if settings.REDIS_URL else [])
    return JsonResponse({"status": "ok", "checked": checked})


@roles.head_of_digital_required
def manage(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/manage.html")


def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)


def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def error_500(request: HttpRequest) -> HttpResponse:
    return render(request, "500.html", status=500)

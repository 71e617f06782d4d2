from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

from common import roles


def _navigation(request: HttpRequest) -> list[dict[str, str]]:
    """Items in the service navigation: only what the signed-in person's roles may use."""
    user = request.user
    if not user.is_authenticated:
        return []
    items = [
        ("Home", "home"),
        ("Framework", "capability:framework"),
        ("My assessment", "assessments:mine"),
        ("My results", "assessments:results"),
    ]
    if roles.is_line_manager(user):
        items.append(("My team", "assessments:team"))
    if roles.can_see_organisation(user):
        items.append(("Dashboard", "insights:organisation_dashboard"))
    items.append(("OKRs", "okrs:list"))
    items.append(("Roadmap", "roadmap:list"))
    if roles.can_see_organisation(user):
        items.append(("Reports", "reports:list"))
    if roles.is_head_of_digital(user):
        items.append(("Manage", "manage"))
    navigation = []
    for label, name in items:
        url = reverse(name)
        current = request.path == url or (url != "/" and request.path.startswith(url))
        navigation.append({"label": label, "url": url, "current": current})
    return navigation


def service(request: HttpRequest) -> dict[str, Any]:
    return {
        "organisation_name": settings.ORGANISATION_NAME,
        "service_name": settings.SERVICE_NAME,
        "navigation": _navigation(request),
        "session_idle_minutes": settings.SESSION_IDLE_MINUTES,
        "small_group_threshold": settings.SMALL_GROUP_THRESHOLD,
        "support_email": settings.SUPPORT_EMAIL,
    }

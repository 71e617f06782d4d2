"""Middleware shared by every app."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control


class PrivatePagesMiddleware:
    """Everything sent to a signed-in person is theirs alone: no shared or browser cache keeps it.

    Pages and downloads show someone's answers, their team's or the organisation's gaps, so a
    proxy must not serve them to someone else and the browser must not keep them on disk after
    sign-out. A view that set its own Cache-Control is left alone, and request.user is not even
    looked at then (an error page for a database outage sets its own, so nothing here reaches for
    the database). Static files never get here: WhiteNoise answers them first."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if response.has_header("Cache-Control"):
            return response
        if user is not None and user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        return response

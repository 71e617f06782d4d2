"""Who may do what. Every view asks these helpers rather than checking groups itself.

Below every app (the framework's pages need them too): the staff profile is reached as
`user.profile`, so nothing here imports the people app."""

from __future__ import annotations

from functools import wraps
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied

# The groups that give these roles (made by a migration of the people app).
HEAD_OF_DIGITAL = "Head of digital"
LEADERSHIP = "Leadership"

if TYPE_CHECKING:
    from collections.abc import Callable

    from django.http import HttpRequest, HttpResponse

    from people.models import StaffProfile, User


def _group_names(user: User) -> frozenset[str]:
    # Cached on the user object: navigation and views ask several times per request.
    if not hasattr(user, "_group_names_cache"):
        names = user.groups.values_list("name", flat=True) if user.is_authenticated else []
        user._group_names_cache = frozenset(names)
    return user._group_names_cache


def is_head_of_digital(user: User) -> bool:
    return user.is_authenticated and (user.is_superuser or HEAD_OF_DIGITAL in _group_names(user))


def is_leadership(user: User) -> bool:
    return user.is_authenticated and LEADERSHIP in _group_names(user)


def can_see_organisation(user: User) -> bool:
    """Heads of digital and leadership see organisation-wide figures and reports."""
    return is_head_of_digital(user) or is_leadership(user)


def staff_profile(user: User) -> StaffProfile | None:
    if not user.is_authenticated:
        return None
    try:
        return user.profile
    except user._meta.model.profile.RelatedObjectDoesNotExist:
        return None


def is_line_manager(user: User) -> bool:
    if not hasattr(user, "_is_line_manager_cache"):
        profile = staff_profile(user)
        user._is_line_manager_cache = bool(
            profile and profile.active and profile.direct_reports.filter(active=True).exists()
        )
    return user._is_line_manager_cache


def manages(user: User, person: StaffProfile) -> bool:
    """True when `user` is `person`'s active line manager: one who has left sees no more of
    their former reports (heads of digital review those people instead)."""
    profile = staff_profile(user)
    return (
        profile is not None
        and person.line_manager_id == profile.pk
        and person.has_active_line_manager
    )


def role_required(check: Callable[[Any], bool]) -> Callable[..., Any]:
    """Refuse with 403 unless check(request.user) is true."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not check(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


head_of_digital_required = role_required(is_head_of_digital)
organisation_view_required = role_required(can_see_organisation)
line_manager_required = role_required(
    lambda user: is_line_manager(user) or is_head_of_digital(user)
)

"""What the test provider says about a person: like Entra ID, the groups are in the ID token."""

from typing import Any


def userinfo(claims: dict[str, Any], user: Any) -> dict[str, Any]:
    claims["email"] = user.email
    claims["email_verified"] = True
    claims["name"] = user.get_full_name()
    claims["given_name"] = user.first_name
    claims["family_name"] = user.last_name
    claims["preferred_username"] = user.username
    return claims


def id_token_with_groups(id_token: dict[str, Any], user: Any, **kwargs: Any) -> dict[str, Any]:
    id_token["groups"] = sorted(user.groups.values_list("name", flat=True))
    id_token["preferred_username"] = user.username
    return id_token

"""Make the test provider's database: tables, a signing key, one client and some people.

Reads JSON on stdin: {"client": {"id", "secret", "redirect_uris"},
"people": [{"username", "email", "password", "first_name", "last_name", "groups"}]}."""

import json
import os
import sys

if __name__ == "__main__":
    os.environ["DJANGO_SETTINGS_MODULE"] = "provider_settings"
    import django

    django.setup()

    from django.contrib.auth.models import Group, User
    from django.core.management import call_command
    from oidc_provider.models import Client, ResponseType

    setup = json.load(sys.stdin)
    call_command("migrate", verbosity=0, interactive=False)
    with open(os.devnull, "w") as quiet:
        call_command("creatersakey", stdout=quiet)
    client = Client.objects.create(
        name="Digital capability self-assessment",
        client_type="confidential",
        client_id=setup["client"]["id"],
        client_secret=setup["client"]["secret"],
        jwt_alg="RS256",
        require_consent=False,
    )
    client.redirect_uris = setup["client"]["redirect_uris"]
    client.save()
    client.response_types.add(ResponseType.objects.get(value="code"))
    for person in setup["people"]:
        user = User.objects.create_user(
            username=person["username"],
            email=person["email"],
            password=person["password"],
            first_name=person.get("first_name", ""),
            last_name=person.get("last_name", ""),
        )
        for name in person.get("groups", []):
            user.groups.add(Group.objects.get_or_create(name=name)[0])

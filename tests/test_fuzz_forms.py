"""Every form in the service, posted hostile values by a head of digital and by a member of staff:
never a server error, and a form that refuses its input changes no row.

The pages are found from the URL configuration (as tests/test_wrong_person.py does), so a new
form is fuzzed without anyone remembering to add it here."""

from __future__ import annotations

import hashlib
import re

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from people.models import StaffProfile, User
from tests.test_wrong_person import arguments, named_routes_with_ids, someone_elses_ids

HOSTILE_VALUES = [
    "   ",
    "9" * 40,
    "-1",
    "x" * 200_000,
    "line\r\nbreak",
    "nul\x00bell\x07",
    '=HYPERLINK("http://example.org")',
    "１２",
]
HOSTILE_FILES = [
    b"name,email\rA,a@example.org\r",
    b"\xef\xbb\xbf" + b"skill name,description\n" + b"x" * 300_000 + b",d\n",
    b"[" * 100_000 + b"]" * 100_000,
    "name,email\n".encode("utf-16"),
]
FIELD = re.compile(r'<(?:input|select|textarea)[^>]*\bname="([^"]+)"[^>]*>', re.S)
FILE_FIELD = re.compile(
    r'<input[^>]*type="file"[^>]*name="([^"]+)"|<input[^>]*name="([^"]+)"[^>]*type="file"'
)
POST_FORM = re.compile(r'<form[^>]*method="post"[^>]*>(.*?)</form>', re.S | re.I)


# Rows a refused form may still write: the session (kept answers, messages), sign-in attempts.
MAY_CHANGE = {"sessions.session", "axes.accessattempt", "axes.accessfailurelog", "axes.accesslog"}


def database_rows() -> dict[str, str]:
    """A digest of every row of every table the service keeps, by model."""
    digests = {}
    for model in apps.get_models():
        label = model._meta.label_lower
        if label in MAY_CHANGE or model._meta.proxy or not model._meta.managed:
            continue
        digest = hashlib.sha256()
        for row in model._base_manager.order_by("pk").values_list():
            digest.update(repr(row).encode())
        digests[label] = digest.hexdigest()
    return digests


def control_characters_stored() -> list[tuple[str, str, object]]:
    """Text the service stored with a control character in it: none in a one-line field, and
    only line breaks and tabs in a text field."""
    found = []
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if field.get_internal_type() not in ("CharField", "TextField", "EmailField"):
                continue
            allowed = "\r\n\t" if field.get_internal_type() == "TextField" else ""
            for pk, value in model._base_manager.values_list("pk", field.attname):
                if value and any(ord(c) < 32 and c not in allowed for c in value):
                    found.append((model._meta.label_lower, field.name, pk))
    return found


def changed(before: dict[str, str], after: dict[str, str]) -> list[str]:
    return sorted(label for label in before if before[label] != after.get(label))


def all_routes() -> list[str]:
    from django.urls import URLPattern, URLResolver, get_resolver

    found = []

    def walk(resolver, namespace=""):
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace == "admin":
                    continue
                walk(pattern, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern) and pattern.name:
                if "<" in str(pattern.pattern):
                    continue
                found.append(f"{namespace}:{pattern.name}" if namespace else pattern.name)

    walk(get_resolver())
    return [reverse(name) for name in found]


@pytest.mark.django_db
def test_hostile_values_in_every_form_never_give_a_server_error(client):
    call_command("seed_demo", "--allow-without-debug", verbosity=0)
    ids = someone_elses_ids()
    head = User.objects.get(email="head@example.org")
    staff = StaffProfile.objects.get(user__email="staff@example.org").user
    client.raise_request_exception = False
    urls = set(all_routes())
    for name, pattern in named_routes_with_ids():
        if name != "password_reset_confirm":
            urls.add(reverse(name, kwargs=arguments(name, pattern, ids)))
    fuzzed = 0
    fuzzed_urls: set[str] = set()
    accepted: set[str] = set()
    for user in (head, staff):
        client.force_login(user)
        for url in sorted(urls):
            if url.startswith(("/sign-out", "/admin")):
                continue
            page = client.get(url)
            if page.status_code != 200 or "text/html" not in page.get("Content-Type", ""):
                continue
            for form in POST_FORM.findall(page.content.decode()):
                names = sorted(set(FIELD.findall(form)) - {"csrfmiddlewaretoken"})
                files = {a or b for a, b in FILE_FIELD.findall(form)}
                if not names:
                    continue
                for index, value in enumerate(HOSTILE_VALUES):
                    data: dict[str, object] = {name: value for name in names if name not in files}
                    for file_name in files:
                        content = HOSTILE_FILES[index % len(HOSTILE_FILES)]
                        suffix = ".json" if b"[" in content[:1] else ".csv"
                        data[file_name] = SimpleUploadedFile(f"hostile{suffix}", content)
                    before = database_rows()
                    response = client.post(url, data)
                    assert response.status_code < 500, f"{url} {names} {value[:30]!r}"
                    if response.status_code != 302:  # refused: the form is shown again
                        assert not changed(before, database_rows()), (url, value[:30])
                    else:
                        accepted.add(url)
                    fuzzed += 1
                    fuzzed_urls.add(url)
                client.force_login(user)  # a form may sign the person out
    assert fuzzed > 100
    assert accepted, "no form accepted anything: the fuzz did not reach a working form"
    assert not control_characters_stored()
    for expected in (
        "/people/import/",
        "/assessments/cycles/new/",
        "/framework/manage/import/",
        "/okrs/objectives/new/",
        "/okrs/key-results/",
        "/roadmap/initiatives/new/",
        "/roadmap/milestones/",
    ):
        assert any(url.startswith(expected) for url in fuzzed_urls), (expected, fuzzed_urls)

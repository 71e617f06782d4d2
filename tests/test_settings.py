import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "a-long-random-production-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
    "ALLOWED_HOSTS": "capability.example.gov.uk",
}


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {
            "DEBUG",
            "SECRET_KEY",
            "SECURE_SSL_REDIRECT",
            "DJANGO_SETTINGS_MODULE",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        }
    }
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_start_up_stops_without_a_secret_key_when_debug_is_off():
    result = run_manage("check", DEBUG="false")
    assert result.returncode != 0
    assert "Set the SECRET_KEY environment variable" in result.stderr


def test_start_up_rejects_a_threshold_that_is_not_a_number():
    result = run_manage("check", DEBUG="true", SMALL_GROUP_THRESHOLD="five")
    assert result.returncode != 0
    assert "SMALL_GROUP_THRESHOLD must be a whole number" in result.stderr


def test_check_deploy_reports_no_issues_with_production_settings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_debug_development_runs_without_a_secret_key():
    result = run_manage("check", DEBUG="true")
    assert result.returncode == 0, result.stderr


def test_small_group_threshold_defaults_to_five():
    assert settings.SMALL_GROUP_THRESHOLD == int(os.environ.get("SMALL_GROUP_THRESHOLD", "5"))


@pytest.mark.django_db
def test_pages_carry_security_headers(client):
    response = client.get("/sign-in/")
    policy = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in policy
    assert "script-src 'self'" in policy
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_production_cookies_are_secure_and_hsts_is_on():
    result = run_manage(
        "shell",
        "--verbosity",
        "0",
        "-c",
        "from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS > 0)",
        **PRODUCTION,
    )
    assert result.stdout.split() == ["True", "True", "True"], result.stderr


@pytest.mark.django_db
def test_the_statements_give_the_support_email_when_it_is_set(client, settings):
    settings.SUPPORT_EMAIL = "digital@council.example"
    settings.ORGANISATION_NAME = "Example Council"
    for url in ("/accessibility/", "/privacy/"):
        page = client.get(url).content.decode()
        assert 'href="mailto:digital@council.example"' in page, url
    settings.SUPPORT_EMAIL = ""
    page = client.get("/accessibility/").content.decode()
    assert "mailto:" not in page
    assert "contact Example Council's digital team" in page

"""Start the test OpenID Connect provider on loopback, and point the service at it.

The provider is a real one (django-oidc-provider in its own process, with its own database and
RSA key): the service fetches its discovery document, exchanges codes at its token endpoint and
checks ID tokens against its published keys, as it would with Microsoft Entra ID."""

from __future__ import annotations

import importlib
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests
from django.test import override_settings
from django.urls import clear_url_caches

HERE = Path(__file__).resolve().parent
CLIENT_ID = "capability-service"
CLIENT_SECRET = "client-secret-for-tests-only"
PROVIDER_PASSWORD = "provider-password-for-tests"
HEADS_GROUP = "digital-leads"
LEADERS_GROUP = "senior-leadership"
OIDC_BACKEND = "people.oidc.StaffOIDCBackend"


@dataclass(frozen=True)
class ProviderPerson:
    username: str
    email: str
    first_name: str = ""
    last_name: str = ""
    groups: list[str] = field(default_factory=list)


# People with accounts at the provider. Alice and Bob are people the tests' fixtures create (the
# case of Alice's email differs on purpose); Sam is a stranger to the service.
PEOPLE = [
    ProviderPerson("alice", "Alice@Example.org", "Alice", "Adams"),
    ProviderPerson("bob", "bob@example.org", "Bob", "Brown", groups=[HEADS_GROUP]),
    ProviderPerson("mary", "mary@example.org", "Mary", "Manager", groups=[LEADERS_GROUP]),
    ProviderPerson("charlie", "charlie@example.org", "Charlie", "Clark"),
    ProviderPerson("sam", "sam.stranger@example.org", "Sam", "Stranger"),
]


@dataclass(frozen=True)
class Provider:
    url: str

    @property
    def issuer(self) -> str:
        return f"{self.url}/openid"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def running_provider(*, redirect_uris: list[str], workdir: Path) -> Iterator[Provider]:
    """Prepare the provider's database, run it, and stop it afterwards."""
    port = free_port()
    provider = Provider(url=f"http://127.0.0.1:{port}")
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DJANGO_", "OIDC_", "DATABASE_"))
    }
    environment.update(PROVIDER_URL=provider.url, PROVIDER_DATABASE=str(workdir / "provider.db"))
    setup = {
        "client": {"id": CLIENT_ID, "secret": CLIENT_SECRET, "redirect_uris": redirect_uris},
        "people": [{**vars(person), "password": PROVIDER_PASSWORD} for person in PEOPLE],
    }
    subprocess.run(
        [sys.executable, str(HERE / "prepare.py")],
        input=json.dumps(setup),
        text=True,
        cwd=HERE,
        env=environment,
        check=True,
        timeout=120,
    )
    log = (workdir / "provider.log").open("w")
    server = subprocess.Popen(
        [sys.executable, str(HERE / "manage.py"), "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=HERE,
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for_discovery(provider, server, workdir / "provider.log")
        yield provider
    finally:
        server.terminate()
        server.wait(timeout=20)
        log.close()


def wait_for_discovery(provider: Provider, server: subprocess.Popen, log: Path) -> None:
    """Return once the provider's discovery document answers (it starts in a second or two)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"The test provider stopped:\n{log.read_text()}")
        try:
            response = requests.get(
                f"{provider.issuer}/.well-known/openid-configuration", timeout=2
            )
            if response.status_code == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"The test provider did not start:\n{log.read_text()}")


def reload_urls() -> None:
    """URLs depend on settings (single sign-on's exist only when it is on): build them again."""
    import config.urls

    importlib.reload(config.urls)
    clear_url_caches()


@contextmanager
def service_settings(**overrides: Any) -> Iterator[None]:
    """The service with these settings, its URLs rebuilt for them and back afterwards.

    Use this rather than pytest-django's `settings` once it is in force: overrides must be undone
    in the reverse order they were made."""
    from people.oidc import forget_provider_configuration

    forget_provider_configuration()
    try:
        with override_settings(**overrides):
            reload_urls()
            yield
    finally:
        forget_provider_configuration()
        reload_urls()


def single_sign_on_settings(provider: Provider, **overrides: Any) -> dict[str, Any]:
    """Settings that point the service at the test provider, as the environment would."""
    from django.conf import settings

    return {
        "OIDC_ENABLED": True,
        "OIDC_ISSUER": provider.issuer,
        "OIDC_RP_CLIENT_ID": CLIENT_ID,
        "OIDC_RP_CLIENT_SECRET": CLIENT_SECRET,
        "OIDC_PROVIDER_NAME": "your Example Council account",
        "AUTHENTICATION_BACKENDS": [
            *(path for path in settings.AUTHENTICATION_BACKENDS if path != OIDC_BACKEND),
            OIDC_BACKEND,
        ],
        **overrides,
    }

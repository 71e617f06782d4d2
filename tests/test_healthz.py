from unittest import mock

import pytest
from django.db import OperationalError


@pytest.mark.django_db
def test_health_check_answers_200_when_everything_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert "database" in response.json()["checked"]


@pytest.mark.django_db
def test_health_check_needs_no_sign_in(client):
    assert client.get("/healthz").status_code == 200


@pytest.mark.django_db
def test_health_check_names_the_database_when_it_fails(client):
    with mock.patch("config.views.connection.cursor", side_effect=OperationalError("down")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["database: OperationalError"]


@pytest.mark.django_db
def test_health_check_names_redis_when_it_fails(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["redis: ConnectionError"]


@pytest.mark.django_db
def test_health_check_checks_redis_when_configured(client, settings):
    import os

    if not os.environ.get("REDIS_URL"):
        pytest.skip("REDIS_URL is not set: CI sets it")
    settings.REDIS_URL = os.environ["REDIS_URL"]
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["checked"] == ["database", "redis"]

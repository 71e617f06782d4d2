from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_has_the_five_services():
    assert set(compose()["services"]) == {"postgres", "redis", "web", "worker", "beat"}


def test_web_worker_and_beat_share_one_image_and_one_environment():
    services = compose()["services"]
    apps = [services[name] for name in ("web", "worker", "beat")]
    assert len({str(service.get("image")) for service in apps}) == 1
    assert all(service.get("image") for service in apps)
    assert len({str(service.get("environment")) for service in apps}) == 1
    assert len({str(service.get("env_file")) for service in apps}) == 1


def test_web_runs_gunicorn_after_migrating():
    command = " ".join(compose()["services"]["web"]["command"])
    assert "migrate" in command
    assert "collectstatic" not in command or "gunicorn" in command
    assert "gunicorn config.wsgi" in command
    assert command.index("migrate") < command.index("gunicorn")


def test_worker_and_beat_run_celery():
    services = compose()["services"]
    assert services["worker"]["command"][:4] == ["celery", "-A", "config", "worker"]
    assert services["beat"]["command"][:4] == ["celery", "-A", "config", "beat"]


def test_the_app_points_at_postgres_and_redis():
    environment = compose()["x-app"]["environment"]
    assert environment["DATABASE_URL"].startswith("postgres://")
    assert environment["REDIS_URL"].startswith("redis://redis:6379")


def test_the_app_waits_for_healthy_postgres_and_redis():
    for name in ("web", "worker", "beat"):
        depends = compose()["services"][name]["depends_on"]
        assert depends["postgres"]["condition"] == "service_healthy"
        assert depends["redis"]["condition"] == "service_healthy"


def test_the_dockerfile_builds_the_image_compose_names():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "pip install" in dockerfile
    assert "collectstatic" in dockerfile
    assert compose()["services"]["web"]["build"]["context"] == "."


def test_the_image_leaves_out_secrets_and_local_databases():
    ignored = (ROOT / ".dockerignore").read_text().split()
    for path in (".env", ".venv", "*.sqlite3", "media/", ".git"):
        assert path in ignored


def test_web_uses_the_gunicorn_settings_sized_for_the_server():
    command = " ".join(compose()["services"]["web"]["command"])
    assert "-c config/gunicorn.conf.py" in command
    assert '"-c", "config/gunicorn.conf.py"' in (ROOT / "Dockerfile").read_text()

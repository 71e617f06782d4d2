"""A real Celery worker as a process of its own, on the test database and a broker of the
test's choosing: what `celery -A config worker` runs in production, with nothing shared with
the test's process but the database and the broker.

A worker in a thread of the test's process (celery.contrib.pytest) shares the app's connection
pools with the test and with every other worker test before it; after a broker restart its
consumer did not always reconnect. A process of its own reconnects as production does."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connection


@contextmanager
def publishing_to(broker_url: str | None = None, **conf) -> Iterator[None]:
    """While inside, this process's tasks are not eager (tests/conftest.py makes them eager)
    and go to this broker, with any other app settings given; afterwards all is as before.

    The app caches its producer pool (in `app.amqp`) on the broker it first used, and
    app.close() does not drop it: both are dropped on the way in and out."""
    from config.celery import app

    changes = {"task_always_eager": False, **conf}
    if broker_url:
        changes["broker_url"] = broker_url
    saved = {name: app.conf[name] for name in changes}

    def forget_connections() -> None:
        app.close()
        app.__dict__.pop("amqp", None)  # a cached_property, built again on next use

    forget_connections()
    app.conf.update(changes)
    try:
        yield
    finally:
        forget_connections()
        app.conf.update(saved)


def database_url() -> str:
    """The URL of the database the test is using (pytest-django's test database)."""
    db = connection.settings_dict
    user = db["USER"] or "postgres"
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    host = db["HOST"] or "127.0.0.1"
    port = db["PORT"] or 5432
    return f"postgres://{user}{password}@{host}:{port}/{db['NAME']}"


class WorkerProcess:
    """Start with start(), stop with stop(); output() is what the worker printed (its log, and
    with the console email backend, every email it sent)."""

    def __init__(
        self, *, broker_url: str, log: Path, queues: list[str] | None = None, **environment: str
    ) -> None:
        self.broker_url = broker_url
        self.log = log
        self.queues = queues
        self.environment = environment
        self.process: subprocess.Popen | None = None

    def start(self, seconds: float = 60) -> None:
        command = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "--without-mingle",
            "--without-gossip",
            "--loglevel=INFO",
            f"--hostname=test-{os.getpid()}-{time.monotonic_ns()}@%h",
        ]
        if self.queues:
            command.append(f"--queues={','.join(self.queues)}")
        env = {
            **os.environ,
            "DATABASE_URL": database_url(),
            "DATABASE_CONN_MAX_AGE": "0",
            "REDIS_URL": self.broker_url,
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
            "PYTHONUNBUFFERED": "1",
            **self.environment,
        }
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(
                command, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=settings.BASE_DIR
            )
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if " ready." in self.output():
                return
            if self.process.poll() is not None:
                break
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"The Celery worker did not start:\n{self.output()}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()  # a warm shutdown: the task in hand finishes
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        self.process = None

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

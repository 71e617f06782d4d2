"""100 staff journeys at once on gunicorn while a head of digital reads the dashboard (no test).

Against a database seeded with seed_scale (see run.py), with Redis running:

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/ddat_bench
    export REDIS_URL=redis://127.0.0.1:6379/0
    .venv/bin/python bench/journeys.py [--people 100] [--wait 5] [--spread 60]

It resets the open-cycle assessments of --people people (and gives them a password), starts
gunicorn with config/gunicorn.conf.py and one Celery worker, and runs one thread per person:
sign in once, start, save every area page with "Save and continue", check answers and submit,
waiting --wait seconds between one page and the next; the people start evenly over --spread
seconds. A head of digital reads the organisation dashboard every --wait seconds throughout.
It prints errors, p50/p95 per kind of page, how long the worker took to publish after the last
submission, and checks that every assessment was stored exactly once.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
ENV = {
    "DATABASE_URL": os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ddat_bench"),
    "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
    "DJANGO_SETTINGS_MODULE": "config.settings",
    "DEBUG": "false",
    "SECRET_KEY": "benchmark-only-key-0123456789abcdefghijklmnopqrstuvwxyz",
    "SECURE_SSL_REDIRECT": "false",
    "BEHIND_PROXY": "true",  # the client says https, as a proxy would
    "ALLOWED_HOSTS": "127.0.0.1",
}
os.environ.update(ENV)

import django  # noqa: E402

django.setup()

from django.contrib.auth.hashers import make_password  # noqa: E402

from assessments import changes  # noqa: E402
from assessments.models import Assessment, AssessmentChange, Cycle, Rating  # noqa: E402
from common.roles import HEAD_OF_DIGITAL  # noqa: E402
from people.models import User  # noqa: E402

PORT = 8765
PASSWORD = "bench-journey-password-1"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
AREA_LINK = re.compile(r'href="(/assessments/mine/\d+/areas/[^/"]+/)"')
RADIO = re.compile(r'name="(level_\d+)"[^>]*value="(\d+)"|value="(\d+)"[^>]*name="(level_\d+)"')
REVISION = re.compile(r'name="revision" value="(\d*)"')


class Browser:
    """One person's browser: cookies, CSRF tokens, redirects; every request is timed."""

    def __init__(self, kind: str, log: list[tuple[str, float, int]]) -> None:
        self.cookies: dict[str, str] = {}
        self.kind = kind
        self.log = log

    def request(self, method: str, path: str, form: dict[str, str] | None = None) -> str:
        for _ in range(5):  # follow redirects
            connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
            headers = {
                "X-Forwarded-Proto": "https",
                "Host": f"127.0.0.1:{PORT}",
                "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
            }
            body = None
            if form is not None:
                body = urlencode(form, doseq=True)
                headers["Content-Type"] = "application/x-www-form-urlencoded"
                headers["Origin"] = f"https://127.0.0.1:{PORT}"
                headers["Referer"] = f"https://127.0.0.1:{PORT}{path}"
            started = time.perf_counter()
            try:
                connection.request(method, path, body=body, headers=headers)
                response = connection.getresponse()
                text = response.read().decode()
                status = response.status
            except OSError:
                text, status = "", 599
            self.log.append((self.kind, time.perf_counter() - started, status))
            for name, value in response.getheaders() if status != 599 else []:
                if name.lower() == "set-cookie":
                    key, _, rest = value.partition("=")
                    self.cookies[key] = rest.split(";", 1)[0]
            if status in (301, 302, 303):
                location = dict(response.getheaders())["Location"]
                path, method, form = urlsplit(location).path, "GET", None
                continue
            if status >= 400:
                raise RuntimeError(f"{method} {path}: HTTP {status}")
            return text
        raise RuntimeError(f"too many redirects from {path}")

    def post(self, path: str, page: str, fields: dict[str, str]) -> str:
        token = CSRF.search(page)
        return self.request("POST", path, {"csrfmiddlewaretoken": token.group(1), **fields})

    def sign_in(self, email: str) -> None:
        page = self.request("GET", "/sign-in/")
        self.post("/sign-in/", page, {"username": email, "password": PASSWORD})


def journey(email: str, wait: float, log: list, failures: list) -> None:
    browser = Browser("journey", log)
    rng = random.Random(email)
    try:
        browser.sign_in(email)
        time.sleep(wait)
        start = browser.request("GET", "/assessments/mine/")
        time.sleep(wait)
        tasks = browser.post("/assessments/mine/start/", start, {})
        for area in dict.fromkeys(AREA_LINK.findall(tasks)):
            time.sleep(wait)
            page = browser.request("GET", area)
            choices: dict[str, list[str]] = {}
            for a, b, c, d in RADIO.findall(page):
                choices.setdefault(a or d, []).append(b or c)
            fields = {name: rng.choice(values) for name, values in choices.items()}
            revision = REVISION.search(page)
            fields.update(action="continue", revision=revision.group(1) if revision else "")
            time.sleep(wait)
            browser.post(area, page, fields)
        check_path = AREA_LINK.findall(tasks)[0].split("/areas/")[0] + "/check/"
        time.sleep(wait)
        check = browser.request("GET", check_path)
        time.sleep(wait)
        done = browser.post(check_path, check, {})
        if "submitted" not in done.lower():
            failures.append(f"{email}: no confirmation")
    except Exception as error:  # noqa: BLE001 - a benchmark records every failure
        failures.append(f"{email}: {error}")


def reader(email: str, wait: float, stop: threading.Event, log: list, failures: list) -> None:
    browser = Browser("dashboard", log)
    try:
        browser.sign_in(email)
        while not stop.is_set():
            browser.request("GET", "/assessments/dashboards/organisation/")
            stop.wait(wait)
    except Exception as error:  # noqa: BLE001
        failures.append(f"dashboard: {error}")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000


def prepare(people: int) -> tuple[Cycle, list[int], str]:
    cycle = Cycle.objects.open().first()
    assessments = list(
        Assessment.objects.filter(cycle=cycle, person__active=True)
        .select_related("person__user")
        .order_by("pk")[:people]
    )
    ids = [a.pk for a in assessments]
    Rating.objects.filter(assessment_id__in=ids).delete()
    Assessment.objects.filter(pk__in=ids).update(
        status=Assessment.Status.NOT_STARTED, revision=0, started_at=None, submitted_at=None
    )
    password = make_password(PASSWORD)  # one hash (Argon2) shared: the sign-ins still verify it
    User.objects.filter(pk__in=[a.person.user_id for a in assessments]).update(password=password)
    head, _ = User.objects.get_or_create(
        email="bench-head@example.org", defaults={"full_name": "Benchmark Head"}
    )
    head.password = password
    head.save()
    head.groups.add(head.groups.model.objects.get_or_create(name=HEAD_OF_DIGITAL)[0])
    changes.assessments_changed(assessments)
    return cycle, ids, head.email


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=100)
    parser.add_argument("--wait", type=float, default=5.0)
    parser.add_argument("--spread", type=float, default=60.0)
    options = parser.parse_args()
    cycle, ids, head_email = prepare(options.people)
    emails = list(
        Assessment.objects.filter(pk__in=ids).values_list("person__user__email", flat=True)
    )
    env = {**os.environ, **ENV, "PORT": str(PORT)}
    binaries = ROOT / ".venv" / "bin"
    server_command = [str(binaries / "gunicorn"), "config.wsgi", "-c", "config/gunicorn.conf.py"]
    worker_command = [str(binaries / "celery"), "-A", "config", "worker", "--concurrency", "1"]
    with (
        open("/tmp/bench-gunicorn.log", "w") as server_log,
        open("/tmp/bench-worker.log", "w") as worker_log,
    ):
        server = subprocess.Popen(
            [*server_command, "-b", f"127.0.0.1:{PORT}"], cwd=ROOT, env=env, stderr=server_log
        )
        worker = subprocess.Popen(
            [*worker_command, "--loglevel", "WARNING"], cwd=ROOT, env=env, stderr=worker_log
        )
        return run(options, server, worker, ids, emails, head_email, cycle)


def run(options, server, worker, ids, emails, head_email, cycle) -> int:  # noqa: PLR0913
    try:
        for _ in range(60):
            try:
                http.client.HTTPConnection("127.0.0.1", PORT, timeout=2).request("GET", "/healthz")
                break
            except OSError:
                time.sleep(1)
        time.sleep(3)  # let every gunicorn worker boot
        log: list[tuple[str, float, int]] = []
        failures: list[str] = []
        stop = threading.Event()
        read = threading.Thread(target=reader, args=(head_email, options.wait, stop, log, failures))
        read.start()
        threads = []
        started = time.monotonic()
        for index, email in enumerate(emails):
            delay = started + index * options.spread / max(1, len(emails) - 1) - time.monotonic()
            time.sleep(max(0.0, delay))
            thread = threading.Thread(target=journey, args=(email, options.wait, log, failures))
            thread.start()
            threads.append(thread)
        for thread in threads:
            thread.join()
        last_submission = time.monotonic()
        stop.set()
        read.join()
        while AssessmentChange.objects.exists() and time.monotonic() - last_submission < 300:
            time.sleep(0.5)
        published_after = time.monotonic() - last_submission
    finally:
        server.terminate()
        worker.terminate()
        server.wait()
        worker.wait()
    stored = Assessment.objects.filter(pk__in=ids)
    submitted = stored.filter(status=Assessment.Status.SUBMITTED).count()
    per_person = Assessment.objects.filter(cycle=cycle, person__user__email__in=emails).count()
    journeys = [seconds for kind, seconds, _ in log if kind == "journey"]
    dashboard = [seconds for kind, seconds, _ in log if kind == "dashboard"]
    errors = [status for _, _, status in log if status >= 400]
    load = os.getloadavg()
    print(f"{len(emails)} journeys, wait {options.wait} s, started over {options.spread} s")
    print(f"load average at the end: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    print(f"requests: {len(log)}, HTTP errors: {len(errors)}, failed journeys: {len(failures)}")
    for line in failures[:10]:
        print("  ", line)
    print(
        f"journey pages: p50 {percentile(journeys, 0.5):.0f} ms, "
        f"p95 {percentile(journeys, 0.95):.0f} ms, max {max(journeys) * 1000:.0f} ms"
    )
    print(
        f"dashboard ({len(dashboard)} reads): p50 {percentile(dashboard, 0.5):.0f} ms, "
        f"p95 {percentile(dashboard, 0.95):.0f} ms, max {max(dashboard) * 1000:.0f} ms"
    )
    print(f"outbox empty {published_after:.1f} s after the last submission")
    print(f"submitted {submitted} of {len(ids)}; assessments for these people: {per_person}")
    print(f"median journey page {statistics.median(journeys) * 1000:.0f} ms")
    return 0 if not errors and not failures and submitted == len(ids) == per_person else 1


if __name__ == "__main__":
    sys.exit(main())

"""axe-core on every page each role can reach by following links from the home page.

The crawl follows same-site links breadth first on the demo organisation, so a page added later
is checked without anyone remembering to list it here.
"""

from __future__ import annotations

import re
from collections import Counter, deque
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command

from demo.people import DEMO_PASSWORD
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser

# Links that download a file or leave the service's pages.
NOT_PAGES = ("/admin/", "/static/", "/download", "/export", "format=csv", ".csv", ".pdf", ".json")


def shape(path: str) -> str:
    """/framework/skills/141/ and /framework/skills/142/ are the same kind of page."""
    return re.sub(r"/\d+/", "/N/", path)


def crawl(page, limit: int) -> tuple[set[str], dict[str, list[str]]]:
    """Visit up to `limit` distinct paths, at most two of each shape; return them and the axe
    violations found on each."""
    base = urlsplit(page.url)
    queue, seen, problems = deque(["/"]), set(), {}
    visits_per_shape: Counter[str] = Counter()
    axe = Axe()
    while queue and len(seen) < limit:
        url = queue.popleft()
        path = urlsplit(url).path
        if path in seen or visits_per_shape[shape(path)] >= 2:
            continue
        seen.add(path)
        visits_per_shape[shape(path)] += 1
        response = page.goto(url)
        assert response.status < 400, f"{url} answered {response.status}"
        results = axe.run(page)
        if results.violations_count:
            problems[url] = [item["id"] for item in results.response["violations"]]
        for href in page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)"):
            target = urlsplit(href)
            if target.netloc != base.netloc or any(part in href for part in NOT_PAGES):
                continue
            if target.path not in seen:
                queue.append(target.path + (f"?{target.query}" if target.query else ""))
    return seen, problems


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", "--allow-without-debug", verbosity=0)


@pytest.mark.parametrize(
    ("email", "at_least"),
    [
        ("staff@example.org", 15),
        ("manager@example.org", 15),
        ("leader@example.org", 20),
        ("head@example.org", 40),
    ],
)
def test_every_page_a_role_can_reach_has_no_accessibility_violations(page, demo, email, at_least):
    sign_in(page, email, DEMO_PASSWORD)
    seen, problems = crawl(page, limit=120)
    assert problems == {}
    assert len(seen) >= at_least

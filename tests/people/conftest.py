import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _rate_limits_start_afresh(settings):
    """Reset-link counts live in the cache: each test starts with none, in this process's memory
    (never the Redis that CI may point at, where counts would outlive the test run)."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "tests-people",
        }
    }
    cache.clear()
    yield
    cache.clear()

"""The self-assessment fixtures (a framework, an open cycle, officers) for the audit tests."""

from tests.assessments.conftest import framework, officers, open_cycle  # noqa: F401

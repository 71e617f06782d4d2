"""The development tests use the self-assessment fixtures: Alice and Bob (managed by Mary) are
officers assessed on the two "all staff" skills of framework_with_skills."""

from tests.assessments.conftest import (  # noqa: F401 - fixtures
    _fast_password_hashing,
    framework,
    officers,
    open_cycle,
)

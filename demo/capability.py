"""Demo framework: the starter framework, published. Seed it before people, who take its roles."""

from __future__ import annotations

import json

from capability.models import Framework
from capability.services import STARTER_FRAMEWORK, framework_install


def seed_framework() -> Framework:
    data = json.loads(STARTER_FRAMEWORK.read_text(encoding="utf-8"))
    framework, _ = framework_install(data=data)
    return framework

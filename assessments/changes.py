"""Telling the figures that assessments changed: an outbox row per changed assessment, written
in the caller's transaction, and a nudge to the worker once it commits.

The worker task is looked up by name, as assessments sits below insights and does not import it.
If the nudge cannot reach the broker the change still waits in the outbox, and the worker's
beat schedule picks it up within a minute.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from celery import current_app
from django.db import transaction

from assessments.models import Assessment, AssessmentChange

logger = logging.getLogger(__name__)

APPLY_TASK = "insights.tasks.apply_changes"


def assessments_changed(assessments: Iterable[Assessment]) -> None:
    """Record that these assessments changed, for the worker to publish."""
    AssessmentChange.objects.bulk_create(
        [
            AssessmentChange(assessment_id=assessment.pk, cycle_id=assessment.cycle_id)
            for assessment in assessments
        ],
        batch_size=5000,
    )
    if current_app.conf.task_always_eager:
        # No broker (`make run`, tests): apply now, in this transaction, as the worker would.
        _nudge()
    else:
        transaction.on_commit(_nudge)


def _nudge() -> None:
    task = current_app.tasks.get(APPLY_TASK)
    if task is None:
        logger.warning("%s is not registered: the changes wait in the outbox", APPLY_TASK)
        return
    try:
        task.delay()
    except Exception:  # the broker is down: the outbox keeps the change for the beat run
        logger.exception("Could not ask the worker to publish figures; the beat run will")

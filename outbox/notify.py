"""A Django email backend that sends through GOV.UK Notify with its official client.

Notify sends from templates, so the service uses one: an email template in Notify whose subject is
`((subject))` and whose body is `((body))` (README: Configuration). The outbox's idempotency key
goes as Notify's `reference`, so a message can be traced in Notify's own records.

Chosen over a third-party Django backend because it is a few lines on GDS's own maintained client,
and it lets the outbox tell Notify's permanent refusals (a bad address or template: 400, 403)
from the ones worth retrying (rate limits, Notify unavailable).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend
from notifications_python_client.errors import APIError
from notifications_python_client.notifications import NotificationsAPIClient
from requests import RequestException

from outbox.services import KEY_HEADER, PermanentSendError

# Notify's answers worth trying again: rate limited, or Notify itself unwell.
RETRY_STATUS = {429, 500, 502, 503, 504}


class NotifyUnavailable(OSError):
    """Notify could not be reached or asked us to wait: the outbox tries again later."""


class NotifyEmailBackend(BaseEmailBackend):
    def __init__(self, fail_silently: bool = False, **kwargs: Any) -> None:
        super().__init__(fail_silently=fail_silently)
        api_key = getattr(settings, "GOVUK_NOTIFY_API_KEY", "")
        self.template_id = getattr(settings, "GOVUK_NOTIFY_TEMPLATE_ID", "")
        if not api_key or not self.template_id:
            raise ImproperlyConfigured(
                "GOV.UK Notify needs GOVUK_NOTIFY_API_KEY and GOVUK_NOTIFY_TEMPLATE_ID"
            )
        self.client = NotificationsAPIClient(
            api_key,
            base_url=getattr(settings, "GOVUK_NOTIFY_BASE_URL", "")
            or "https://api.notifications.service.gov.uk",
            timeout=getattr(settings, "EMAIL_TIMEOUT", None) or 30,
        )

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        sent = 0
        for message in email_messages:
            for address in message.recipients():
                try:
                    self.client.send_email_notification(
                        email_address=address,
                        template_id=self.template_id,
                        personalisation={"subject": message.subject, "body": message.body},
                        reference=message.extra_headers.get(KEY_HEADER) or None,
                    )
                except APIError as error:
                    if self.fail_silently:
                        continue
                    if error.status_code in RETRY_STATUS:
                        raise NotifyUnavailable(str(error)) from error
                    raise PermanentSendError(str(error)) from error
                except RequestException as error:
                    if self.fail_silently:
                        continue
                    raise NotifyUnavailable(str(error)) from error
            sent += 1
        return sent

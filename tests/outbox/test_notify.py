"""GOV.UK Notify as the email backend, through its official client against a Notify-shaped HTTP
server on loopback: real HTTP, a real signed token checked with the key's secret."""

from __future__ import annotations

import json
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
import pytest
from django.test import TestCase

from outbox import services
from outbox.models import Email

pytestmark = pytest.mark.django_db

SERVICE_ID = str(uuid.uuid4())
SECRET = str(uuid.uuid4())
API_KEY = f"test_key-{SERVICE_ID}-{SECRET}"
TEMPLATE_ID = str(uuid.uuid4())


class FakeNotify(BaseHTTPRequestHandler):
    """Answers POST /v2/notifications/email as Notify does; `answer` picks the status."""

    received: list[dict] = []
    answer = 201

    def do_POST(self) -> None:  # noqa: N802 - the http.server API
        token = self.headers["Authorization"].removeprefix("Bearer ")
        claims = jwt.decode(token, SECRET, algorithms=["HS256"])
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        FakeNotify.received.append({"path": self.path, "issuer": claims["iss"], **body})
        if FakeNotify.answer == 201:
            payload = {"id": str(uuid.uuid4()), "reference": body.get("reference")}
        else:
            payload = {
                "status_code": FakeNotify.answer,
                "errors": [{"error": "BadRequestError", "message": "Not a valid email address"}],
            }
        data = json.dumps(payload).encode()
        self.send_response(FakeNotify.answer)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def notify(settings):
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeNotify)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    FakeNotify.received, FakeNotify.answer = [], 201
    settings.EMAIL_BACKEND = "outbox.notify.NotifyEmailBackend"
    settings.GOVUK_NOTIFY_API_KEY = API_KEY
    settings.GOVUK_NOTIFY_TEMPLATE_ID = TEMPLATE_ID
    settings.GOVUK_NOTIFY_BASE_URL = f"http://127.0.0.1:{server.server_port}"
    yield FakeNotify
    server.shutdown()


def queue(key: str = "invitation:1:2") -> None:
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.email_queue(
            services.OutgoingEmail(
                key=key,
                kind="invitation",
                to="alice@example.org",
                subject="Your 2026 Q4 self-assessment is open",
                body="Hello Alice",
            )
        )


def test_an_email_goes_through_notify_with_its_key_as_the_reference(notify):
    queue()
    [sent] = notify.received
    assert sent["path"] == "/v2/notifications/email"
    assert sent["issuer"] == SERVICE_ID
    assert sent["email_address"] == "alice@example.org"
    assert sent["template_id"] == TEMPLATE_ID
    assert sent["personalisation"] == {
        "subject": "Your 2026 Q4 self-assessment is open",
        "body": "Hello Alice",
    }
    assert sent["reference"] == "invitation:1:2"
    assert Email.objects.get().status == Email.Status.SENT


def test_a_refusal_by_notify_fails_the_email_at_once_with_notifys_reason(notify):
    notify.answer = 400
    queue()
    email = Email.objects.get()
    assert email.status == Email.Status.FAILED
    assert "Not a valid email address" in email.last_error


def test_notify_being_unavailable_is_tried_again_later(notify):
    notify.answer = 503
    queue()
    email = Email.objects.get()
    assert email.status == Email.Status.QUEUED
    assert email.attempts == 1
    assert "NotifyUnavailable" in email.last_error

"""The SMS backends, the Twilio adapter against a local HTTP server, and failures."""

import base64
import io
import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from parcours.participants.enums import ConsentPurpose
from parcours.reminders.enums import MessageStatus
from parcours.reminders.models import MessageLog
from parcours.reminders.senders import (
    ConsoleSmsBackend,
    FileSmsBackend,
    SmsError,
    TwilioSmsBackend,
    international_number,
)
from parcours.reminders.services import send_session_reminders
from parcours.reminders.tests.conftest import TODAY
from parcours.reminders.tests.test_reminders import _person, group  # noqa: F401


class FakeTwilio(BaseHTTPRequestHandler):
    """Answers as Twilio's Messages API does; refuses the numbers ending in 99."""

    requests = []

    def do_POST(self):
        length = int(self.headers["Content-Length"])
        form = urllib.parse.parse_qs(self.rfile.read(length).decode())
        self.requests.append(
            {
                "path": self.path,
                "authorization": self.headers["Authorization"],
                "content_type": self.headers["Content-Type"],
                "form": {key: values[0] for key, values in form.items()},
            }
        )
        if form["To"][0].endswith("99"):
            status, answer = 400, {"code": 21211, "message": "Invalid 'To' Phone Number"}
        else:
            status = 201
            answer = {"sid": f"SM{len(self.requests):032d}", "status": "queued"}
        body = json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def twilio(settings):
    FakeTwilio.requests = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeTwilio)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.SMS_BACKEND = "parcours.reminders.senders.TwilioSmsBackend"
    settings.SMS_API_URL = f"http://127.0.0.1:{server.server_port}"
    settings.SMS_ACCOUNT = "AC0123456789abcdef0123456789abcdef"
    settings.SMS_TOKEN = "secret-token"
    settings.SMS_FROM = "Parcours"
    try:
        yield FakeTwilio.requests
    finally:
        server.shutdown()
        server.server_close()


def test_the_twilio_adapter_posts_the_messages_api_request(twilio):
    sid = TwilioSmsBackend().send("+32470123456", "Rappel : atelier")

    assert sid == "SM" + "1".zfill(32)
    [request] = twilio
    assert (
        request["path"] == "/2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef/Messages.json"
    )
    assert request["content_type"] == "application/x-www-form-urlencoded"
    expected = base64.b64encode(b"AC0123456789abcdef0123456789abcdef:secret-token").decode()
    assert request["authorization"] == f"Basic {expected}"
    assert request["form"] == {"To": "+32470123456", "From": "Parcours", "Body": "Rappel : atelier"}


def test_a_messaging_service_is_named_as_such(twilio, settings):
    settings.SMS_FROM = "MG" + "a" * 32

    TwilioSmsBackend().send("+32470123456", "x")

    assert twilio[0]["form"]["MessagingServiceSid"] == "MG" + "a" * 32
    assert "From" not in twilio[0]["form"]


def test_twilio_refusals_and_an_unreachable_provider_raise(twilio):
    with pytest.raises(SmsError, match=r"HTTP 400: 21211 Invalid 'To' Phone Number"):
        TwilioSmsBackend().send("+32470123499", "x")
    with pytest.raises(SmsError, match="provider unreachable"):
        TwilioSmsBackend(api_url="http://127.0.0.1:9", timeout=2).send("+32470123456", "x")


def test_a_failed_sms_is_logged_and_the_others_still_go(twilio, group):  # noqa: F811
    _person(group, purposes=[ConsentPurpose.REMINDERS_SMS], phone="0470 12 34 99")
    _person(group, purposes=[ConsentPurpose.REMINDERS_SMS], phone="0470 12 34 56")

    outcome = send_session_reminders(group.organisation, TODAY)

    assert (outcome.sent, outcome.failed) == (1, 1)
    failed = MessageLog.objects.get(status=MessageStatus.FAILED)
    assert failed.error == "SmsError: HTTP 400: 21211 Invalid 'To' Phone Number"
    assert MessageLog.objects.get(status=MessageStatus.SENT).sent_at is not None
    assert [r["form"]["To"] for r in twilio] == ["+32470123499", "+32470123456"]


def test_the_file_and_console_backends(tmp_path):
    FileSmsBackend(path=tmp_path).send("+32470123456", "Bonjour")
    [written] = tmp_path.glob("*.sms")
    assert written.read_text() == "+32470123456\nBonjour\n"

    stream = io.StringIO()
    ConsoleSmsBackend(stream=stream).send("+32470123456", "Bonjour")
    assert "to +32470123456\nBonjour\n" in stream.getvalue()


@pytest.mark.parametrize(
    ("written", "number"),
    [
        ("0470 12 34 56", "+32470123456"),
        ("0470/12.34.56", "+32470123456"),
        ("+32 470 12 34 56", "+32470123456"),
        ("0033 6 12 34 56 78", "+33612345678"),
        ("081 22 33 44", "+3281223344"),
        ("12", None),
        ("", None),
        ("call me", None),
    ],
)
def test_international_numbers(written, number):
    assert international_number(written) == number

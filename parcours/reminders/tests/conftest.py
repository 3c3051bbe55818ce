"""A real SMTP server for the tests (aiosmtpd), and a small world of staff,
participants and sessions."""

import datetime
import email
import email.policy
import socket
import threading

import pytest
from aiosmtpd.controller import Controller


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Collector:
    """An aiosmtpd handler that keeps every message it is given."""

    def __init__(self):
        self.messages = []
        self._lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("refused"):
            return "550 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self._lock:
            self.messages.append(
                {"to": list(envelope.rcpt_tos), "from": envelope.mail_from, "message": message}
            )
        return "250 Message accepted for delivery"


class SmtpServer:
    def __init__(self, controller, collector):
        self.host, self.port = controller.hostname, controller.port
        self._collector = collector

    @property
    def messages(self):
        return list(self._collector.messages)

    def to(self, address):
        return [m["message"] for m in self._collector.messages if address in m["to"]]


@pytest.fixture
def smtp_server(settings):
    """An SMTP server on a free port, and Django's SMTP backend pointed at it."""
    collector = Collector()
    controller = Controller(collector, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": controller.hostname, "port": controller.port, "timeout": 10},
        }
    }
    try:
        yield SmtpServer(controller, collector)
    finally:
        controller.stop()


def body_of(message, subtype="plain") -> str:
    return message.get_body(preferencelist=(subtype,)).get_content()


@pytest.fixture
def sms_dir(settings, tmp_path):
    settings.SMS_BACKEND = "parcours.reminders.senders.FileSmsBackend"
    settings.SMS_FILE_PATH = str(tmp_path / "sms")
    return tmp_path / "sms"


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = "https://parcours.example.be"


# Tuesday 3 March 2026: a session the day after, Wednesday 4 March.
TODAY = datetime.date(2026, 3, 3)
TOMORROW = datetime.date(2026, 3, 4)

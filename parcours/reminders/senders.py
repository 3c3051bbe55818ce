"""How a message leaves: e-mail through Django's mail API, SMS through the backend that
``SMS_BACKEND`` names.

E-mail goes through the default mailer (``MAILERS`` in settings: SMTP in production, the
console locally), so the ``EMAIL_*`` settings apply to reminders as to every e-mail.

An SMS backend is a class with ``send(to, body) -> str`` (an identifier of the message,
for the logs) that raises ``SmsError`` when the message did not go:

- ``ConsoleSmsBackend`` prints each SMS (the local default);
- ``FileSmsBackend`` writes each SMS to a file of its own under ``SMS_FILE_PATH``
  (development and tests);
- ``TwilioSmsBackend`` posts it to Twilio's Messages API (``docs/reminders.md``).
"""

import base64
import json
import re
import sys
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMultiAlternatives
from django.utils import timezone
from django.utils.module_loading import import_string


class SmsError(Exception):
    """The SMS was not accepted; the message says why (without the text of the SMS)."""


def send_email(*, to: str, subject: str, text: str, html: str, headers: dict) -> None:
    """One e-mail, plain text with an HTML alternative, through the default mailer."""
    message = EmailMultiAlternatives(
        subject=subject, body=text, to=[to], headers=headers, from_email=None
    )
    message.attach_alternative(html, "text/html")
    message.send()


class SmsBackend:
    def send(self, to: str, body: str) -> str:  # pragma: no cover - interface
        raise NotImplementedError


class ConsoleSmsBackend(SmsBackend):
    """Prints each SMS on the standard output: for a developer's machine."""

    def __init__(self, stream=None):
        self.stream = stream or sys.stdout

    def send(self, to: str, body: str) -> str:
        ident = uuid.uuid4().hex
        self.stream.write(f"SMS {ident} to {to}\n{body}\n{'-' * 40}\n")
        self.stream.flush()
        return ident


class FileSmsBackend(SmsBackend):
    """Writes each SMS to a file of its own in ``SMS_FILE_PATH``: the first line is the
    number, the rest the text."""

    def __init__(self, path=None):
        path = path or getattr(settings, "SMS_FILE_PATH", "")
        if not path:
            raise ImproperlyConfigured("FileSmsBackend needs SMS_FILE_PATH (a directory).")
        self.path = Path(path)

    def send(self, to: str, body: str) -> str:
        self.path.mkdir(parents=True, exist_ok=True)
        ident = f"{timezone.now():%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:8]}"
        (self.path / f"{ident}.sms").write_text(f"{to}\n{body}\n", encoding="utf-8")
        return ident


class TwilioSmsBackend(SmsBackend):
    """Twilio's Messages API: ``POST {SMS_API_URL}/2010-04-01/Accounts/{SMS_ACCOUNT}/
    Messages.json``, form-encoded ``To``, ``Body`` and ``From`` (a number or an
    alphanumeric sender) or ``MessagingServiceSid`` (when ``SMS_FROM`` starts with "MG"),
    HTTP basic authentication with the account SID and its auth token. Twilio answers 201
    with the message as JSON (its ``sid``), or 4xx/5xx with ``code`` and ``message``."""

    def __init__(self, *, api_url=None, account=None, token=None, sender=None, timeout=None):
        self.api_url = (api_url or getattr(settings, "SMS_API_URL", "")).rstrip("/")
        self.account = account or getattr(settings, "SMS_ACCOUNT", "")
        self.token = token or getattr(settings, "SMS_TOKEN", "")
        self.sender = sender or getattr(settings, "SMS_FROM", "")
        self.timeout = timeout or getattr(settings, "SMS_TIMEOUT", 10)
        if not (self.api_url and self.account and self.token and self.sender):
            raise ImproperlyConfigured(
                "TwilioSmsBackend needs SMS_API_URL, SMS_ACCOUNT, SMS_TOKEN and SMS_FROM."
            )

    def send(self, to: str, body: str) -> str:
        fields = {"To": to, "Body": body}
        if re.fullmatch(r"MG[0-9a-fA-F]{32}", self.sender):
            fields["MessagingServiceSid"] = self.sender
        else:
            fields["From"] = self.sender
        account = urllib.parse.quote(self.account, safe="")
        request = urllib.request.Request(
            f"{self.api_url}/2010-04-01/Accounts/{account}/Messages.json",
            data=urllib.parse.urlencode(fields).encode(),
            method="POST",
            headers={
                "Authorization": "Basic "
                + base64.b64encode(f"{self.account}:{self.token}".encode()).decode(),
                "Content-Type": "application/x-www-form-urlencoded",
                "Accept": "application/json",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                answer = json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            raise SmsError(f"HTTP {error.code}: {_twilio_error(error)}") from None
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            raise SmsError(f"provider unreachable: {getattr(error, 'reason', error)}") from None
        except ValueError:
            raise SmsError("the provider's answer is not JSON") from None
        if answer.get("status") == "failed" or not answer.get("sid"):
            raise SmsError(f"refused: {answer.get('error_code') or answer.get('status')}")
        return answer["sid"]


def _twilio_error(error) -> str:
    try:
        detail = json.loads(error.read() or b"{}")
    except ValueError:
        return error.reason or "error"
    return f"{detail.get('code', '')} {detail.get('message', '')}".strip() or str(error.reason)


def sms_backend() -> SmsBackend:
    """An instance of the backend ``SMS_BACKEND`` names (a dotted path)."""
    return import_string(settings.SMS_BACKEND)()


def international_number(phone: str, *, country_code: str = "32") -> str | None:
    """A phone number as the providers take it (E.164, "+32470123456"), or None when it
    cannot be one. Belgian numbers written nationally ("0470 12 34 56") get +32."""
    digits = re.sub(r"[\s./()\-]", "", phone or "")
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    elif digits.startswith("0"):
        digits = f"+{country_code}{digits[1:]}"
    if not re.fullmatch(r"\+[1-9]\d{7,14}", digits):
        return None
    return digits

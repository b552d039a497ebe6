"""Fixtures of the warning tests: a payload builder, a helper that drives a draft through approval and
publication with the real services, and local fake servers (HTTP for the SMS gateway and group robots, SMTP for
email) started in threads."""

from __future__ import annotations

import json
import socketserver
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.utils import timezone

from yingji.core.models import User
from yingji.warnings import services
from yingji.warnings.models import Warning


def payload(**overrides) -> dict:
    now = timezone.now()
    data = {"event_type": "rainstorm", "event": "暴雨", "category": "Met", "level": "orange",
            "headline": "暴雨橙色预警", "description": "过去3小时降雨量已达50毫米以上。", "instruction": "注意防范。",
            "effective": now.isoformat(), "expires": (now + timedelta(hours=12)).isoformat(),
            "area_codes": ["410481001"], "area_desc": "第一乡镇"}
    data.update(overrides)
    return data


def publish(data: dict | None = None, author: str = "duty", approver: str = "approver",
            publisher: str = "duty") -> Warning:
    """Create, submit, approve and publish a warning through the services (as the demo accounts)."""
    from datetime import datetime

    raw = dict(data or payload())
    for key in ("effective", "expires"):
        if isinstance(raw.get(key), str):
            raw[key] = datetime.fromisoformat(raw[key])
    warning = services.create_warning(User.objects.get(username=author), raw)
    return drive(warning, author, approver, publisher)


def drive(warning: Warning, author: str = "duty", approver: str = "approver", publisher: str = "duty") -> Warning:
    warning = services.perform(User.objects.get(username=author), warning, "submit")
    warning = services.perform(User.objects.get(username=approver), warning, "approve")
    return services.perform(User.objects.get(username=publisher), warning, "publish")


class Recorder:
    def __init__(self):
        self.requests: list[tuple[str, dict]] = []
        self.headers: list[dict] = []
        self.fail_next = 0
        self.robot_errcode = 0


@pytest.fixture
def fake_http():
    """A local HTTP server: POST /sms answers 200 (or 500 while ``fail_next`` > 0); POST /robot answers
    ``{"errcode": robot_errcode}``. Records every request body."""
    recorder = Recorder()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])) or b"{}")
            recorder.requests.append((self.path, body))
            recorder.headers.append(dict(self.headers))
            if recorder.fail_next > 0:
                recorder.fail_next -= 1
                self.send_response(500)
                self.end_headers()
                return
            answer = {"errcode": recorder.robot_errcode, "errmsg": "ok"} if self.path == "/robot" else {"ok": True}
            raw = json.dumps(answer).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    recorder.base = f"http://127.0.0.1:{server.server_address[1]}"
    yield recorder
    server.shutdown()
    server.server_close()


class SmtpHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP (RFC 5321) for smtplib: EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT."""

    def reply(self, line: str) -> None:
        self.wfile.write((line + "\r\n").encode())

    def handle(self):
        self.reply("220 fake-smtp ready")
        rcpts = []
        while True:
            line = self.rfile.readline().decode("utf-8", "replace").strip()
            if not line:
                return
            verb = line.split(" ", 1)[0].upper()
            if verb == "EHLO":
                self.reply("250-fake-smtp")
                self.reply("250 8BITMIME")
            elif verb in ("HELO", "MAIL", "RSET", "NOOP"):
                rcpts = [] if verb in ("MAIL", "RSET") else rcpts
                self.reply("250 OK")
            elif verb == "RCPT":
                rcpts.append(line.split(":", 1)[1].strip(" <>"))
                self.reply("250 OK")
            elif verb == "DATA":
                self.reply("354 end with <CRLF>.<CRLF>")
                data = []
                while (chunk := self.rfile.readline()) not in (b".\r\n", b".\n", b""):
                    data.append(chunk)
                self.server.messages.append((list(rcpts), b"".join(data)))
                self.reply("250 queued")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("502 not implemented")


@pytest.fixture
def fake_smtp(settings):
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), SmtpHandler)
    server.daemon_threads = True
    server.messages = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.server_address[1]
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def channels(settings, fake_http):
    settings.WARNING_DISSEMINATION = {"sms_url": fake_http.base + "/sms", "backoff_seconds": 30,
                                      "max_attempts": 3, "public_base_url": "http://testserver"}
    return fake_http

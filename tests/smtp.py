"""A real SMTP server on a loopback port (aiosmtpd), scriptable to refuse, delay or hang."""

from __future__ import annotations

import asyncio
import socket
import threading
from email import message_from_bytes
from email.message import Message

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class ScriptedHandler:
    def __init__(self) -> None:
        self.accepted: list[Message] = []
        self.data_replies: list[str] = []  # replies to the next DATA commands, then 250
        self.refused_recipients: dict[str, str] = {}
        self.hang_next_data = False
        self.data_hanging = threading.Event()
        self.release = threading.Event()
        self._lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refused_recipients:
            return self.refused_recipients[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self._lock:
            hang, self.hang_next_data = self.hang_next_data, False
            reply = self.data_replies.pop(0) if self.data_replies else None
        if hang:
            self.data_hanging.set()
            await asyncio.get_running_loop().run_in_executor(None, self.release.wait, 60)
            return "421 4.3.0 Service shutting down"
        if reply:
            return reply
        with self._lock:
            self.accepted.append(message_from_bytes(envelope.content))
        return "250 2.0.0 OK: queued"

    def accepted_count(self) -> int:
        with self._lock:
            return len(self.accepted)


class SMTPServer:
    def __init__(self) -> None:
        self.handler = ScriptedHandler()
        self.port = free_port()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> SMTPServer:
        self.controller.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.handler.release.set()
        self.controller.stop()

    def env(self) -> dict[str, str]:
        """What a worker process needs to deliver here."""
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(self.port),
        }

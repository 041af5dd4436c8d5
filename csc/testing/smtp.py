"""A real SMTP server for tests (aiosmtpd), for what runs outside the test's process (the task worker
started as a command): it keeps every message it accepted and may hold the DATA answer, as a slow
mail server does, so that a test can kill the sender while the server has the message."""

from __future__ import annotations

import email
import socket
import threading
from dataclasses import dataclass, field

from aiosmtpd.controller import Controller


@dataclass
class Received:
    recipients: list[str]
    message: email.message.Message


@dataclass
class RecordingHandler:
    received: list[Received] = field(default_factory=list)
    # Set while a DATA arrived and its answer is held (the sender waits for « 250 »).
    data_arrived: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    hold_seconds: float = 0.0

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 — aiosmtpd's hook name
        self.received.append(
            Received(list(envelope.rcpt_tos), email.message_from_bytes(envelope.original_content))
        )
        self.data_arrived.set()
        if self.hold_seconds:
            import asyncio

            loop = asyncio.get_running_loop()
            await loop.run_in_executor(None, self.release.wait, self.hold_seconds)
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SmtpServer:
    """`with SmtpServer() as smtp:` — listening on 127.0.0.1:`smtp.port` until the block ends."""

    def __init__(self, *, hold_seconds: float = 0.0):
        self.handler = RecordingHandler(hold_seconds=hold_seconds)
        self.port = free_port()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    @property
    def received(self) -> list[Received]:
        return self.handler.received

    def __enter__(self) -> SmtpServer:
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.handler.release.set()
        self.controller.stop()

"""A Sentry-compatible ingestion server for tests, on a free loopback port: it accepts what Sentry's
documented envelope endpoint accepts and refuses the rest, and keeps every envelope it accepted.

The protocol (develop.sentry.dev, « Envelopes » and « Authentication »):
- POST /api/<project id>/envelope/;
- authenticated by the `X-Sentry-Auth: Sentry sentry_key=<public key>, sentry_version=7, …` header, or
  `sentry_key` in the query string, or the `dsn` of the envelope's header;
- the body, possibly compressed (Content-Encoding gzip, deflate or br): a header line of JSON, then
  items, each an item header line of JSON with its `type` (and its payload's `length`, or the payload
  runs to the end of its line), then the payload and a newline.
"""

from __future__ import annotations

import gzip
import json
import re
import threading
import zlib
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

ENVELOPE_PATH = re.compile(r"/api/(?P<project>\d+)/envelope/\Z")


class Refused(Exception):
    def __init__(self, status: int, reason: str):
        super().__init__(reason)
        self.status = status


@dataclass
class Item:
    headers: dict
    payload: bytes

    def json(self):
        return json.loads(self.payload)


@dataclass
class Envelope:
    headers: dict
    items: list[Item]
    raw: bytes  # the uncompressed body, to search for what must not be there


@dataclass
class SentryServer:
    public_key: str = "cle-publique-de-test"
    project: str = "42"
    envelopes: list[Envelope] = field(default_factory=list)
    refusals: list[str] = field(default_factory=list)
    received: threading.Event = field(default_factory=threading.Event)
    port: int = 0

    @property
    def dsn(self) -> str:
        return f"http://{self.public_key}@127.0.0.1:{self.port}/{self.project}"

    def events(self) -> list[dict]:
        return [
            item.json()
            for envelope in self.envelopes
            for item in envelope.items
            if item.headers["type"] == "event"
        ]

    # --- the protocol ---------------------------------------------------------------------------------

    def accept(self, path: str, headers, body: bytes) -> Envelope:
        parts = urlsplit(path)
        match = ENVELOPE_PATH.match(parts.path)
        if not match:
            raise Refused(404, f"not an envelope endpoint: {parts.path}")
        if match["project"] != self.project:
            raise Refused(403, "unknown project")
        if headers.get("Content-Type", "").split(";")[0].strip() not in ("application/x-sentry-envelope", ""):
            raise Refused(415, "the body must be an envelope")
        body = self._decompress(headers.get("Content-Encoding", ""), body)
        envelope = self._parse(body)
        key = self._key(headers.get("X-Sentry-Auth", ""), parse_qs(parts.query), envelope.headers)
        if key != self.public_key:
            raise Refused(401, "no valid sentry_key")
        return envelope

    @staticmethod
    def _decompress(encoding: str, body: bytes) -> bytes:
        encoding = encoding.strip().lower()
        if encoding in ("", "identity"):
            return body
        if encoding == "gzip":
            return gzip.decompress(body)
        if encoding == "deflate":
            return zlib.decompress(body)
        if encoding == "br":
            import brotli

            return brotli.decompress(body)
        raise Refused(415, f"unknown Content-Encoding {encoding}")

    @staticmethod
    def _key(auth_header: str, query: dict, envelope_headers: dict) -> str | None:
        if auth_header:
            scheme, _, fields = auth_header.partition(" ")
            if scheme != "Sentry":
                raise Refused(401, "X-Sentry-Auth must start with « Sentry »")
            values = dict(part.strip().split("=", 1) for part in fields.split(",") if "=" in part)
            if values.get("sentry_version") != "7":
                raise Refused(400, "sentry_version 7 expected")
            return values.get("sentry_key")
        if query.get("sentry_key"):
            return query["sentry_key"][0]
        dsn = envelope_headers.get("dsn")
        if isinstance(dsn, str):
            return urlsplit(dsn).username
        return None

    @staticmethod
    def _parse(body: bytes) -> Envelope:
        def json_line(line: bytes, what: str) -> dict:
            try:
                value = json.loads(line)
            except ValueError:
                raise Refused(400, f"the {what} is not JSON") from None
            if not isinstance(value, dict):
                raise Refused(400, f"the {what} is not a JSON object")
            return value

        first, newline, rest = body.partition(b"\n")
        headers = json_line(first, "envelope header")
        if "event_id" in headers and not re.fullmatch(r"[0-9a-f]{32}", headers["event_id"]):
            raise Refused(400, "event_id must be 32 hexadecimal characters")
        items = []
        while rest.strip():
            line, _, rest = rest.partition(b"\n")
            item_headers = json_line(line, "item header")
            if not isinstance(item_headers.get("type"), str):
                raise Refused(400, "an item header has no type")
            length = item_headers.get("length")
            if length is None:
                payload, _, rest = rest.partition(b"\n")
            else:
                if not isinstance(length, int) or length < 0 or len(rest) < length:
                    raise Refused(400, "an item is shorter than its length")
                payload, rest = rest[:length], rest[length:]
                if rest and not rest.startswith(b"\n"):
                    raise Refused(400, "an item's payload is not followed by a newline")
                rest = rest[1:]
            if item_headers["type"] in ("event", "transaction"):
                json_line(payload, f"{item_headers['type']} payload")
            items.append(Item(item_headers, payload))
        if not items:
            raise Refused(400, "an envelope without items")
        return Envelope(headers, items, body)


def start(server: SentryServer) -> ThreadingHTTPServer:
    """Serve on a free loopback port in a thread; `stop` it with .shutdown()."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 — http.server's hook name
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            try:
                envelope = server.accept(self.path, self.headers, body)
            except Refused as refused:
                server.refusals.append(str(refused))
                self._answer(refused.status, {"detail": str(refused)})
                return
            server.envelopes.append(envelope)
            server.received.set()
            self._answer(200, {"id": envelope.headers.get("event_id")})

        def do_GET(self):  # noqa: N802
            self._answer(405, {"detail": "POST only"})

        def _answer(self, status: int, body: dict):
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.port = http.server_address[1]
    threading.Thread(target=http.serve_forever, daemon=True).start()
    return http

"""Loopback servers that speak the wire formats of what tests and `make chat` cannot
reach: Twilio's REST API (Messages.json, Calls.json) and Telegram's Bot API (sendMessage,
answerCallbackQuery, getMe), plus a scripted stand-in for Rasa's REST channel for the
gateway's own tests (the end-to-end tests use the real Rasa). Standard library only, so
both virtual environments can use them."""

from __future__ import annotations

import json
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Handler = Callable[[str, str, dict[str, Any]], tuple[int, dict[str, Any]]]


@dataclass
class Recorded:
    method: str
    path: str
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)


class LoopbackServer:
    """A JSON/form HTTP server on 127.0.0.1 whose answers come from `handler`."""

    def __init__(self, handler: Handler, port: int = 0) -> None:
        self.handler = handler
        self.requests: list[Recorded] = []
        self._lock = threading.Lock()
        self.caller = threading.local()  # .port: the client port of the request being served
        outer = self

        class RequestHandler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # keep test output quiet
                return

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode() if length else ""
                content_type = self.headers.get("Content-Type", "")
                if "json" in content_type and raw:
                    body = json.loads(raw)
                elif raw:
                    body = {k: v[-1] for k, v in urllib.parse.parse_qs(raw).items()}
                else:  # a GET's query, if any
                    query = urllib.parse.urlsplit(self.path).query
                    body = {k: v[-1] for k, v in urllib.parse.parse_qs(query).items()}
                path = urllib.parse.urlsplit(self.path).path
                recorded = Recorded(self.command, path, body, dict(self.headers))
                with outer._lock:
                    outer.requests.append(recorded)
                outer.caller.port = self.client_address[1]
                status, answer = outer.handler(self.command, path, body)
                outer.on_request(recorded)
                data = b"" if status == 204 else json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                try:
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):  # the caller is gone (killed)
                    return

            do_GET = do_POST = do_DELETE = _serve

        self.server = ThreadingHTTPServer(("127.0.0.1", port), RequestHandler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def on_request(self, request: Recorded) -> None:
        """Hook for watchers (the terminal simulator prints what the gateway sends)."""

    def start(self) -> LoopbackServer:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def wait_for(self, count: int, path_part: str = "", seconds: float = 10) -> list[Recorded]:
        """The first `count` requests whose path contains `path_part`, waiting for them."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            found = [r for r in self.requests if path_part in r.path]
            if len(found) >= count:
                return found
            time.sleep(0.05)
        raise TimeoutError(f"{len(found)} of {count} requests to '{path_part}' arrived")


class FakeTwilio(LoopbackServer):
    """POST /2010-04-01/Accounts/{sid}/Messages.json. `fail_next` answers 500 that many times
    first (Twilio's error JSON), then accepts. `accept_delay_seconds` makes it slow to answer
    a send it has received (as Twilio, it sends the message even if the caller is gone by
    then); `sending_from` holds the client ports of the sends it is still answering (which
    process is in the middle of a send). `refuse_next` holds Twilio error codes (63016:
    outside WhatsApp's window, ...) that the next sends are refused with, one each (400 and
    Twilio's error JSON). WhatsApp sends carry `whatsapp:` addresses, and a template send
    `ContentSid` and `ContentVariables` instead of `Body`.

    Its call log holds the calls it placed (POST .../Calls.json) and those `log_call` adds
    (inbound calls are not made through the API). GET .../Calls.json lists them by To and
    From, a page of `PageSize` at a time; DELETE .../Calls/{Sid}.json removes one, refused
    as Twilio does (error 20009) while the call is not over (`end_call`)."""

    def __init__(self, port: int = 0, accept_delay_seconds: float = 0.0) -> None:
        self.fail_next = 0
        self.refuse_next: list[int] = []
        self.accept_delay_seconds = accept_delay_seconds
        self.sending_from: set[int] = set()
        self._count = 0
        self._count_lock = threading.Lock()
        self._accepted: list[dict[str, Any]] = []
        self.deleted: list[str] = []  # the Sids of the messages deleted (DELETE)
        self._call_log: list[dict[str, str]] = []  # "sid", "to", "from", "status"
        self.deleted_calls: list[str] = []  # the Sids of the calls deleted (DELETE)
        super().__init__(self._answer, port)

    def _answer(self, method: str, path: str, body: dict[str, Any]) -> tuple[int, dict]:
        if method == "DELETE" and path.endswith(".json") and "/Messages/" in path:
            return self._delete(path.rsplit("/", 1)[1].removesuffix(".json"))
        if method == "DELETE" and path.endswith(".json") and "/Calls/" in path:
            return self._delete_call(path.rsplit("/", 1)[1].removesuffix(".json"))
        if method == "GET" and path.endswith("/Calls.json"):
            return self._list_calls(path, body)
        if method == "POST" and path.endswith("/Calls.json"):
            return self._call(path, body)
        if not path.endswith("/Messages.json"):
            return 404, {"code": 20404, "message": "not found", "status": 404}
        if method == "GET":  # the list of messages, filtered by To and From as Twilio's is
            with self._count_lock:
                listed = [
                    m
                    for m in self._accepted
                    if all(m.get(key) == body[key] for key in ("To", "From") if key in body)
                ]
            return 200, {"messages": [_message(m) for m in listed], "page": 0}
        with self._count_lock:
            failed = self._failure()
            if failed is not None:
                return failed
            self._count += 1
            sid = f"SM{self._count:032d}"
            self._accepted.append({**body, "Sid": sid})
            port = getattr(self.caller, "port", 0)
            self.sending_from.add(port)
        try:
            time.sleep(self.accept_delay_seconds)
        finally:
            with self._count_lock:
                self.sending_from.discard(port)
        return 201, {**_message({**body, "Sid": sid}), "account_sid": path.split("/")[3]}

    def _call(self, path: str, body: dict[str, Any]) -> tuple[int, dict]:
        with self._count_lock:
            failed = self._failure()
            if failed is not None:
                return failed
            self._count += 1
            sid = f"CA{self._count:032d}"
            # logged as over at once: no call is really placed, so none would ever end
            to, sender = str(body.get("To")), str(body.get("From"))
            self._call_log.append({"sid": sid, "to": to, "from": sender, "status": "completed"})
        return 201, {
            "sid": sid,
            "account_sid": path.split("/")[3],
            "status": "queued",
            "to": body.get("To"),
            "from": body.get("From"),
            "direction": "outbound-api",
            "api_version": "2010-04-01",
            "uri": f"{path.removesuffix('.json')}/{sid}.json",
        }

    def _failure(self) -> tuple[int, dict] | None:
        """The answer of a send or call that `fail_next` or `refuse_next` turns down."""
        if self.fail_next > 0:
            self.fail_next -= 1
            return 500, {"code": 20500, "message": "Internal Server Error", "status": 500}
        if self.refuse_next:
            code = self.refuse_next.pop(0)
            return 400, {
                "code": code,
                "message": f"refused with error {code}",
                "more_info": f"https://www.twilio.com/docs/errors/{code}",
                "status": 400,
            }
        return None

    def calls(self) -> list[dict[str, Any]]:
        """Every call request (POST .../Calls.json), refused ones included."""
        posts = (r for r in self.requests if r.method == "POST")
        return [r.body for r in posts if r.path.endswith("/Calls.json")]

    def _delete(self, sid: str) -> tuple[int, dict]:
        with self._count_lock:
            if self.fail_next > 0:
                self.fail_next -= 1
                return 500, {"code": 20500, "message": "Internal Server Error", "status": 500}
            kept = [m for m in self._accepted if m["Sid"] != sid]
            if len(kept) == len(self._accepted):
                return 404, {"code": 20404, "message": "not found", "status": 404}
            self._accepted = kept
            self.deleted.append(sid)
        return 204, {}

    def log_call(self, sid: str, from_: str, to: str, status: str = "completed") -> None:
        """A call Twilio logs that was not placed through the API (a tenant calling the
        line), with its status ("in-progress": not deletable yet)."""
        with self._count_lock:
            self._call_log.append({"sid": sid, "to": to, "from": from_, "status": status})

    def end_call(self, sid: str) -> None:
        with self._count_lock:
            for call in self._call_log:
                if call["sid"] == sid:
                    call["status"] = "completed"

    def logged_calls(self) -> list[dict[str, str]]:
        """The call log as it stands (deleted calls gone)."""
        with self._count_lock:
            return [dict(call) for call in self._call_log]

    def _list_calls(self, path: str, query: dict[str, Any]) -> tuple[int, dict]:
        """A page of the call log, filtered by To and From, in Twilio's JSON shape (the
        next page by `next_page_uri`, as Twilio's paging is followed)."""
        size, number = int(query.get("PageSize", 50)), int(query.get("Page", 0))
        with self._count_lock:
            listed = [
                dict(call)
                for call in self._call_log
                if all(call[key.lower()] == query[key] for key in ("To", "From") if key in query)
            ]
        page = listed[number * size : (number + 1) * size]
        following = None
        if (number + 1) * size < len(listed):
            params = {**query, "PageSize": size, "Page": number + 1}
            following = f"{path}?{urllib.parse.urlencode(params)}"
        return 200, {
            "calls": page,
            "page": number,
            "page_size": size,
            "next_page_uri": following,
            "uri": path,
        }

    def _delete_call(self, sid: str) -> tuple[int, dict]:
        with self._count_lock:
            if self.fail_next > 0:
                self.fail_next -= 1
                return 500, {"code": 20500, "message": "Internal Server Error", "status": 500}
            call = next((c for c in self._call_log if c["sid"] == sid), None)
            if call is None:
                return 404, {"code": 20404, "message": "not found", "status": 404}
            if call["status"] in ("queued", "ringing", "in-progress"):
                message = "Cannot delete this resource before it is complete"
                return 409, {"code": 20009, "message": message, "status": 409}
            self._call_log.remove(call)
            self.deleted_calls.append(sid)
        return 204, {}

    def log_inbound(self, sid: str, sender: str, to: str, body: str) -> None:
        """A message a tenant sent, as Twilio logs it (the fake only sees what it sends)."""
        with self._count_lock:
            self._accepted.append({"Sid": sid, "From": sender, "To": to, "Body": body})

    def sent(self) -> list[dict[str, Any]]:
        """Every send request, refused ones (fail_next) included."""
        sends = (r for r in self.requests if r.method == "POST")
        return [r.body for r in sends if r.path.endswith("/Messages.json")]

    def accepted(self) -> list[dict[str, Any]]:
        """The sends it accepted (and so sends to the phone), in the order received, each
        with the "Sid" it was given."""
        with self._count_lock:
            return list(self._accepted)


def _message(sent: dict[str, Any]) -> dict[str, Any]:
    """A sent message as Twilio's API describes it."""
    return {
        "sid": sent["Sid"],
        "status": "queued",
        "to": sent.get("To"),
        "from": sent.get("From"),
        "body": sent.get("Body"),
        "num_segments": "1",
    }


class FakeTelegram(LoopbackServer):
    """POST /bot{token}/{method}: the Bot API's {"ok": true, "result": ...} answers."""

    def __init__(self, port: int = 0) -> None:
        self.fail_next = 0
        self._message_id = 0
        self.pending_updates: list[dict[str, Any]] = []  # what getUpdates hands out
        super().__init__(self._answer, port)

    def _answer(self, method: str, path: str, body: dict[str, Any]) -> tuple[int, dict]:
        api_method = path.rsplit("/", 1)[-1]
        if api_method == "getMe":
            return 200, {
                "ok": True,
                "result": {
                    "id": 123456,
                    "is_bot": True,
                    "first_name": "Assistant",
                    "username": "bot",
                },
            }
        if api_method in ("answerCallbackQuery", "setWebhook", "deleteWebhook"):
            return 200, {"ok": True, "result": True}
        if api_method == "getUpdates":
            updates, self.pending_updates = self.pending_updates, []
            return 200, {"ok": True, "result": updates}
        if api_method == "sendMessage":
            if self.fail_next > 0:
                self.fail_next -= 1
                return 502, {"ok": False, "error_code": 502, "description": "Bad Gateway"}
            self._message_id += 1
            chat = int(body.get("chat_id", 0))
            return 200, {
                "ok": True,
                "result": {
                    "message_id": self._message_id,
                    "date": int(time.time()),
                    "chat": {"id": chat, "type": "private"},
                    "text": body.get("text", ""),
                },
            }
        return 404, {"ok": False, "error_code": 404, "description": "Not Found"}

    def sent(self) -> list[dict[str, Any]]:
        return [r.body for r in self.requests if r.path.endswith("/sendMessage")]


class ScriptedRasa(LoopbackServer):
    """Rasa's REST channel for the gateway's own tests: answers `reply(sender, text)`."""

    def __init__(
        self,
        reply: Callable[[str, str], list[dict[str, Any]]],
        delay_seconds: float = 0.0,
        port: int = 0,
    ) -> None:
        self.reply = reply
        self.delay_seconds = delay_seconds
        self.languages: dict[str, str] = {}
        self.events: dict[str, list[dict[str, Any]]] = {}  # per sender, as Rasa keeps them
        super().__init__(self._answer, port)

    def _answer(self, method: str, path: str, body: dict[str, Any]) -> tuple[int, Any]:
        if path == "/webhooks/rest/webhook":
            time.sleep(self.delay_seconds)
            sender, replies = body["sender"], self.reply(body["sender"], body["message"])
            log = self.events.setdefault(sender, [])
            log.append({"event": "user", "text": body["message"], "timestamp": time.time()})
            log += [  # as Rasa keeps a bot event: the buttons under "data"
                {
                    "event": "bot",
                    "text": r.get("text"),
                    "data": {"buttons": r["buttons"]} if r.get("buttons") else {},
                    "timestamp": time.time(),
                }
                for r in replies
            ]
            return 200, replies
        if path.startswith("/conversations/") and path.endswith("/tracker/events"):
            self.events.setdefault(path.split("/")[2], []).append(
                {**body, "timestamp": time.time()}
            )
            return 200, {}
        if path.startswith("/conversations/") and path.endswith("/tracker"):
            sender = path.split("/")[2]
            return 200, {
                "sender_id": sender,
                "events": self.events.get(sender, []),
                "slots": {"language": self.languages.get(sender)},
            }
        if path == "/status":
            return 200, {"model_id": "scripted"}
        return 404, {}

    def messages(self) -> list[dict[str, Any]]:
        return [r.body for r in self.requests if r.path == "/webhooks/rest/webhook"]

    def appended(self, sender: str) -> list[str]:
        """The events the gateway appended to a conversation (pause, resume)."""
        return [
            e["event"] for e in self.events.get(sender, []) if e.get("event") not in ("user", "bot")
        ]


@contextmanager
def running(server: LoopbackServer) -> Iterator[LoopbackServer]:
    server.start()
    try:
        yield server
    finally:
        server.stop()

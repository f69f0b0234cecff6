"""A fake of the GitHub REST endpoints the PR comment uses, for driving the real PyGithub.

A threaded HTTP server on 127.0.0.1, served under both the root and `/api/v3` (GitHub
Enterprise Server). It keeps issue comments and pull requests in memory, paginates with real
`Link` headers, records every request (with its Authorization header) and injects faults:
`fail("POST", r"/repos/o/r/issues/\\d+/comments", 502, after=True)` stores the comment and then
answers 502 (a lost response); `status=0` drops the connection without answering.
`GET /user` names `actor`, except for an installation token (`ghs_…`), which gets a 403 as on
GitHub. Every request acts as `actor`: editing or deleting a comment of another author is a
403, as on GitHub.
"""

from __future__ import annotations

import dataclasses
import json
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

GHES_PREFIX = "/api/v3"
_EPOCH = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


@dataclasses.dataclass(frozen=True)
class Recorded:
    method: str
    path: str  # without the /api/v3 prefix
    prefix: str  # "" or "/api/v3"
    query: dict[str, str]
    authorization: str | None
    user_agent: str | None
    body: Any


@dataclasses.dataclass
class Fault:
    method: str
    pattern: str
    status: int
    times: int
    body: Any
    headers: dict[str, str]
    after: bool


class FakeGitHub:
    def __init__(self, token: str | None = None, actor: str = "github-actions[bot]") -> None:
        self.token = token  # when set, any other Authorization gets 401
        self.actor = actor
        self.requests: list[Recorded] = []
        self.comments: dict[tuple[str, int], list[dict[str, Any]]] = {}
        self.pulls: dict[tuple[str, int], dict[str, Any]] = {}
        self.commit_pulls: dict[tuple[str, str], list[int]] = {}
        self._faults: list[Fault] = []
        self._next_id = 1000
        self._lock = threading.RLock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    # -- lifecycle -------------------------------------------------------------------------
    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def ghes_url(self) -> str:
        return self.url + GHES_PREFIX

    def start(self) -> FakeGitHub:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    # -- state -----------------------------------------------------------------------------
    def add_pull(
        self,
        repo: str,
        number: int,
        *,
        head: str = "octo:feature",
        sha: str = "a" * 40,
        state: str = "open",
        commits: tuple[str, ...] = (),
        updated_minutes: int | None = None,
        fork: bool = False,
    ) -> None:
        """A pull request; `updated_minutes` after the fake's epoch (default: its number).

        `fork`: its head is in another repository, so (as on GitHub) the commit route
        `GET /repos/{o}/{r}/commits/{sha}/pulls` does not find it."""
        owner, branch = head.split(":", 1)
        updated = _EPOCH + timedelta(minutes=number if updated_minutes is None else updated_minutes)
        with self._lock:
            self.pulls[(repo, number)] = {
                "number": number,
                "state": state,
                "title": f"PR {number}",
                "updated_at": updated.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "head": {"label": head, "ref": branch, "sha": sha, "user": {"login": owner}},
                "base": {"ref": "main", "repo": {"full_name": repo}},
            }
            self.comments.setdefault((repo, number), [])
            for commit in () if fork else (sha, *commits):
                self.commit_pulls.setdefault((repo, commit), []).append(number)

    def add_comment(self, repo: str, number: int, body: str, user: str | None = None) -> int:
        with self._lock:
            return self._store(repo, number, body, user or self.actor)["id"]

    def bodies(self, repo: str, number: int) -> list[str]:
        with self._lock:
            return [c["body"] for c in self.comments.get((repo, number), [])]

    def fail(
        self,
        method: str,
        pattern: str,
        status: int,
        *,
        times: int = 1,
        body: Any = None,
        headers: dict[str, str] | None = None,
        after: bool = False,
    ) -> None:
        """Answer `status` to the next `times` matching requests (after the work if `after`)."""
        body = {"message": f"fault {status}"} if body is None else body
        with self._lock:
            self._faults.append(Fault(method, pattern, status, times, body, headers or {}, after))

    def calls(self, method: str, pattern: str = ".*") -> list[Recorded]:
        return [r for r in self.requests if r.method == method and re.fullmatch(pattern, r.path)]

    def _store(self, repo: str, number: int, body: str, user: str) -> dict[str, Any]:
        self._next_id += 1
        cid = self._next_id
        created = (_EPOCH + timedelta(seconds=cid)).strftime("%Y-%m-%dT%H:%M:%SZ")
        comment = {
            "id": cid,
            "body": body,
            "user": {"login": user, "type": "Bot" if user.endswith("[bot]") else "User"},
            "created_at": created,
            "updated_at": created,
            "_repo": repo,
            "_number": number,
        }
        self.comments.setdefault((repo, number), []).append(comment)
        return comment

    def _take_fault(self, method: str, path: str) -> Fault | None:
        with self._lock:
            for fault in self._faults:
                if fault.times > 0 and fault.method == method and re.fullmatch(fault.pattern, path):
                    fault.times -= 1
                    return fault
        return None

    # -- the REST API ------------------------------------------------------------------------
    def handle(  # noqa: PLR0912 - one branch per endpoint, like a router
        self,
        method: str,
        path: str,
        query: dict[str, str],
        body: Any,
        base: str,
        *,
        authorization: str | None = None,
    ) -> tuple[int, Any, dict[str, str]]:
        with self._lock:
            if method == "GET" and path == "/user":
                if (authorization or "").split(" ")[-1].startswith("ghs_"):
                    return 403, {"message": "Resource not accessible by integration"}, {}
                kind = "Bot" if self.actor.endswith("[bot]") else "User"
                return 200, {"login": self.actor, "id": 1, "type": kind}, {}
            if m := re.fullmatch(r"/repos/([^/]+/[^/]+)/issues/(\d+)/comments", path):
                repo, number = m.group(1), int(m.group(2))
                if (repo, number) not in self.comments:
                    return 404, {"message": "Not Found"}, {}
                if method == "GET":
                    items = [self._comment_json(c, base) for c in self.comments[(repo, number)]]
                    return self._page(items, query, base + path)
                if method == "POST":
                    if not isinstance(body, dict) or not isinstance(body.get("body"), str):
                        return 422, {"message": "Validation Failed"}, {}
                    return (
                        201,
                        self._comment_json(
                            self._store(repo, number, body["body"], self.actor), base
                        ),
                        {},
                    )
            if m := re.fullmatch(r"/repos/([^/]+/[^/]+)/issues/comments/(\d+)", path):
                found = [
                    c
                    for cs in self.comments.values()
                    for c in cs
                    if c["id"] == int(m.group(2)) and c["_repo"] == m.group(1)
                ]
                if not found:
                    return 404, {"message": "Not Found"}, {}
                comment = found[0]
                if method in ("PATCH", "DELETE") and comment["user"]["login"] != self.actor:
                    # as GitHub: a token may not edit another account's (or app's) comment
                    return 403, {"message": "Resource not accessible by integration"}, {}
                if method == "PATCH":
                    comment["body"] = body["body"]
                    comment["updated_at"] = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
                if method == "DELETE":
                    self.comments[(comment["_repo"], comment["_number"])].remove(comment)
                    return 204, None, {}
                return 200, self._comment_json(comment, base), {}
            if method != "GET":
                return 404, {"message": "Not Found"}, {}
            if m := re.fullmatch(r"/repos/([^/]+/[^/]+)/pulls/(\d+)", path):
                pull = self.pulls.get((m.group(1), int(m.group(2))))
                return (
                    (200, self._pull_json(m.group(1), pull, base), {})
                    if pull
                    else (404, {"message": "Not Found"}, {})
                )
            if m := re.fullmatch(r"/repos/([^/]+/[^/]+)/pulls", path):
                repo = m.group(1)
                state = query.get("state", "open")
                items = [
                    self._pull_json(repo, p, base)
                    for (r, _), p in sorted(self.pulls.items())
                    if r == repo
                    and (state == "all" or p["state"] == state)
                    and ("head" not in query or p["head"]["label"] == query["head"])
                ]
                if query.get("sort") == "updated":  # GitHub's default direction for it: desc
                    newest = query.get("direction", "desc") == "desc"
                    items.sort(key=lambda p: p["updated_at"], reverse=newest)
                return self._page(items, query, base + path)
            if m := re.fullmatch(r"/repos/([^/]+/[^/]+)/commits/([0-9a-f]+)/pulls", path):
                repo = m.group(1)
                numbers = self.commit_pulls.get((repo, m.group(2)), [])
                items = [self._pull_json(repo, self.pulls[(repo, n)], base) for n in numbers]
                return self._page(items, query, base + path)
            return 404, {"message": "Not Found"}, {}

    def _page(
        self, items: list[Any], query: dict[str, str], url: str
    ) -> tuple[int, Any, dict[str, str]]:
        per_page = max(1, min(int(query.get("per_page", "30")), 100))
        page = max(1, int(query.get("page", "1")))
        last = max(1, -(-len(items) // per_page))
        chunk = items[(page - 1) * per_page : page * per_page]

        def link(p: int) -> str:
            return f"<{url}?{urlencode({**query, 'per_page': per_page, 'page': p})}>"

        rels = []
        if page < last:
            rels += [f'{link(page + 1)}; rel="next"', f'{link(last)}; rel="last"']
        if page > 1:
            rels += [f'{link(page - 1)}; rel="prev"', f'{link(1)}; rel="first"']
        return 200, chunk, ({"Link": ", ".join(rels)} if rels else {})

    def _comment_json(self, c: dict[str, Any], base: str) -> dict[str, Any]:
        repo, number = c["_repo"], c["_number"]
        return {
            "id": c["id"],
            "node_id": f"IC_{c['id']}",
            "url": f"{base}/repos/{repo}/issues/comments/{c['id']}",
            "html_url": f"https://github.com/{repo}/pull/{number}#issuecomment-{c['id']}",
            "issue_url": f"{base}/repos/{repo}/issues/{number}",
            "body": c["body"],
            "user": {"login": c["user"]["login"], "type": c["user"]["type"], "id": 1},
            "created_at": c["created_at"],
            "updated_at": c["updated_at"],
        }

    def _pull_json(self, repo: str, p: dict[str, Any], base: str) -> dict[str, Any]:
        return {
            **p,
            "url": f"{base}/repos/{repo}/pulls/{p['number']}",
            "html_url": f"https://github.com/{repo}/pull/{p['number']}",
        }


def _handler(fake: FakeGitHub) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:  # quiet
            pass

        def _serve(self) -> None:
            method = self.command
            split = urlsplit(self.path)
            path = split.path
            prefix = GHES_PREFIX if path.startswith(GHES_PREFIX + "/") else ""
            path = path[len(prefix) :]
            query = {k: v[-1] for k, v in parse_qs(split.query).items()}
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            try:
                body = json.loads(raw) if raw else None
            except ValueError:
                body = raw.decode("utf-8", "replace")
            auth = self.headers.get("Authorization")
            with fake._lock:
                fake.requests.append(
                    Recorded(
                        method, path, prefix, query, auth, self.headers.get("User-Agent"), body
                    )
                )
            base = f"http://{self.headers.get('Host')}{prefix}"
            fault = fake._take_fault(method, path)
            if fault and fault.after:
                fake.handle(method, path, query, body, base, authorization=auth)
            if fault:
                if fault.status == 0:  # drop the connection: no answer at all
                    self.close_connection = True
                    self.connection.close()
                    return
                self._send(fault.status, fault.body, fault.headers)
                return
            if fake.token is not None and auth not in (
                f"token {fake.token}",
                f"Bearer {fake.token}",
            ):
                self._send(401, {"message": "Bad credentials"}, {})
                return
            self._send(*fake.handle(method, path, query, body, base, authorization=auth))

        def _send(self, status: int, body: Any, headers: dict[str, str]) -> None:
            data = b"" if body is None else json.dumps(body).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_PATCH = do_DELETE = _serve

    return Handler


@contextmanager
def running(token: str | None = None) -> Iterator[FakeGitHub]:
    fake = FakeGitHub(token=token).start()
    try:
        yield fake
    finally:
        fake.stop()


@contextmanager
def serving_pr(
    token: str, repo: str, head: str = "octo-org:checkout-retry"
) -> Iterator[FakeGitHub]:
    """`running(token)` with PR 42 of `repo` open from `head` (the tests' pull_request event)."""
    with running(token) as fake:
        fake.add_pull(repo, 42, head=head, sha="4f1c2d3e" + "0" * 32)
        yield fake

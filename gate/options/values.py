"""One cleaner per option value (SPEC §2): typed value or default, and a problem when it is bad.

`ValueReader` is fed the raw values `gate.options.config` picked (flag, `INPUT_*`, env), each
already stripped and never blank. Every cleaner returns something usable so that reading goes on and
every problem is found in one run. A problem names the option, shows the value (quoted,
escaped, cut, secret-looking parts hidden) and says what is allowed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlsplit

from gate.core.masking import MIN_SECRET_LENGTH
from gate.core.model import Outcome, SessionKind
from gate.core.verdict import DEFAULT_FAIL_ON
from gate.options.durations import DurationError, format_duration, parse_duration
from gate.options.file_patterns import show
from gate.options.session_ids import SessionRef, is_uuid, parse_id_list, refs_from_files, unique
from gate.options.trigger_options import picked_secrets

DEFAULT_API_URL = "https://api.checklyhq.com"
TIMEOUT_DEFAULT_S = 600.0
TIMEOUT_MIN_S = 1.0
TIMEOUT_MAX_S = 6 * 3600.0  # GitHub's limit for a job on a hosted runner
COMMENT_KEY_MAX = 200
FAIL_ON_NAMES = tuple(o.value for o in Outcome if o is not Outcome.PASSED)
PR_COMMENT_CHOICES = ("always", "on-failure", "never")
OUTPUT_FILES = ("junit-file", "json-file", "summary-file")
_SUFFIXES = {"junit-file": "xml", "json-file": "json", "summary-file": "md"}
SECRETS = ("api-key", "github-token")
_TRUE = frozenset({"true", "yes", "on", "1"})
_FALSE = frozenset({"false", "no", "off", "0"})
_WHOLE = re.compile(r"[0-9]+")  # ASCII only (SPEC §2): `\d` takes other scripts' digits
_PERCENT = re.compile(r"([0-9]+(?:\.[0-9]+)?)\s*(%?)")
_ACCOUNT_HELP = "Checkly > Account settings > General"


class ValueReader:
    """Cleans the picked values; `problems` holds (option name, message) in reading order."""

    def __init__(self, values: Mapping[str, str], cwd: Path) -> None:
        self.values = values
        self.cwd = cwd
        self.problems: list[tuple[str, str]] = []
        self.reports: dict[Path, str] = {}  # resolved report path -> its option (see outputs)
        self.nothing_matched: list[str] = []

    @property
    def secret_values(self) -> list[str]:
        values = [self.values.get(name, "") for name in SECRETS] + picked_secrets(self.values)
        return [v for v in values if len(v.strip()) >= MIN_SECRET_LENGTH]

    def problem(self, name: str, message: str) -> None:
        self.problems.append((name, message))

    def bad(self, name: str, value: str, allowed: str) -> None:
        self.problem(name, f"{name}: {show(value, hide=self.secret_values)} {allowed}")

    def secret(self, name: str, required_where: str | None) -> str | None:
        value = self.values.get(name)
        if value is None:
            if required_where:
                self.problem(name, f"{name} is required: set {required_where}")
            return None
        if not (value.isascii() and value.isprintable()) or any(c.isspace() for c in value):
            self.problem(
                name,
                f"{name} contains spaces, line breaks or non-ASCII characters (value not "
                'shown); give the secret alone, without "Bearer " or quotes',
            )
        return value

    def account_id(self) -> str | None:
        value = self.values.get("account-id")
        if value is None:
            self.problem(
                "account-id",
                "account-id is required: set the account-id input or CHECKLY_ACCOUNT_ID "
                f"(the UUID under {_ACCOUNT_HELP})",
            )
            return None
        if not is_uuid(value):
            self.bad(
                "account-id", value, f"is not a UUID; use the account ID under {_ACCOUNT_HELP}"
            )
        return value.lower()

    def api_url(self) -> str:
        value = self.values.get("api-url", DEFAULT_API_URL)
        parts = None if any(c.isspace() for c in value) else urlsplit(value)
        shown = value.replace(f":{parts.password}@", ":***@") if parts and parts.password else value
        example = f"such as {DEFAULT_API_URL}"
        if not parts or parts.scheme not in ("http", "https") or not parts.hostname:
            self.bad("api-url", shown, f"is not an http(s) URL; use a base URL {example}")
        elif parts.username or parts.password:
            self.bad("api-url", shown, f"holds a user name or password; use a base URL {example}")
        elif parts.query or parts.fragment:
            self.bad("api-url", shown, f"has a query or fragment; use a base URL {example}")
        elif re.search(r"/v\d+/*$", parts.path):
            self.bad(
                "api-url",
                shown,
                f"ends with an API version; use the base URL without it, {example}",
            )
        return value.rstrip("/")

    def sessions(self, *, triggered: bool = False) -> tuple[SessionRef, ...]:
        refs: list[SessionRef] = []
        before = len(self.problems)
        for name, kind in (
            ("test-session-ids", SessionKind.TEST),
            ("check-session-ids", SessionKind.CHECK),
        ):
            found, problems = parse_id_list(self.values.get(name, ""), kind, self.secret_values)
            refs += found
            for message in problems:
                self.problem(name, f"{name}: {message}")
        files = self.values.get("session-files", "")
        for line in files.splitlines():
            self._not_a_report(line.strip(), "a session file")
        nm = self.nothing_matched  # files listing no session: SPEC §8's "no matching checks"
        found, problems = refs_from_files(
            files, self.cwd, self.secret_values, skip=frozenset(self.reports), nothing_matched=nm
        )
        refs += found
        for message in problems:
            self.problem("session-files", f"session-files: {message}")
        if not refs and not triggered and not self.nothing_matched and len(self.problems) == before:
            self.problem(
                "test-session-ids",
                "no session to wait for: give test-session-ids, check-session-ids or "
                "session-files, or start runs with tags, check-ids or trigger",
            )
        return unique(refs)

    def timeout(self) -> float:
        return self.duration(
            "timeout", TIMEOUT_DEFAULT_S, TIMEOUT_MIN_S, TIMEOUT_MAX_S, "15m, 1h30m"
        )

    def duration(self, name: str, default: float, low: float, high: float, eg: str) -> float:
        """A duration option in seconds (`90`, `90s`, `2m`, …) from `low` to `high`; `eg`: the
        examples after `90s` in the message."""
        value = self.values.get(name)
        if value is None:
            return default
        try:
            seconds = parse_duration(value)
        except DurationError:
            what = f"is not a duration; use seconds (90), or units s/m/h such as 90s, {eg}"
            self.bad(name, value, what)
            return default
        if not low <= seconds <= high:
            self.bad(
                name,
                value,
                f"is out of range; use {format_duration(low)} to {format_duration(high)}",
            )
            return default
        return seconds

    def whole(self, name: str, default: int, low: int, high: int | None = None) -> int:
        value = self.values.get(name)
        if value is None:
            return default
        number = int(value) if _WHOLE.fullmatch(value) else None
        if number is None or number < low or (high is not None and number > high):
            span = f"from {low} to {high}" if high is not None else f"{low} or more"
            self.bad(name, value, f"is not allowed; use a whole number {span}")
            return default
        return number

    def min_pass_rate(self) -> float:
        value = self.values.get("min-pass-rate")
        if value is None:
            return 0.0
        match = _PERCENT.fullmatch(value)
        rate = float(match.group(1)) if match else -1.0
        if not 0 <= rate <= 100:
            self.bad(
                "min-pass-rate",
                value,
                "is not allowed; use a percent from 0 to 100, such as 95 or 99.5%",
            )
            return 0.0
        if match and 0 < rate < 1 and not match.group(2):
            self.bad(
                "min-pass-rate",
                value,
                f"looks like a fraction; use a percent from 0 to 100 ({rate * 100:g} for "
                f"{rate * 100:g}%), or write {value}% if you mean it",
            )
        return rate

    def fail_on(self) -> frozenset[Outcome]:
        value = self.values.get("fail-on")
        if value is None:
            return DEFAULT_FAIL_ON
        names = [n.lower().replace("_", "-") for n in re.split(r"[,\s]+", value) if n]
        allowed = f"use a list of {', '.join(FAIL_ON_NAMES)}, or none alone"
        if not names:  # "," is an error, never "fail on nothing" (SPEC §2)
            self.bad("fail-on", value, f"holds only separators; {allowed}")
            return DEFAULT_FAIL_ON
        if "none" in names:
            if len(set(names)) > 1:
                self.bad("fail-on", value, f"mixes none with outcomes; {allowed}")
            return frozenset()
        unknown = [n for n in names if n not in FAIL_ON_NAMES]
        for name in dict.fromkeys(unknown):
            self.bad("fail-on", name, f"is not an outcome that can fail; {allowed}")
        if unknown:
            return DEFAULT_FAIL_ON
        return frozenset(Outcome(n) for n in names)

    def boolean(self, name: str, *, default: bool) -> bool:
        value = self.values.get(name)
        if value is None:
            return default
        if value.lower() in _TRUE | _FALSE:
            return value.lower() in _TRUE
        self.bad(name, value, "is not a boolean; use true or false (also yes/no, on/off, 1/0)")
        return default

    def pr_comment(self) -> str:
        value = self.values.get("pr-comment", "always")
        choice = value.lower().replace("_", "-")
        if choice not in PR_COMMENT_CHOICES:
            self.bad("pr-comment", value, "is not allowed; use always, on-failure or never")
            return "always"
        return choice

    def preexisting_failures(self) -> bool:
        """`preexisting-failures`: True for `allow` (SPEC §9), False for `fail`."""
        value = self.values.get("preexisting-failures", "fail")
        if value.lower() not in ("fail", "allow"):
            self.bad("preexisting-failures", value, "is not allowed; use fail or allow")
            return False
        return value.lower() == "allow"

    def comment_key(self, default: str) -> str:
        value = self.values.get("comment-key")
        if value is None:  # the workflow name is free text: make it safe rather than fail
            return re.sub(r"--+!?>", "->", " ".join(default.split()))[:COMMENT_KEY_MAX]
        if "-->" in value or "--!>" in value or not value.isprintable():
            self.bad(
                "comment-key",
                value,
                'cannot hold "-->", "--!>" or line breaks (it goes into an HTML comment); '
                'use plain text such as "deploy/e2e"',
            )
        elif len(value) > COMMENT_KEY_MAX:
            self.bad("comment-key", value, f"is longer than {COMMENT_KEY_MAX} characters")
        return value

    def pr_number(self) -> int | None:
        value = self.values.get("pr-number")
        if value is None:
            return None
        digits = value.removeprefix("#")
        if not _WHOLE.fullmatch(digits) or int(digits) < 1:
            self.bad(
                "pr-number",
                value,
                "is not a pull request number; use a positive whole number such as 42",
            )
            return None
        return int(digits)

    def template(self, name: str) -> Path | None:
        value = self.values.get(name)
        if value is None:
            return None
        path = self.cwd / Path(value).expanduser()
        self._not_a_report(value, f"the {name}")
        if not path.exists():
            self.bad(name, value, f"does not exist (looked in {self.cwd})")
        elif not path.is_file():
            self.bad(name, value, "is not a file; give the path of a jinja2 template")
        return path

    def outputs(self) -> dict[str, Path | None]:
        """The three report paths, kept as given; directories and shared files are problems."""
        paths: dict[str, Path | None] = {}
        seen: dict[Path, str] = {}
        for name in OUTPUT_FILES:
            value = self.values.get(name)
            if value is None:
                paths[name] = None
                continue
            path = paths[name] = Path(value).expanduser()
            where = (self.cwd / path).resolve()
            if value.endswith(("/", "\\")) or where.is_dir():
                example = f"reports/checkly.{_SUFFIXES[name]}"
                self.bad(name, value, f"is a directory; give a file path such as {example}")
            elif where in seen:
                self.bad(
                    name, value, f"is the same file as {seen[where]}; give each report its own"
                )
            seen.setdefault(where, name)
        self.reports = {where: name for where, name in seen.items()}
        return paths

    def _not_a_report(self, value: str, what: str) -> None:
        """Every report is an output, never an input (SPEC §5): a report path that is also
        read (`what`: a session file, a template) is a problem of that report's option."""
        if not value or value.startswith("#"):
            return
        name = self.reports.get((self.cwd / Path(value).expanduser()).resolve())
        if name:
            self.bad(
                name,
                self.values[name],
                f"is also {what}; a report is written, never read: give it a path of its own",
            )

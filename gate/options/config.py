"""The gate's options (SPEC §2), read once at the edge into a frozen, typed `Config`.

Each option is looked up in this order; the first value that is not empty (or only
whitespace) wins: the CLI flag (`--api-key`); `INPUT_<NAME>` with the hyphens kept
(`INPUT_API-KEY`, as the GitHub runner passes inputs); the underscore form (`INPUT_API_KEY`);
the conventional variable for the four options that have one (`CHECKLY_API_KEY`,
`CHECKLY_ACCOUNT_ID`, `CHECKLY_API_URL`, `GITHUB_TOKEN`); the default. action.yml passes every
input, so unset inputs arrive as empty `INPUT_*` variables and fall through.

Every problem is collected and raised at once as `InvalidOptions`, each naming the option, the
bad value and what is allowed. No message holds a secret's value.
"""

from __future__ import annotations

import argparse
import dataclasses
from collections.abc import Mapping, Sequence
from pathlib import Path

from gate import __version__
from gate.core.errors import InvalidOptions
from gate.core.masking import scrub
from gate.core.verdict import DEFAULT_FAIL_ON, Thresholds
from gate.options import policy_options
from gate.options.evidence_options import EvidenceConfig, read_evidence
from gate.options.private_options import PRIVATE_OPTIONS, with_private_location
from gate.options.report_paths import report_path_problems
from gate.options.session_ids import SessionRef
from gate.options.trigger_options import TriggerConfig, read_trigger
from gate.options.unknown_names import unknown_problems
from gate.options.values import DEFAULT_API_URL, FAIL_ON_NAMES, ValueReader
from gate.options.workflow_options import WorkflowConfig, read_workflow

__all__ = ["OPTIONS", "Config", "Option", "SessionRef", "build_parser", "load_config"]


@dataclasses.dataclass(frozen=True)
class Option:
    """One SPEC §2 option: its kebab-case name, help text, env fallbacks and default."""

    name: str
    help: str
    default: str = ""
    env: tuple[str, ...] = ()
    metavar: str = "VALUE"

    @property
    def dest(self) -> str:
        return self.name.replace("-", "_")

    @property
    def repeatable(self) -> bool:
        """A list option: its flag may be given several times, the values joined by newlines."""
        return self.name in LIST_OPTIONS


LIST_OPTIONS: tuple[str, ...] = ("test-session-ids", "check-session-ids", "session-files", "tags")
LIST_OPTIONS += ("check-ids", "env", "secret-env")  # their flags may be given several times
LIST_OPTIONS += ("non-blocking-tags", "non-blocking-check-ids")


OPTIONS: tuple[Option, ...] = (
    Option("api-key", "Checkly API key (secret).", env=("CHECKLY_API_KEY",), metavar="KEY"),
    Option("account-id", "Checkly account ID (UUID).", env=("CHECKLY_ACCOUNT_ID",), metavar="ID"),
    Option("api-url", "API base URL.", DEFAULT_API_URL, ("CHECKLY_API_URL",), "URL"),
    Option(
        "test-session-ids",
        "Test session IDs or links, separated by commas, spaces or newlines.",
        metavar="IDS",
    ),
    Option(
        "check-session-ids",
        "Check session IDs or links, separated by commas, spaces or newlines.",
        metavar="IDS",
    ),
    Option(
        "session-files", "Files to read session IDs from, a path or glob per line.", metavar="FILES"
    ),
    Option("timeout", "Overall deadline: 90, 90s, 15m, 1h30m.", "10m", metavar="DURATION"),
    Option("max-wait-seconds", "Long-poll window per request, 1-30.", "30", metavar="N"),
    Option(
        "fail-on",
        "Outcomes that count as failing, or none.",
        ",".join(sorted(DEFAULT_FAIL_ON, key=FAIL_ON_NAMES.index)),
        metavar="OUTCOMES",
    ),
    Option("max-failures", "Failing check runs tolerated.", "0", metavar="N"),
    Option("min-pass-rate", "Percent of check runs that must not fail.", "0", metavar="PERCENT"),
    Option(
        "job-summary",
        "Write the job summary when GITHUB_STEP_SUMMARY is set.",
        "true",
        metavar="BOOL",
    ),
    Option("pr-comment", "always, on-failure or never.", "always", metavar="WHEN"),
    Option(
        "comment-key",
        "Tells several gates on one PR apart.",
        "$GITHUB_WORKFLOW/$GITHUB_JOB",
        metavar="KEY",
    ),
    Option(
        "github-token", "Token for the PR comment (secret).", env=("GITHUB_TOKEN",), metavar="TOKEN"
    ),
    Option("pr-number", "PR to comment on (default: from the event).", metavar="N"),
    Option("summary-template", "jinja2 template for the job summary.", "built-in", metavar="PATH"),
    Option("comment-template", "jinja2 template for the PR comment.", "built-in", metavar="PATH"),
    Option("junit-file", "Write a JUnit XML report here.", metavar="PATH"),
    Option("json-file", "Write the JSON report here.", metavar="PATH"),
    Option("summary-file", "Also write the Markdown summary here.", metavar="PATH"),
    Option("trigger", "Start runs first: test-session, check-sessions; or status.", metavar="KIND"),
    Option(
        "tags", "Checks to run: a tag group per line, tags separated by commas.", metavar="TAGS"
    ),
    Option("check-ids", "Checks to run, by ID or check link.", metavar="IDS"),
    Option(
        "location", "Where a triggered test session runs (default eu-central-1).", metavar="CODE"
    ),
    Option("env", "KEY=VALUE lines for the checks of a triggered test session.", metavar="LINES"),
    Option("secret-env", "The same, as secret variables (masked).", metavar="LINES"),
    Option("test-session-name", "Name of a triggered test session.", metavar="NAME"),
    Option("retries", "Retries (0-10) per check run of a triggered test session.", metavar="N"),
    Option("retry-strategy", "fixed, linear, exponential or single.", "fixed", metavar="STRATEGY"),
    Option("retry-on", "any, or network (retry network errors only).", "any", metavar="WHEN"),
    Option(
        "refresh-cache", "Checkly rebuilds the checks' dependency cache.", "false", metavar="BOOL"
    ),
    Option("allow-deactivated", "Deactivated checks match too.", "false", metavar="BOOL"),
    Option("fail-on-no-matching", "A trigger matching no check fails.", "true", metavar="BOOL"),
    Option(
        "cancel-on-exit",
        "Cancel triggered sessions when the gate stops early.",
        "true",
        metavar="BOOL",
    ),
    Option(
        "preexisting-failures",
        "fail or allow: allow leaves runs already failing before the session uncounted.",
        "fail",
        metavar="POLICY",
    ),
    Option("assets-dir", "Download failing runs' evidence into this folder.", metavar="DIR"),
    Option(
        "assets",
        "Asset types to download: trace, screenshot, video, report, log, pcap, file, or all.",
        "trace,screenshot,video,report",
        metavar="TYPES",
    ),
    Option("assets-max-mb", "Most megabytes (10^6 bytes) downloaded in all.", "200", metavar="N"),
    Option(
        "root-cause",
        "Checkly's root-cause analyses: off, existing or request (asks for new errors).",
        "existing",
        metavar="WHEN",
    ),
    Option("rerun", "failed or all: what a re-run attempt triggers.", "failed", metavar="WHICH"),
    Option("commit-status", "Set a commit status (statuses: write).", "false", metavar="BOOL"),
    Option("dry-run", "List what the trigger would run; start nothing.", "false", metavar="BOOL"),
    Option("flaky-failures", "fail, or allow: flaky runs uncounted.", "fail", metavar="POLICY"),
    Option("non-blocking-tags", "Checks with these tags are never counted.", metavar="TAGS"),
    Option("non-blocking-check-ids", "Checks (IDs, links) never counted.", metavar="IDS"),
    *(Option(name, text, metavar=metavar) for name, text, metavar in PRIVATE_OPTIONS),
)


@dataclasses.dataclass(frozen=True)
class Config:
    """Everything the run needs, validated. Secrets are hidden from `repr`."""

    api_key: str = dataclasses.field(repr=False)
    account_id: str | None
    api_url: str
    sessions: tuple[SessionRef, ...]
    timeout_s: float
    max_wait_seconds: int
    thresholds: Thresholds
    job_summary: bool
    pr_comment: str
    comment_key: str
    github_token: str | None = dataclasses.field(repr=False)
    pr_number: int | None
    summary_template: Path | None
    comment_template: Path | None
    junit_file: Path | None
    json_file: Path | None
    summary_file: Path | None
    trigger: TriggerConfig | None = None  # what to start before waiting (SPEC §8)
    nothing_matched: tuple[str, ...] = ()  # session files listing no session: SPEC §8's no match
    fail_on_no_matching: bool = True
    evidence: EvidenceConfig = EvidenceConfig()  # noqa: RUF009 - frozen, shared safely; what evidence to gather (SPEC §10)
    workflow: WorkflowConfig = dataclasses.field(default_factory=WorkflowConfig)  # SPEC §11

    def secrets(self) -> list[str]:
        """The non-empty secret values, to mask and to scan output for."""
        found = [s for s in (self.api_key, self.github_token) if s]
        return found + (self.trigger.secrets() if self.trigger else [])


class _Parser(argparse.ArgumentParser):
    """argparse that raises InvalidOptions instead of exiting; the CLI turns it into exit 2."""

    # argparse types error() as NoReturn; raising instead of exiting keeps that promise
    def error(self, message: str) -> None:  # type: ignore[override]
        raise InvalidOptions([message])


DESCRIPTION = """\
Wait for Checkly test and check sessions, explain the result, and pass or fail the build by
your thresholds. Also: `checkly-gate demo` (no account or network needed).
"""

EPILOG = """\
Every option can also come from the environment as INPUT_<NAME> with the hyphens kept, as the
GitHub runner passes action inputs (INPUT_API-KEY), or with underscores (INPUT_API_KEY).
api-key, account-id, api-url and github-token fall back to CHECKLY_API_KEY, CHECKLY_ACCOUNT_ID,
CHECKLY_API_URL and GITHUB_TOKEN. A flag wins over the environment; empty means "not set".

Exit codes: 0 gate passed, 1 gate failed, 2 invalid options, 3 no verdict possible,
130/143 interrupted.

Try it without an account: `checkly-gate demo` runs the real gate against a built-in Checkly
API simulator on 127.0.0.1.
"""


def build_parser() -> argparse.ArgumentParser:
    """The command line: one `--<option>` per SPEC §2 option, plus `--version`."""
    parser = _Parser(
        prog="checkly-gate",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        allow_abbrev=False,
    )
    parser.add_argument("--version", action="version", version=f"checkly-gate {__version__}")
    for option in OPTIONS:
        notes = [f"env {name}" for name in option.env]
        notes += [f"default {option.default}"] if option.default else []
        notes += ["repeatable"] if option.repeatable else []
        suffix = f" ({'; '.join(notes)})" if notes else ""
        parser.add_argument(
            f"--{option.name}",
            dest=option.dest,
            metavar=option.metavar,
            default=None,
            action="append" if option.repeatable else "store",
            help=(option.help + suffix).replace("%", "%%"),
        )
    return parser


def load_config(
    argv: Sequence[str], environ: Mapping[str, str], *, cwd: Path | None = None
) -> Config:
    """Read flags and environment into a Config, or raise InvalidOptions listing every problem.

    `cwd` is where relative `session-files` patterns and template paths are looked up (default:
    the working directory); output paths (`junit-file`, …) are kept as given, relative to the
    working directory of the run. `--help` / `--version` print and exit, as argparse does.
    """
    namespace, extra = build_parser().parse_known_args(list(argv))
    flags = {o.name: _flag_value(getattr(namespace, o.dest)) for o in OPTIONS}
    r = ValueReader(_pick(flags, environ), cwd or Path.cwd())
    for message in unknown_problems(extra, environ, (o.name for o in OPTIONS), r.secret_values):
        r.problem("", message)
    workflow = [environ.get(n, "").strip() for n in ("GITHUB_WORKFLOW", "GITHUB_JOB")]
    outputs = r.outputs()
    for option, why in report_path_problems(outputs, environ, cwd or Path.cwd()):
        r.bad(option, r.values[option], why)
    trigger = with_private_location(r, read_trigger(r))  # SPEC §12's options ride on it
    config = Config(
        api_key=r.secret("api-key", "the api-key input (from a secret) or CHECKLY_API_KEY") or "",
        account_id=r.account_id(),
        api_url=r.api_url(),
        sessions=r.sessions(triggered=trigger is not None),
        timeout_s=r.timeout(),
        max_wait_seconds=r.whole("max-wait-seconds", 30, 1, 30),
        thresholds=policy_options.thresholds(r),
        job_summary=r.boolean("job-summary", default=True),
        pr_comment=r.pr_comment(),
        comment_key=r.comment_key("/".join(w for w in workflow if w) or "checkly-gate"),
        github_token=r.secret("github-token", None),
        pr_number=r.pr_number(),
        summary_template=r.template("summary-template"),
        comment_template=r.template("comment-template"),
        junit_file=outputs["junit-file"],
        json_file=outputs["json-file"],
        summary_file=outputs["summary-file"],
        trigger=trigger,
        nothing_matched=tuple(r.nothing_matched),
        fail_on_no_matching=trigger.fail_on_no_matching if trigger else _no_matching_fails(r),
        evidence=read_evidence(r, cwd or Path.cwd()),
        workflow=read_workflow(r, trigger),
    )
    if r.problems:
        order = {"": -1} | {o.name: i for i, o in enumerate(OPTIONS)}
        problems = sorted(r.problems, key=lambda p: order.get(p[0], len(order)))
        raise InvalidOptions([_scrub(message, r.secret_values) for _, message in problems])
    return config


def _no_matching_fails(r: ValueReader) -> bool:
    """`fail-on-no-matching` without a trigger (read_trigger read and checked it already)."""
    return r.values.get("fail-on-no-matching", "true").lower() not in ("false", "no", "off", "0")


def _flag_value(value: str | list[str] | None) -> str | None:
    """A flag's value; a repeated list flag's values joined by newlines."""
    return "\n".join(value) if isinstance(value, list) else value


def _pick(flags: Mapping[str, str | None], environ: Mapping[str, str]) -> dict[str, str]:
    """option name -> the first non-blank value in precedence order (stripped)."""
    picked: dict[str, str] = {}
    for option in OPTIONS:
        upper = option.name.upper()
        names = (f"INPUT_{upper}", f"INPUT_{upper.replace('-', '_')}", *option.env)
        for value in (flags.get(option.name), *(environ.get(n) for n in names)):
            if value is not None and value.strip():
                picked[option.name] = value.strip()
                break
    return picked


def _scrub(message: str, secrets: Sequence[str]) -> str:
    """No secret survives in a message, even one typed into the wrong option (a short one is
    hidden where it stands alone, not inside option names: see `gate.core.masking.scrub`)."""
    return scrub(message, secrets)

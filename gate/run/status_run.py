"""`trigger: status` and `dry-run` (SPEC §11): the selected checks, read, never run.

`judge_status` turns the checks that `tags`/`check-ids` select into one session of check runs,
each judged by its current status (`gate.core.current_status`) and linked to the check.
`dry_run` lists what the trigger would run (name, type, locations, whether it uses
`{{ENVIRONMENT_URL}}`) and starts nothing. `warn_fixed_urls`: on `deployment_status`, the
matched checks that test a fixed URL rather than the deployment.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlsplit

from gate.checkly.checks import DeployedCheck, Selection, current_statuses, select_checks
from gate.checkly.client import ChecklyClient
from gate.checkly.transport import ApiError, Unreachable
from gate.core.current_status import status_outcome
from gate.core.errors import ApiUnreachable, NoVerdict
from gate.core.model import CheckRun, Outcome, Session, SessionKind, worst
from gate.options.config import Config
from gate.options.trigger_options import TriggerConfig, TriggerKind
from gate.runner.workflow import Runner, neutralize

STATUS_SESSION_ID = "current-status"


def judge_current_status(
    config: Config, client: ChecklyClient, runner: Runner, deadline: float
) -> tuple[list[Session], list[str], list[str]]:
    """`judge_status` when the trigger is `status`; else nothing."""
    trigger = config.trigger
    if trigger is None or trigger.kind is not TriggerKind.STATUS:
        return [], [], []
    return judge_status(trigger, client, runner, deadline)


def judge_status(
    trigger: TriggerConfig, client: ChecklyClient, runner: Runner, deadline: float
) -> tuple[list[Session], list[str], list[str]]:
    """The status session, the warnings and the reasons the gate fails for (no match)."""
    filters = trigger.describe_filters()
    runner.say(neutralize(f"Reading the current status of {filters} (trigger: status, no runs)"))
    try:
        selection = select_checks(client, trigger, deadline)
        statuses = current_statuses(client, deadline) if selection.checks else {}
    except ApiError as exc:  # refused (a 400): the one session says why
        session = Session.unreadable(
            SessionKind.CHECK, STATUS_SESSION_ID, f"the checks could not be read: {exc}"
        )
        return [session], [], []
    except Unreachable as exc:  # no verdict (exit 3), as when a session cannot be awaited
        raise ApiUnreachable(f"Checkly could not be reached at {client.api_url}") from exc
    app = _app_url(client)
    runs = [_run(check, statuses.get(check.id), app) for check in selection.checks]
    chosen = {c.id.lower() for c in selection.checks} | {u.lower() for u in selection.unknown_ids}
    unjudged = [c for c in trigger.check_ids if c.lower() not in chosen]  # deactivated, no tag
    runs += [_missing(cid, f"no check with ID {cid}", app) for cid in selection.unknown_ids]
    runs += [_missing(cid, "requested by check-ids: " + UNJUDGED, app) for cid in unjudged]
    if not runs:
        no_match = f"{filters} matched no check"
        if trigger.fail_on_no_matching:
            return [], [f"{no_match}."], [f"{no_match} (fail-on-no-matching)"]
        runner.notice(neutralize(f"{no_match}."))
        return [], [f"{no_match}."], []
    count = len(runs)
    session = Session(
        kind=SessionKind.CHECK,
        id=STATUS_SESSION_ID,
        outcome=worst(r.outcome for r in runs),
        name=f"Current status of {count} check{'s' if count != 1 else ''} ({filters})",
        runs=tuple(runs),
        note="no run was started: each check is judged by its current status (trigger: status)",
    )
    return [session], [], []


UNJUDGED = "deactivated (allow-deactivated) or does not match the tags"


def _missing(check_id: str, reason: str, app: str) -> CheckRun:
    """A requested check with no status to judge (SPEC §11's `missing`)."""
    return CheckRun(
        f"missing-{check_id}", f"check {check_id}", Outcome.MISSING, check_id=check_id,
        link=f"{app}/checks/{check_id}", reason=reason,
    )  # fmt: skip


def _run(check: DeployedCheck, status: Mapping[str, object] | None, app: str) -> CheckRun:
    outcome, reason = status_outcome(status)
    where = status.get("lastRunLocation") if status else None
    return CheckRun(
        result_id=str(status.get("lastCheckRunId") or check.id) if status else check.id,
        name=check.name,
        outcome=outcome,
        check_type=check.check_type,
        check_id=check.id,
        location=where if isinstance(where, str) else None,
        link=f"{app}/checks/{check.id}",
        reason=reason,
    )


def dry_run(config: Config, client: ChecklyClient, runner: Runner, deadline: float) -> int:
    """List what the trigger would run; start nothing; exit 0 (problems reading: exit 3)."""
    from gate.reports.md_filters import md_cell  # noqa: PLC0415 - only for a dry run

    trigger = config.trigger
    assert trigger is not None
    try:
        selection = select_checks(client, trigger, deadline)
    except ApiError as exc:
        raise NoVerdict(f"dry run: the checks could not be listed ({exc})") from exc
    except Unreachable as exc:
        raise ApiUnreachable(f"dry run: Checkly could not be reached at {client.api_url}") from exc
    kind = "test session" if trigger.kind is TriggerKind.TEST_SESSION else "check sessions"
    count = len(selection.checks)
    head = (
        f"Dry run: a {kind} trigger with {trigger.describe_filters()} would run "
        f"{count} check{'s' if count != 1 else ''}; nothing was started"
    )
    lines = [head]
    table = ["| Check | Type | Locations | Uses {{ENVIRONMENT_URL}} |", "|---|---|---|---|"]
    for check in selection.checks:
        where = (
            ("a private location for this run" if trigger.private_location else trigger.location)
            if trigger.kind is TriggerKind.TEST_SESSION
            else ", ".join(check.locations) or "(the check's own)"
        )
        uses = _uses(check)
        lines.append(f'  "{check.name}" [{check.check_type}] {where} · {uses} · {check.id}')
        table.append(
            f"| {md_cell(check.name)} | {md_cell(check.check_type)} | {md_cell(where or '')} | "
            f"{md_cell(uses)} |"
        )
    for cid in selection.unknown_ids:
        lines.append(f"  no check with ID {cid}")
    chosen = {c.id.lower() for c in selection.checks} | {u.lower() for u in selection.unknown_ids}
    for cid in [c for c in trigger.check_ids if c.lower() not in chosen]:
        lines.append(f"  {cid}: would not run (missing): {UNJUDGED}")
    for line in lines:
        runner.say(neutralize(line))
    if runner.environ.get("GITHUB_EVENT_NAME") == "deployment_status":
        _fixed_url_warnings(selection, runner)
    summary = "\n".join([f"## Checkly gate dry run\n\n{md_cell(head)}.\n", *table]) + "\n"
    path = runner.environ.get("GITHUB_STEP_SUMMARY")
    if config.job_summary and path:
        from pathlib import Path  # noqa: PLC0415 - only for a dry run

        runner.write_summary_to(summary)(Path(path))
    return 0


def warn_fixed_urls(
    config: Config,
    client: ChecklyClient,
    runner: Runner,
    environ: Mapping[str, str],
    deadline: float,
) -> list[str]:
    """On `deployment_status`: a warning per matched check whose URL ignores the deployment."""
    trigger = config.trigger
    if environ.get("GITHUB_EVENT_NAME") != "deployment_status" or trigger is None:
        return []
    if trigger.kind is not TriggerKind.TEST_SESSION or not _env_url_passed(config, environ):
        return []
    try:
        selection: Selection = select_checks(client, trigger, deadline)
    except (ApiError, Unreachable):
        return []  # best effort: the trigger still runs
    return _fixed_url_warnings(selection, runner)


def _fixed_url_warnings(selection: Selection, runner: Runner) -> list[str]:
    warnings = []
    for check in selection.checks:
        if check.uses_environment_url is False:
            host = urlsplit(check.url).netloc if check.url else ""
            fixed = f" ({host})" if host else ""
            text = (
                f'"{check.name}" does not use {{{{ENVIRONMENT_URL}}}}: it tests a fixed URL'
                f"{fixed}, not this deployment"
            )
            runner.notice(neutralize(text), "warning")
            warnings.append(text)
    return warnings


def _env_url_passed(config: Config, environ: Mapping[str, str]) -> bool:
    """Whether the deployment's URL goes to the checks (the event names one, or `env` does)."""
    from gate.runner.ci_context import run_context  # noqa: PLC0415 - deployments only

    given = config.trigger is not None and any(
        v.key == "ENVIRONMENT_URL" for v in config.trigger.variables
    )
    return given or run_context(environ).environment_url is not None


def _uses(check: DeployedCheck) -> str:
    if check.uses_environment_url is None:
        return "cannot tell"
    return "uses {{ENVIRONMENT_URL}}" if check.uses_environment_url else "fixed URL"


def _app_url(client: ChecklyClient) -> str:
    host = urlsplit(client.api_url).hostname or ""
    return f"https://app.{host[4:]}" if host.startswith("api.") else "https://app.checklyhq.com"

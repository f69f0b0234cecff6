"""A re-run attempt of a job (SPEC §11): trigger only the checks that failed before.

On GitHub, with `GITHUB_RUN_ATTEMPT` > 1, `rerun: failed` and a test-session trigger, the
earlier attempts' test sessions are found (`gate.checkly.earlier_attempts`) and judged
(`gate.core.rerun`): the trigger then names the failing checks by ID, and the passing runs are
carried into the reports. The console says what runs again and why; when there is nothing to
go on, everything runs and the console says why. Check-session triggers always run everything.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

from gate.checkly.client import ChecklyClient
from gate.core.model import Session
from gate.options.config import Config
from gate.options.trigger_options import TriggerKind
from gate.runner.workflow import Runner, neutralize


def prepare_rerun(
    config: Config,
    client: ChecklyClient,
    runner: Runner,
    *,
    environ: Mapping[str, str],
    deadline: float,
) -> tuple[Config, tuple[Session, ...]]:
    """The config this attempt triggers with, and the sessions carried from earlier ones."""
    trigger = config.trigger
    raw = environ.get("GITHUB_RUN_ATTEMPT") or "1"
    attempt = int(raw) if raw.isdigit() else 1
    if trigger is None or attempt <= 1 or environ.get("GITHUB_ACTIONS") != "true":
        return config, ()
    if trigger.kind is TriggerKind.CHECK_SESSIONS:
        runner.say(f"Attempt {attempt}: check-session triggers always run every matched check")
        return config, ()
    if trigger.kind is not TriggerKind.TEST_SESSION:
        return config, ()
    if config.workflow.rerun == "all":
        runner.say(f"Attempt {attempt}: running every matched check (rerun: all)")
        return config, ()
    from gate.checkly.earlier_attempts import NotFound, find_earlier  # noqa: PLC0415 - re-runs only
    from gate.core.rerun import plan_rerun  # noqa: PLC0415 - re-runs only
    from gate.runner.ci_context import run_context  # noqa: PLC0415 - re-runs only

    try:
        earlier = find_earlier(
            client,
            deadline,
            default_name=run_context(environ).default_name,
            attempt=attempt,
            user_name=trigger.name,
            run_id=environ.get("GITHUB_RUN_ID") or None,
        )
    except NotFound as exc:
        runner.say(neutralize(f"Attempt {attempt}: running every matched check: {exc}"))
        return config, ()
    plan = plan_rerun(earlier, config.thresholds)
    if plan.run_all is not None:
        runner.say(neutralize(f"Attempt {attempt}: running every matched check: {plan.run_all}"))
        return config, ()
    ran = {r.check_id.lower() for a in earlier for r in a.session.runs if r.check_id}
    unseen = tuple(c for c in trigger.check_ids if c.lower() not in ran)  # missing before: again
    plan = dataclasses.replace(plan, check_ids=(*plan.check_ids, *unseen))
    count = len(plan.check_ids)
    carried = len({r.check_id for s in plan.carried for r in s.runs})
    attempts = ", ".join(str(a.number) for a in earlier)
    runner.say(
        f"Attempt {attempt}: running only the {count} check{'s' if count != 1 else ''} that "
        f"failed in attempt {attempts} (rerun: failed); {carried} passing "
        f"check{'s' if carried != 1 else ''} carried over"
    )
    for session in earlier:
        runner.say(
            neutralize(f"  attempt {session.number}: {session.session.link or session.session.id}")
        )
    rerun = dataclasses.replace(trigger, tags=(), check_ids=plan.check_ids)
    return dataclasses.replace(config, trigger=rerun), plan.carried

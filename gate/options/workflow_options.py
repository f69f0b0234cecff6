"""The workflow options (SPEC §11): `rerun`, `commit-status` and `dry-run`.

`read_workflow` turns the picked values into a `WorkflowConfig`, reporting every problem on the
`ValueReader` so they are listed with the others. `trigger: status` itself is a trigger kind
(`gate.options.trigger_options`); a dry run needs a trigger to describe.
"""

from __future__ import annotations

import dataclasses

from gate.options.trigger_options import TriggerConfig, TriggerKind, ValueReader

RERUN_CHOICES = ("failed", "all")
STATUS_CONTEXT = "checkly-gate"


@dataclasses.dataclass(frozen=True)
class WorkflowConfig:
    """How the gate fits the team's workflow (SPEC §11)."""

    rerun: str = "failed"  # failed: a re-run attempt runs only what failed before; all: everything
    commit_status: bool = False  # set a commit status on the commit being tested
    dry_run: bool = False  # list what the trigger would run, start nothing
    status_context: str = STATUS_CONTEXT  # `checkly-gate/<comment-key>` when a key is given


def read_workflow(r: ValueReader, trigger: TriggerConfig | None) -> WorkflowConfig:
    """The workflow options from the picked values; problems go to `r`."""
    value = r.values.get("rerun", "failed")
    rerun = value.lower()
    if rerun not in RERUN_CHOICES:
        r.bad("rerun", value, "is not allowed; use failed or all")
        rerun = "failed"
    dry_run = r.boolean("dry-run", default=False)
    if dry_run and "trigger" not in r.values and trigger is None:
        r.problem(
            "dry-run",
            "dry-run lists what a trigger would run; set tags, check-ids or trigger as well",
        )
    if dry_run and trigger is not None and trigger.kind is TriggerKind.STATUS:
        r.problem(
            "dry-run",
            "dry-run does not apply with trigger: status (it starts nothing anyway); leave it out",
        )
    key = r.values.get("comment-key")
    return WorkflowConfig(
        rerun=rerun,
        commit_status=r.boolean("commit-status", default=False),
        dry_run=dry_run,
        status_context=f"{STATUS_CONTEXT}/{key}" if key else STATUS_CONTEXT,
    )

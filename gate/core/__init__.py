"""Stage 0, the core: the gate's vocabulary and its pure decisions, no I/O.

Owns the session model (`model`: `Session`, `CheckRun`), Checkly's statuses read as outcomes
(`outcomes`), the verdict (`verdict`), the exception tree and exit codes (`errors`), SIGINT and
SIGTERM (`signals`), the forms of a secret that are scrubbed (`masking`) and triage's labels
(`triage`, SPEC §9).

May import: `gate` (its `__init__`: the version) and the core's own modules. Nothing else.
"""

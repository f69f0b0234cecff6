"""Stage 2, checkly: everything that speaks to the Checkly Public API.

Owns the HTTP client (`client`: auth headers, the User-Agent, one session per thread), its
transport rules (`transport`: the shared rate budget, retries and `Retry-After`), waiting for
sessions to complete (`waiting`), fetching failure details (`details`) and turning them into
reasons (`reasons`). Trigger mode and triage add their modules here.

May import: `gate.options` and the core. Never the runner, the reports or the CLI.
"""

"""The exceptions the gate raises, each named for the condition the user sees.

    GateError                      (exit code + hint; the CLI turns it into a message)
    ├── InvalidOptions             exit 2: every bad option, reported at once
    ├── TemplateProblem            exit 2: a custom template cannot be used
    │   └── TemplateMissingMarker  exit 2: a comment template dropped the marker
    ├── TriggerRefused             exit 2: Checkly refused the trigger's filters or location (400)
    ├── NoVerdict                  exit 3: no verdict possible
    │   ├── CredentialsRejected    exit 3: 401/403 from Checkly
    │   ├── ApiUnreachable         exit 3: Checkly never answered before the deadline
    │   ├── PlanLimit              exit 3: the trigger is over the plan's limits (402)
    │   └── TriggerUncertain       exit 3: a trigger's answer was lost; runs may have started
    └── Interrupted                exit 130/143: SIGINT/SIGTERM

Expected per-session problems (404, 400, a deadline) are *not* exceptions: they become the
`error` / `incomplete` outcome of that session (see gate.core.model).
"""

from __future__ import annotations

import signal

# The causes of a failed connection (as `gate.checkly.transport.describe` words them) that mean
# the address or the proxy is wrong, not that Checkly is slow.
WRONG_ADDRESS = frozenset(
    {"connection refused", "unknown host", "could not connect", "the proxy failed",
     "TLS handshake failed"}
)  # fmt: skip
EXIT_PASSED = 0
EXIT_FAILED = 1
EXIT_INVALID = 2
EXIT_NO_VERDICT = 3
EXIT_SIGINT = 130
EXIT_SIGTERM = 143


class GateError(Exception):
    """Base of every error the gate reports on purpose."""

    exit_code = EXIT_NO_VERDICT
    hint = ""

    def diagnostics(self) -> str:
        """The message for the user, with the hint when there is one."""
        text = str(self)
        return f"{text}\nHint: {self.hint}" if self.hint else text


class InvalidOptions(GateError):
    """One or more options are invalid; `problems` names each option, value and what is allowed."""

    exit_code = EXIT_INVALID

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        count = len(self.problems)
        head = "1 invalid option" if count == 1 else f"{count} invalid options"
        super().__init__(head + ":\n" + "\n".join(f"  - {p}" for p in self.problems))


class TemplateProblem(GateError):
    """A custom template could not be loaded or rendered."""

    exit_code = EXIT_INVALID


class TemplateMissingMarker(TemplateProblem):
    """A custom comment template does not output the hidden comment marker."""

    hint = "Keep `{{ marker }}` (or `{{ super() }}` of the base template) in the comment template."


class NoVerdict(GateError):
    """The gate cannot decide: exit 3."""

    exit_code = EXIT_NO_VERDICT


class CredentialsRejected(NoVerdict):
    """Checkly refused the API key (401) or the account (403)."""

    def __init__(self, status: int, message: str, account_id: str | None) -> None:
        self.status = status
        what = "API key" if status == 401 else "access to the account"
        account = account_id or "(none given)"
        super().__init__(
            f"Checkly refused the {what} (HTTP {status}): {message} [account {account}]"
        )
        if status == 401:
            self.hint = (
                "Check `api-key` (env CHECKLY_API_KEY): create a key under Checkly > User "
                "settings > API keys, store it as a repository secret and pass it to the action."
            )
        else:
            self.hint = (
                "Check `account-id` (env CHECKLY_ACCOUNT_ID): it is under Checkly > Account "
                "settings > General, and the API key's user must be a member of that account."
            )


class ApiUnreachable(NoVerdict):
    """Checkly could not be reached (or kept failing) until the deadline."""

    hint = "Check `api-url`, HTTPS_PROXY/NO_PROXY, and status.checklyhq.com; raise `timeout`."
    WRONG_ADDRESS_HINT = (
        "Check `api-url` (the Checkly API, e.g. https://api.checklyhq.com) and HTTPS_PROXY/"
        "NO_PROXY: nothing answered there as Checkly, and a longer `timeout` will not help."
    )

    @classmethod
    def at(cls, url: str, cause: str | None) -> ApiUnreachable:
        """Unreachable at `url`; the hint fits the cause (a refused connection or an unknown
        host points at `api-url` and the proxy, not at raising `timeout`)."""
        return cls.because(
            f"Checkly could not be reached at {url}" + (f": {cause}" if cause else ""), cause
        )

    @classmethod
    def because(cls, message: str, cause: str | None) -> ApiUnreachable:
        """`message`, with the hint that fits `cause` (the last failure, as worded)."""
        error = cls(message)
        if cause in WRONG_ADDRESS:
            error.hint = cls.WRONG_ADDRESS_HINT
        return error


class TriggerRefused(GateError):
    """Checkly answered 400 to a trigger: the filters, location or variables were refused."""

    exit_code = EXIT_INVALID
    hint = "Check `tags`, `check-ids`, `location`, `env` and `secret-env` (docs/trigger-mode.md)."


class PlanLimit(NoVerdict):
    """Checkly answered 402 to a trigger: the account's plan does not allow these runs."""

    hint = (
        "The account's plan limits (or lacks) what was triggered: see Checkly > Account "
        "settings > Plans & billing, or trigger fewer checks (`tags`, `check-ids`)."
    )


class TriggerUncertain(NoVerdict):
    """A trigger's answer was lost (a timeout, a reset, a 5xx), and retrying could start the
    runs twice: the gate stops rather than guess."""

    hint = (
        "Look at the runs in Checkly before running the gate again; a trigger has no "
        "idempotency key, so the gate never sends one twice when it cannot tell."
    )


class Interrupted(GateError):
    """The run was cancelled by SIGINT (130) or SIGTERM (143)."""

    def __init__(self, signum: int) -> None:
        self.signum = signum
        self.exit_code = EXIT_SIGTERM if signum == signal.SIGTERM else EXIT_SIGINT
        super().__init__(f"interrupted by {signal.Signals(signum).name}")

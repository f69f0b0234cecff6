"""The command line: parse, build the config, run, and the one place exceptions become exits."""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TextIO

from gate import __version__
from gate.checkly.client import ChecklyClient
from gate.checkly.transport import DEFAULT_TIMING, Timing
from gate.core.errors import EXIT_NO_VERDICT, EXIT_SIGINT, GateError, InvalidOptions
from gate.core.signals import Signals
from gate.options.cli_words import in_cli_words
from gate.options.config import OPTIONS, load_config
from gate.options.trigger_options import secret_env_values
from gate.run.pipeline import run
from gate.run.stopped import leave_no_verdict
from gate.runner.workflow import Runner

SECRET_ENV = (
    "INPUT_API-KEY",
    "INPUT_API_KEY",
    "CHECKLY_API_KEY",
    "INPUT_GITHUB-TOKEN",
    "INPUT_GITHUB_TOKEN",
    "GITHUB_TOKEN",
)
SECRET_FLAGS = ("--api-key", "--github-token")
SECRET_ENV_LINES = ("INPUT_SECRET-ENV", "INPUT_SECRET_ENV")  # KEY=VALUE lines: mask the values


def main(
    argv: Sequence[str] | None = None,
    environ: Mapping[str, str] | None = None,
    out: TextIO | None = None,
    *,
    err: TextIO | None = None,
    timing: Timing = DEFAULT_TIMING,
) -> int:
    """Run the gate; return the exit code (SPEC §6). `timing`: the Checkly client's timeouts.

    `out` is the console (default stdout, which may be closed: None); `err` gets the errors
    and warnings again outside GitHub (default stderr when `out` is stdout, else none)."""
    args = list(sys.argv[1:] if argv is None else argv)
    env = dict(os.environ if environ is None else environ)
    stream = out if out is not None else sys.stdout
    errors = err if err is not None else (sys.stderr if out is None else None)
    if args and args[0] == "demo":
        from gate.demo import run_demo  # noqa: PLC0415 - the simulator is only for the demo

        return run_demo(args[1:], stream if stream is not None else io.StringIO())
    signals = Signals()
    signals.install()  # first: a cancelled run still writes its reports
    runner = Runner(env, stream, errors)
    problems: list[str] = []
    code = _run(args, env, runner, signals, timing=timing, problems=problems)
    leave_no_verdict(runner, env, code, problems, args)  # result=no-verdict for every exit but 0, 1
    return code


def _run(
    args: list[str],
    env: dict[str, str],
    runner: Runner,
    signals: Signals,
    *,
    timing: Timing,
    problems: list[str],
) -> int:
    """Options, templates, the run: its exit code, the reasons for a stop into `problems`."""
    runner.mask([*(env[name] for name in SECRET_ENV if env.get(name)), *flag_secrets(args)])
    runner.mask(v for name in SECRET_ENV_LINES for v in secret_env_values(env.get(name, "")))
    try:
        config = load_config(args, env, cwd=Path.cwd())
        runner.mask(config.secrets())
        templates = None
        if config.summary_template or config.comment_template:
            from gate.reports.templating import load_templates  # noqa: PLC0415 - a bad one exits 2 before waiting
            from gate.runner.comment_history import marker_for  # noqa: PLC0415 - no PyGithub until a comment

            templates = load_templates(
                config.summary_template,
                config.comment_template,
                marker=marker_for(config.comment_key),
            )
        client = ChecklyClient(
            config.api_url,
            config.api_key,
            config.account_id,
            timing=timing,
            secrets=config.secrets(),
        )
        return run(config, templates, runner, env, client=client, signals=signals)
    except SystemExit as exc:  # argparse: --help, --version, usage errors
        problems.append("the command line could not be read (its error is in the step's log)")
        return int(exc.code or 0) if isinstance(exc.code, int) else 2
    except GateError as exc:
        said = exc.diagnostics()
        runner.error(
            said if runner.github else in_cli_words(said, (o.name for o in OPTIONS)),
            title="checkly-gate",
        )
        problems += exc.problems if isinstance(exc, InvalidOptions) else [exc.diagnostics()]
        return exc.exit_code
    except KeyboardInterrupt:  # only where the handlers cannot be installed (not the main thread)
        runner.error("interrupted by SIGINT", title="checkly-gate")
        problems.append("interrupted by SIGINT")
        return EXIT_SIGINT
    except Exception as exc:
        message = (
            f"internal error: {type(exc).__name__}: {exc}. This is a bug in checkly-gate "
            f"{__version__}; please report it with this log."
        )
        runner.error(message, title="checkly-gate bug")
        problems.append(message)
        return EXIT_NO_VERDICT
    finally:
        signals.release()


def flag_secrets(args: Sequence[str]) -> list[str]:
    """The values of `--api-key` / `--github-token` on the command line, to mask before
    anything else is printed (even when the options turn out to be invalid)."""
    found: list[str] = []
    for index, arg in enumerate(args):
        for flag in (*SECRET_FLAGS, "--secret-env"):
            if arg.startswith(flag + "="):
                value = arg[len(flag) + 1 :].strip()
            elif arg == flag and index + 1 < len(args):
                value = args[index + 1].strip()
            else:
                continue
            found += secret_env_values(value) if flag == "--secret-env" else [value]
    return [value for value in found if value]

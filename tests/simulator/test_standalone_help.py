"""`python -m gate.simulator --help` documents every option and how to point the gate at it."""

from __future__ import annotations

import subprocess
import sys


def test_the_help_documents_every_option() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "gate.simulator", "--help"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    text = " ".join(done.stdout.split())
    for option, words in {
        "--host": "address to listen on",
        "--port": "any free one",
        "--scenario": "sessions to serve",
        "--api-key": "the key it accepts",
        "--account-id": "the account it accepts",
        "--max-wait-cap": "long-polls",
        "--rate-limit": "answer 429",
    }.items():
        assert option in text and words in text, option
    assert "CHECKLY_API_URL" in text and "checkly-gate --test-session-ids" in text

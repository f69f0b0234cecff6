"""The baseline: how peers wait (Datadog synthetics, mabl): read each session every N seconds.

`python -m bench.poller --api-url URL --api-key KEY --account-id ID --interval 5 ID...` asks
`GET /v1/test-sessions/{id}` for every unfinished session at once, then every `interval`
seconds (on a fixed beat), and exits as soon as none is running. Same HTTP stack as the gate
(`requests`, one keep-alive session), no reports: the kindest possible baseline.
"""

from __future__ import annotations

import argparse
import time

RUNNING = frozenset({"RUNNING", "PENDING", "STARTED", "PROGRESS"})


def poll(api_url: str, api_key: str, account_id: str, ids: list[str], interval: float) -> int:
    """Poll until every session has finished; return how many requests were sent."""
    import requests

    http = requests.Session()
    http.headers["Authorization"] = f"Bearer {api_key}"
    http.headers["X-Checkly-Account"] = account_id
    pending = list(ids)
    start = time.monotonic()
    beat = sent = 0
    while True:
        for session_id in list(pending):
            sent += 1
            answer = http.get(f"{api_url}/v1/test-sessions/{session_id}", timeout=20)
            if answer.status_code == 200 and answer.json().get("status") not in RUNNING:
                pending.remove(session_id)
        if not pending:
            return sent
        beat += 1
        time.sleep(max(start + beat * interval - time.monotonic(), 0.0))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.poller", description=__doc__)
    parser.add_argument("--api-url", required=True)
    parser.add_argument("--api-key", required=True)
    parser.add_argument("--account-id", required=True)
    parser.add_argument("--interval", type=float, default=5.0)
    parser.add_argument("ids", nargs="+")
    options = parser.parse_args(argv)
    poll(options.api_url, options.api_key, options.account_id, options.ids, options.interval)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

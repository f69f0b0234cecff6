"""What the gate says when a trigger's answer is lost (SPEC §8): where the runs may be."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit


def several(api_url: str, token: str, why: str, found: Sequence[Mapping[str, Any]]) -> str:
    named = "; ".join(f'{e.get("id")} "{e.get("name")}"' for e in found)
    return (
        f"the trigger's answer was lost ({why}), and {len(found)} test sessions end with this "
        f"run's token {token} (a proxy may have repeated the POST): {named}. The gate cannot "
        f"tell which one to judge; see {app_url(api_url)}/test-sessions"
    )


def none_found(api_url: str, token: str, why: str, failure: str | None) -> str:
    looked = f" (the last look-up failed: {failure})" if failure else ""
    return (
        f"the trigger's answer was lost ({why}), and no test session with this run's token "
        f"{token} was found{looked}. The trigger was not sent again, so that no run starts "
        f"twice. A session may still appear: search for {token} in Checkly > Test sessions "
        f"({app_url(api_url)}/test-sessions)"
    )


def check_uncertain(api_url: str, why: str) -> str:
    return (
        f"the check-session trigger's answer was lost ({why}): check runs may have started "
        "(and may alert as scheduled runs do), and the gate does not trigger again; see each "
        f"check's recent runs at {app_url(api_url)}/checks"
    )


def app_url(api_url: str) -> str:
    """Checkly's web app for an API URL (`api.eu.checklyhq.com` → `https://app.eu.checklyhq.com`)."""
    host = urlsplit(api_url).hostname or ""
    if host.startswith("api."):
        return f"https://app.{host[4:]}"
    return "https://app.checklyhq.com"

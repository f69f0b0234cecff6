"""Stage 1, options: reading and validating every option.

Owns the `Config` dataclass and `OPTIONS` table (`config`), reading and checking each value
(`values`), durations (`durations`) and session IDs from values, links and files
(`session_ids`). Every problem is collected and reported at once, before any request.

May import: the core (`gate`, `gate.core`: `model`, `outcomes`, `verdict`, `errors`, `masking`).
Nothing here does network I/O.
"""

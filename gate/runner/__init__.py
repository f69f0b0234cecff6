"""Stage 3, runner: the GitHub Actions runner and the PR comment.

Owns all runner I/O (`workflow`: workflow commands and their escaping, outputs with a random
heredoc delimiter, the job summary file, masks), the event payload and which PR it names
(`events`), and the sticky PR comment (`pr_comment`: upsert through PyGithub; `comment_history`:
the data block of earlier runs; `comment_owner`: which marked comments are the gate's own), and
who owns the files the gate creates in the workspace (`workspace`: the workspace's owner, when
the gate runs as root).

May import: `gate.checkly`, `gate.options` and the core. Never the reports or the CLI. PyGithub
is imported only when a comment is to be posted.
"""

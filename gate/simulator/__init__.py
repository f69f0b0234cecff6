"""The Checkly API simulator: a real HTTP server on 127.0.0.1 and its scripted data.

Used by `checkly-gate demo`, the tests and the benchmark; standalone as
`python -m gate.simulator --scenario demo`. `server` serves the routes, `scenarios` holds the
scripted sessions and the API bodies built from them.

May import: the core only (it plays Checkly, so it must not share the gate's client code).
"""

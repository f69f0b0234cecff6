"""Stage 5, the run: the glue of one gate run, above every other stage.

Owns one run from config to exit code (`pipeline`: wait, explain, decide, publish), the trigger
steps of a run (`trigger_run`: start the runs, adopt or cancel them, fold their sessions in) and
the writing of every report (`publish`). Each module receives its collaborators as arguments.

May import: `gate.reports`, `gate.runner`, `gate.checkly`, `gate.options`, the core and
`gate.run`'s own modules. Never the simulator: only the entry points (`gate.demo`) start it.
"""

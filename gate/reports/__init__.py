"""Stage 4, reports: the report model and everything that renders or writes it.

Owns the report model (`report`), the console (`console`), the Markdown job summary and PR
comment (`templating`: the sandboxed jinja2 templates in `templates/`; `context`: the template
context, a public API; `fitting`: the size budget; `md_filters`: escaping and filters), JUnit
(`junit`) and JSON (`json_report`, described by `schema/report.schema.json`).

May import: `gate.runner`, `gate.checkly`, `gate.options` and the core. Rendering is pure: the
writing of files and posting of comments is driven from `gate.run.publish`.
"""

"""The JSON report's schema (gate/reports/schema/report.schema.json) as a validator."""

from __future__ import annotations

from jsonschema import Draft202012Validator

from gate.reports.json_report import schema

VALIDATOR = Draft202012Validator(schema(), format_checker=Draft202012Validator.FORMAT_CHECKER)

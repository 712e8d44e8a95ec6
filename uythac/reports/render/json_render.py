"""JSON: every amount in integer VND, every ratio as its exact fraction with its value rounded ROUND_HALF_UP to the
places named next to it (``{"value": "0.100", "numerator": …, "denominator": …, "places": 3, …}``)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from decimal import Decimal

from uythac.reports.entrustment_types import ROUNDING, Ratio, YearFlows


def as_data(value):
    if isinstance(value, Ratio):
        return value.as_json()
    if isinstance(value, YearFlows):
        data = {f.name: as_data(getattr(value, f.name)) for f in dataclasses.fields(value)}
        data.update(complete=value.complete, periods_missing=list(value.periods_missing))
        return data
    if dataclasses.is_dataclass(value):
        data = {f.name: as_data(getattr(value, f.name)) for f in dataclasses.fields(value)}
        if hasattr(value, "total") and isinstance(getattr(type(value), "total", None), property):
            data["total"] = value.total
        return data
    if isinstance(value, dict):
        return {str(key) if key != "" else "total": as_data(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [as_data(item) for item in value]
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def report_data(report) -> dict:
    data = {"report": "entrustment", "units": {
        "money": "VND (integer)",
        "ratios": f"percent unless percent=false; exact numerator/denominator, value rounded {ROUNDING} to places",
    }}
    data.update(as_data(report))
    return data


def render_json(report) -> bytes:
    return (json.dumps(report_data(report), ensure_ascii=False, indent=2) + "\n").encode("utf-8")

"""Shipping dated rule values (``core.RuleValue``) from data migrations: one loader for every app.

A rule row is ``(key, value, effective_from, effective_to, source_document, confidence, description)``; the older
6-field form without ``effective_to`` (open-ended) is accepted too. Loading is idempotent (``get_or_create`` on the
key and start date: a value an administrator has since edited is kept), and unloading deletes exactly the rows the
migration ships. The functions use the historical model (``apps.get_model``), as data migrations must.
"""

from collections.abc import Callable, Sequence


def _fields(row: Sequence) -> tuple:
    if len(row) == 6:
        key, value, start, source, confidence, description = row
        return key, value, start, None, source, confidence, description
    return tuple(row)


def rule_values_loader(rules: Sequence[Sequence]) -> tuple[Callable, Callable]:
    """``(load, unload)`` for ``migrations.RunPython`` shipping ``rules``."""

    def load(apps, schema_editor):
        model = apps.get_model("core", "RuleValue")
        for key, value, start, end, source, confidence, description in map(_fields, rules):
            model.objects.get_or_create(
                key=key, effective_from=start,
                defaults={"value": value, "effective_to": end, "source_document": source, "confidence": confidence,
                          "description": description},
            )

    def unload(apps, schema_editor):
        model = apps.get_model("core", "RuleValue")
        for key, _value, start, *_rest in map(_fields, rules):
            model.objects.filter(key=key, effective_from=start).delete()

    return load, unload

"""Form fields choosing rows by id that refuse an id no database column could hold (a number beyond
64 bits overflows the query: a 500 instead of the form's "Select a valid choice")."""

from django import forms
from django.db import models

from cop.converters import MAX_DATABASE_ID


def _is_database_id(value) -> bool:
    text = str(value)
    return len(text) <= 19 and text.isdigit() and 0 < int(text) <= MAX_DATABASE_ID


def _integer_keys(field) -> bool:
    """Rows chosen by an integer key (a page's key is its link to Page's)."""
    key = field.queryset.model._meta.pk
    if key.is_relation:
        key = key.target_field
    return field.to_field_name is None and isinstance(key, models.IntegerField)


class IdChoiceField(forms.ModelChoiceField):
    """A choice by id that refuses an id the database could not hold (instead of overflowing)."""

    def to_python(self, value):
        if value not in self.empty_values and _integer_keys(self) and not _is_database_id(value):
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class IdMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Choices by id, refusing ids the database could not hold (instead of overflowing)."""

    def _check_values(self, value):
        if _integer_keys(self):
            for key in value:
                if not _is_database_id(key):
                    raise forms.ValidationError(
                        self.error_messages["invalid_choice"], code="invalid_choice", params={"value": key}
                    )
        return super()._check_values(value)

"""Form fields of the 附件3 vocabularies, for the admin's forms and the form pages."""

from django import forms

from .choices import AVAILABILITY_DAYS, AVAILABILITY_SLOTS


class AvailabilityField(forms.MultipleChoiceField):
    """The 可提供服务时间 grid as checkboxes; cleans to {"mon": ["am"], ...}."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        choices = [
            (f"{day}:{slot}", f"{day_label}{slot_label}")
            for day, day_label in AVAILABILITY_DAYS
            for slot, slot_label in AVAILABILITY_SLOTS
        ]
        super().__init__(choices=choices, **kwargs)

    def prepare_value(self, value):
        if isinstance(value, dict):
            return [f"{day}:{slot}" for day, slots in value.items() for slot in slots]
        return value

    def clean(self, value):
        grid = {}
        for choice in super().clean(value):
            day, slot = choice.split(":")
            grid.setdefault(day, []).append(slot)
        return grid

"""Forms of the event pages: an analyst's correction of what a source covers."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class CoverageCorrectionForm(forms.Form):
    first_date = forms.DateField(
        label=_("First day covered"), widget=forms.DateInput(attrs={"type": "date"})
    )
    last_date = forms.DateField(
        label=_("Last day covered"), widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(
        label=_("Why"),
        max_length=500,
        help_text=_("Every figure built on this source moves with the correction: say why."),
    )

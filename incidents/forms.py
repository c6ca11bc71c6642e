"""The admin's incident form: help texts in a staff member's words, for
what staff edit here (the form, not the model, is where they read them)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from incidents.models import Incident


class IncidentForm(forms.ModelForm[Incident]):
    class Meta:
        model = Incident
        fields = [
            "name", "severity", "status", "message", "monitors", "show_on_status_page",
            "created_at",
        ]  # fmt: skip
        help_texts = {
            "monitors": _("The monitors this incident affects; the page shows it beside them."),
        }

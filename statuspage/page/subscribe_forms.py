"""The forms of the subscribe pages. The address rule itself is the alerts
layer's (alerts.subscribers.subscribing.validate_address), shared with the admin."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from alerts.models import SubscriberKind
from alerts.subscribers.subscribing import normalise_address, validate_address
from monitors.models import Category, Monitor


class ComponentsForm(forms.Form):
    """What a subscriber hears about: nothing ticked means everything."""

    categories = forms.ModelMultipleChoiceField(
        queryset=Category.objects.all(), required=False, widget=forms.CheckboxSelectMultiple
    )
    monitors = forms.ModelMultipleChoiceField(
        queryset=Monitor.objects.active(), required=False, widget=forms.CheckboxSelectMultiple
    )
    component_updates = forms.BooleanField(required=False)


class SubscribeForm(ComponentsForm):
    kind = forms.ChoiceField(
        label=_("Send updates by"), choices=SubscriberKind.choices,
        initial=SubscriberKind.EMAIL, widget=forms.RadioSelect,
    )  # fmt: skip
    email = forms.CharField(label=_("Email address"), max_length=254, required=False)
    url = forms.CharField(label=_("Webhook URL"), max_length=2000, required=False)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        kind = data.get("kind")
        field = "url" if kind == SubscriberKind.WEBHOOK else "email"
        address = (data.get(field) or "").strip()
        if kind and not address:
            self.add_error(field, _("This field is required."))
        elif kind:
            try:
                validate_address(kind, address)
            except ValidationError as exc:
                self.add_error(field, exc)
            else:
                data["address"] = normalise_address(kind, address)
        return data

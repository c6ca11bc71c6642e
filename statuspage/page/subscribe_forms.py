"""The forms of the subscribe pages. The address rule itself is the alerts
layer's (alerts.subscribers.subscribing.validate_address), shared with the
admin. The components offered, and the only ones accepted, are those of the
page subscribed to (its Layout)."""

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from alerts.models import SubscriberKind
from alerts.subscribers.subscribing import normalise_address, validate_address
from monitors.models import Category, Monitor
from pages.scope import Layout


def monitors_of(layout: Layout) -> QuerySet[Monitor]:
    """The active monitors the page shows."""
    return Monitor.objects.active().filter(layout.monitor_q())


def categories_of(layout: Layout) -> QuerySet[Category]:
    """The categories the page shows, as a whole or by some of their monitors."""
    if layout.everything:
        return Category.objects.all()
    by_monitor = Monitor.objects.filter(pk__in=list(layout.monitors), category__isnull=False)
    return Category.objects.filter(
        Q(pk__in=list(layout.categories)) | Q(pk__in=by_monitor.values("category_id"))
    )


class ComponentsForm(forms.Form):
    """What a subscriber hears about, of its page's components: nothing
    ticked means everything on the page."""

    categories = forms.ModelMultipleChoiceField(
        queryset=Category.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    monitors = forms.ModelMultipleChoiceField(
        queryset=Monitor.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    component_updates = forms.BooleanField(required=False)

    def __init__(self, *args: Any, layout: Layout, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.layout = layout
        fields = cast(dict[str, forms.ModelMultipleChoiceField[Any]], self.fields)
        fields["categories"].queryset = categories_of(layout)
        fields["monitors"].queryset = monitors_of(layout)

    def clean(self) -> dict[str, Any]:
        super().clean()
        if self.has_error("monitors") or self.has_error("categories"):
            # The forms show no field errors for the boxes: say it above them.
            self.add_error(None, _("Choose among the components of this page."))
            return self.cleaned_data
        return self._within_page(self.cleaned_data)

    def _within_page(self, data: dict[str, Any]) -> dict[str, Any]:
        """A category the page shows only some monitors of stands for those
        monitors: ticking it must not bring news of the others' pages."""
        layout, categories = self.layout, list(data.get("categories") or ())
        partial = [c for c in categories if not layout.everything and c.pk not in layout.categories]
        if partial:
            data["categories"] = [c for c in categories if c not in partial]
            extra = monitors_of(layout).filter(category__in=partial)
            data["monitors"] = list({*(data.get("monitors") or ()), *extra})
        return data


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

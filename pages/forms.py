"""The admin's status page form: the model's fields, plus the logo as an
upload (re-encoded by pages/logo.py), a "remove logo" box and a write-only
password (only its hash is stored, and never shown back)."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from pages import logo
from pages.models import Access, StatusPage

ACCEPT = "image/png,image/jpeg,image/gif,image/webp"


class StatusPageForm(forms.ModelForm[StatusPage]):
    logo_upload = forms.FileField(
        label=_("logo"), required=False,
        help_text=_(
            "PNG, JPEG, GIF or WebP, at most 1 MB; stored as a PNG of at most 512 x 512 pixels."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )  # fmt: skip
    remove_logo = forms.BooleanField(label=_("remove the logo"), required=False)
    password = forms.CharField(
        label=_("password"), required=False, strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_(
            "For pages read with a password: the password visitors type. "
            "Leave empty to keep the current one; a new one locks out everyone who gave the old."
        ),
    )  # fmt: skip

    class Meta:
        model = StatusPage
        fields = [
            "title", "slug", "domain", "is_default", "description", "accent_colour", "footer",
            "language", "time_zone", "shows_everything", "show_bars", "show_response_times",
            "show_history", "access",
        ]  # fmt: skip
        widgets = {"accent_colour": forms.TextInput(attrs={"type": "color"})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._logo: bytes | None = None
        if self.instance.pk and self.instance.password_hash:
            self.fields["password"].help_text = _(
                "A password is set. Type a new one to change it (everyone who gave the old "
                "one is locked out); leave empty to keep it."
            )

    def _get_validation_exclusions(self) -> set[str]:
        # At most one default page: the admin un-defaults the previous one in
        # the same transaction (pages/admin.py), so the constraint holds.
        return {*super()._get_validation_exclusions(), "is_default"}  # type: ignore[misc]

    def clean_logo_upload(self) -> Any:
        upload = self.cleaned_data.get("logo_upload")
        if upload:
            self._logo = logo.process(upload, upload.size)
        return upload

    def clean_is_default(self) -> bool:
        is_default = bool(self.cleaned_data.get("is_default"))
        if self.instance.pk and self.instance.is_default and not is_default:
            raise ValidationError(
                _("One page is always the default: make another page the default instead."),
                code="default",
            )
        return is_default

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        if (
            data.get("access") == Access.PASSWORD
            and not data.get("password")
            and not (self.instance.access == Access.PASSWORD and self.instance.password_hash)
        ):
            self.add_error(
                "password", ValidationError(_("Set a password for this page."), code="required")
            )
        if data.get("logo_upload") and data.get("remove_logo"):
            self.add_error(
                "remove_logo",
                ValidationError(_("Upload a logo or remove it, not both."), code="logo"),
            )
        return data

    def save(self, commit: bool = True) -> StatusPage:
        page = self.instance  # the form's values already on it (ModelForm's _post_clean)
        if page.access != Access.PASSWORD:
            page.password_hash = ""
        elif self.cleaned_data.get("password"):
            page.set_password(self.cleaned_data["password"])
        if self._logo is not None:
            logo.store(page, self._logo)
        elif self.cleaned_data.get("remove_logo"):
            logo.store(page, None)
        return super().save(commit)

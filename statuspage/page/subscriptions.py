"""The subscribe pages: the form (also the Subscribe dialog's content), the
confirmation link, the page to choose components, and unsubscribing (a
one-click POST for mail clients, RFC 8058). The answer to a subscribe never
depends on whether the address was subscribed already.

A subscription is to the page it was made on, and offers that page's
components only. The links with a token work at any page's address (a
subscriber is found by its token); what they show is the subscriber's page's."""

import hashlib
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from alerts.models import Subscriber, SubscriberKind
from alerts.subscribers import links
from alerts.subscribers.subscribing import choose, confirm, subscribe, unsubscribe
from alerts.tasks import send_subscriber_mail
from monitors.models import Category, Monitor
from pages.models import StatusPage
from pages.scope import Layout, layout_of
from statuspage.api import ratelimit
from statuspage.api.clientaddr import client_address
from statuspage.page.subscribe_forms import ComponentsForm, SubscribeForm, monitors_of
from statuspage.public.onpage import on_page, page_of


def _page(
    request: HttpRequest, title: str, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    main = render_to_string(f"statuspage/{template}", context, request=request)
    return render(request, "statuspage/page.html", {"title": title, "main": main}, status=status)


def _groups(layout: Layout) -> list[tuple[Category | None, list[Monitor]]]:
    """The page's active monitors by category, in the page's order: three queries."""
    active = monitors_of(layout).order_by("name", "pk")
    categories = Category.objects.prefetch_related(Prefetch("monitors", queryset=active))
    groups: list[tuple[Category | None, list[Monitor]]] = [
        (c, list(c.monitors.all())) for c in categories
    ]
    groups = [(c, ms) for c, ms in groups if ms]
    loose = [m for m in active.filter(category__isnull=True)]
    groups += [(None, loose)] if loose else []
    # A stable sort: a page that shows everything keeps the categories' order.
    return sorted(groups, key=lambda group: min(layout.position(m) for m in group[1]))


def _ticked(request: HttpRequest) -> dict[str, Any]:
    """What a re-shown form keeps ticked."""
    return {
        "chosen_monitors": set(request.POST.getlist("monitors")),
        "chosen_categories": set(request.POST.getlist("categories")),
        "chosen_updates": bool(request.POST.get("component_updates")),
    }


def _language() -> str:
    code = translation.get_language() or settings.LANGUAGE_CODE
    known = dict(settings.LANGUAGES)
    return code if code in known else code.split("-")[0] if code.split("-")[0] in known else "en"


def _too_many(request: HttpRequest, wait: int) -> HttpResponse:
    response = _page(
        request, _("Subscribe to updates"), "subscription_message.html",
        {"heading": _("Too many attempts"), "text": _("Please try again later.")}, status=429,
    )  # fmt: skip
    response["Retry-After"] = str(wait)
    return response


@require_http_methods(["GET", "HEAD", "POST"])
@on_page
def subscribe_view(request: HttpRequest) -> HttpResponse:
    layout = page_of(request).layout
    form = SubscribeForm(request.POST if request.method == "POST" else None, layout=layout)
    if request.method == "POST":
        rate = ratelimit.Rate.parse(settings.SUBSCRIBE_RATE_PER_ADDRESS)
        wait = ratelimit.hit("subscribe:client", client_address(request), rate)
        if wait is None and form.is_valid():
            target = hashlib.sha256(form.cleaned_data["address"].encode()).hexdigest()
            rate = ratelimit.Rate.parse(settings.SUBSCRIBE_RATE_PER_TARGET)
            wait = ratelimit.hit("subscribe:target", target, rate)
        if wait is not None:
            return _too_many(request, wait)
        if form.is_valid():
            return _subscribed(request, form)
    context = {"form": form, "groups": _groups(layout), **_ticked(request)}
    if request.GET.get("part") == "form":  # the Subscribe dialog's content
        return render(request, "statuspage/_subscribe_form.html", context)
    status = 400 if form.is_bound else 200
    return _page(request, _("Subscribe to updates"), "subscribe.html", context, status)


def _subscribed(request: HttpRequest, form: SubscribeForm) -> HttpResponse:
    data = form.cleaned_data
    with transaction.atomic():
        done = subscribe(
            data["kind"], data["address"], page=page_of(request).page, language=_language(),
            monitors=data["monitors"], categories=data["categories"],
            component_updates=data["component_updates"],
        )  # fmt: skip
        if done.mail:
            pk, what = done.subscriber.pk, done.mail
            transaction.on_commit(lambda: send_subscriber_mail.delay(pk, what))
    if data["kind"] == SubscriberKind.WEBHOOK:
        subscriber, page = done.subscriber, done.subscriber.page
        context = {
            "subscriber": subscriber, "manage_url": links.manage_url(subscriber.token, page),
            "unsubscribe_url": links.unsubscribe_url(subscriber.token, page),
        }  # fmt: skip
        response = _page(request, _("Subscribed"), "subscribed_webhook.html", context)
        patch_cache_control(response, no_store=True, private=True)  # it shows the secret
        return response
    text = _(
        "If %(address)s can be subscribed, a confirmation link is on its way there. "
        "Nothing else is sent before you open it."
    ) % {"address": data["address"]}
    return _page(
        request, _("Check your inbox"), "subscription_message.html",
        {"heading": _("Check your inbox"), "text": text},
    )  # fmt: skip


@require_safe
@on_page
def confirm_view(request: HttpRequest, signed: str) -> HttpResponse:
    subscriber = confirm(signed)
    if subscriber is None:
        context = {
            "heading": _("This link has expired"),
            "text": _("Subscribe again to get a new confirmation link."),
            "again": True,
        }
        return _page(request, _("Subscribe to updates"), "subscription_message.html", context, 404)
    context = {
        "heading": _("You are subscribed"),
        "text": _("You will get an email when something happens."),
        "manage_url": links.manage_url(subscriber.token, subscriber.page),
    }
    return _page(request, _("You are subscribed"), "subscription_message.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@on_page
def manage_view(request: HttpRequest, token: str) -> HttpResponse:
    subscriber = (
        Subscriber.objects.confirmed()
        .select_related("page")
        .defer("page__logo")
        .filter(token=token)
        .first()
    )
    if subscriber is None:
        raise Http404("No such subscription")
    layout = _layout_of(request, subscriber.page)
    saved = False
    if request.method == "POST":
        form = ComponentsForm(request.POST, layout=layout)
        if form.is_valid():
            data = form.cleaned_data
            choose(subscriber, data["monitors"], data["categories"], data["component_updates"])
            saved = True
    else:
        form = ComponentsForm(layout=layout)
    chosen_monitors = {str(pk) for pk in subscriber.monitors.values_list("pk", flat=True)}
    chosen_categories = {str(pk) for pk in subscriber.categories.values_list("pk", flat=True)}
    context = {
        "subscriber": subscriber, "groups": _groups(layout), "saved": saved, "form": form,
        "chosen_monitors": chosen_monitors, "chosen_categories": chosen_categories,
        "chosen_updates": subscriber.component_updates,
    }  # fmt: skip
    status = 400 if form.is_bound and not form.is_valid() else 200
    return _page(request, _("Your subscription"), "subscription.html", context, status)


def _layout_of(request: HttpRequest, page: StatusPage) -> Layout:
    """The subscriber's page's layout (a link may be opened at another page)."""
    on = page_of(request)
    return on.layout if page.pk == on.page.pk else layout_of(page)


@csrf_exempt  # the token is the credential; mail clients POST without a form (RFC 8058)
@require_http_methods(["GET", "HEAD", "POST"])
@on_page
def unsubscribe_view(request: HttpRequest, token: str) -> HttpResponse:
    if request.method == "POST":
        unsubscribe(token)
        context = {"heading": _("You are unsubscribed"), "text": _("Nothing more will be sent.")}
        return _page(request, _("Unsubscribed"), "subscription_message.html", context)
    return _page(request, _("Unsubscribe"), "unsubscribe.html", {"token": token})

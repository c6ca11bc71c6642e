"""Emails to subscribers: the messages (with RFC 8058 one-click unsubscribe
headers on every notice) and the confirmation mails, each named after and
linking to the subscriber's page."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from alerts.messages import one_line
from alerts.models import Subscriber, SubscriberKind
from alerts.subscribers import links
from alerts.subscribers.content import Mail
from pages.models import StatusPage


def message(
    address: str, mail: Mail, token: str, page: StatusPage, connection: object = None
) -> EmailMultiAlternatives:
    """A notice's email to a subscriber of ``page``, with the headers that let
    a mail client unsubscribe in one click (a POST to the link, RFC 8058)."""
    email = EmailMultiAlternatives(
        subject=mail.subject, body=mail.text, from_email=settings.DEFAULT_FROM_EMAIL,
        to=[address], connection=connection,
        headers={
            "List-Unsubscribe": f"<{links.unsubscribe_url(token, page)}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )  # fmt: skip
    email.attach_alternative(mail.html, "text/html")
    return email


def send_account_mail(subscriber: Subscriber, what: str) -> None:
    """``confirm``: the confirmation link (the only mail an unconfirmed address
    gets); ``already``: tell a confirmed address someone tried to subscribe it."""
    if subscriber.kind != SubscriberKind.EMAIL:
        return
    page, token = subscriber.page, subscriber.token
    with translation.override(subscriber.language):
        context = {
            # The templates' (and translations') name for it: the page's title.
            "SITE_NAME": page.title, "LANGUAGE_CODE": subscriber.language,
            "confirm_url": links.confirm_url(token, page),
            "manage_url": links.manage_url(token, page),
            "unsubscribe_url": links.unsubscribe_url(token, page),
            "hours": settings.SUBSCRIBER_CONFIRM_HOURS,
        }  # fmt: skip
        site = one_line(page.title)
        if what == "confirm":
            subject = _("[%(site)s] Confirm your subscription") % {"site": site}
        else:
            subject = _("[%(site)s] You are already subscribed") % {"site": site}
        context["subject"] = subject
        mail = Mail(
            subject=subject,
            text=render_to_string(f"alerts/subscriber_{what}.txt", context),
            html=render_to_string(f"alerts/subscriber_{what}.html", context),
        )
    email = EmailMultiAlternatives(
        subject=mail.subject, body=mail.text, from_email=settings.DEFAULT_FROM_EMAIL,
        to=[subscriber.address], connection=get_connection(),
        headers={"Auto-Submitted": "auto-generated"},
    )  # fmt: skip
    email.attach_alternative(mail.html, "text/html")
    email.send(fail_silently=False)  # the SMTP backend honours EMAIL_TIMEOUT
    if what == "confirm":
        Subscriber.objects.filter(pk=subscriber.pk).update(confirmation_sent_at=timezone.now())

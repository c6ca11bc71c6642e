"""Two-factor staff logins: a TOTP authenticator app plus single-use recovery
codes (django-otp), asked for at the admin login; ADMIN_REQUIRE_2FA makes
every staff member set one up. API keys are a separate door and unaffected.

The first second factor is set up by whoever logs in with the password
(there is nothing else to ask for yet, middleware.py); every change after
that (a new phone, new recovery codes) asks for the factor itself (views.py).

django-otp alone rather than django-two-factor-auth (whose 1.18 does support
Django 5.2, but brings phonenumber-field, formtools, qrcode and a login flow of
its own): the admin keeps its own login page, with django-axes on it, and the
enrolment is one small view.
"""

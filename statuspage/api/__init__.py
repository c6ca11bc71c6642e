"""The APIs: one package per dialect (legituptime: /v1, bitup: /api.php,
statuspage_v2: /api/v2/*.json) and what they share: dialect tags
(dialect.py), key authentication (keyauth.py), rate limits (ratelimit.py,
guard.py), the body limit (bodylimit.py), Django's 400s in each dialect's
shape (errors.py)."""

"""The management API v1 (the LegitUptime contract) at /v1: its routes
(urls.py), one serializer and one viewset module per resource (monitors,
incidents, maintenance), their shapes (render.py) and codes (spellings.py),
strict JSON fields, the contract's error bodies, one way to write a row and
the OpenAPI schema."""

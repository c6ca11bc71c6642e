"""The status API at /api.php (the BitUp contract)."""

urlpatterns: list = []

"""The two shapes every api.php answer takes: success with data, or an error."""

from typing import Any

API_VERSION = "2.1"

INVALID_KEY = "Invalid API key. Access denied."
INVALID_ACTION = "Invalid action. Supported: status, categories, incidents, stats, category"
CATEGORY_ID_REQUIRED = "category_id required"
CATEGORY_NOT_FOUND = "Category not found"


def success(data: Any) -> dict[str, Any]:
    return {"status": "success", "api_version": API_VERSION, "data": data}


def error(message: str) -> dict[str, str]:
    return {"status": "error", "message": message}


class BitupError(Exception):
    """An answer in the contract's error shape, raised from anywhere in an action."""

    def __init__(self, status_code: int, message: str) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.message = message

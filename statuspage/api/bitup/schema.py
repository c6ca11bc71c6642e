"""api.php in the OpenAPI schema: its parameters, the data of every action and
format, and its errors. These serializers describe; they never serialize (the
models present themselves through render.py)."""

import re
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema_field,
)
from rest_framework import serializers

from monitors.uptime import UPTIME_DAYS
from statuspage.api.bitup import envelope
from statuspage.api.bitup.actions import ACTIONS
from statuspage.api.bitup.incidents import HISTORY_DAYS, LIMIT
from statuspage.api.bitup.spellings import BITUP_INCIDENT_TYPE, BITUP_STATUS, BITUP_TYPE
from statuspage.api.bitup.status import FORMATS

TIME = "YYYY-MM-DD HH:MM:SS in the site's time zone (settings.TIME_ZONE)."


def one_of(*values: str, help_text: str = "") -> serializers.CharField:
    """A string with fixed values, written as a pattern, not an enum:
    drf-spectacular names each enum after its field, and two enums of one
    field name ("status", "type") in several components make its schema check
    warn. The monitor's status and type keep theirs."""
    pattern = "^(" + "|".join(re.escape(value) for value in values) + ")$"
    schema = {"type": "string", "pattern": pattern, "example": values[0]}
    one_of_class: type[serializers.CharField] = type("OneOf", (serializers.CharField,), {})
    field_class = extend_schema_field(schema)(one_of_class)
    return field_class(help_text=help_text or f'Always "{values[0]}".')


class BitupMonitorInCategorySerializer(serializers.Serializer[dict[str, Any]]):
    """A monitor inside a category (action=category, format=grouped)."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    type = serializers.ChoiceField(choices=BITUP_TYPE.codes)
    target = serializers.CharField(help_text="URL for http, host name or IP for tcp and ping.")
    port = serializers.IntegerField(allow_null=True)
    status = serializers.ChoiceField(choices=BITUP_STATUS.codes)
    last_check = serializers.CharField(
        allow_null=True, help_text=TIME + " Null before the first check."
    )


class BitupMonitorSerializer(BitupMonitorInCategorySerializer):
    """A monitor of action=status (format=full, the default)."""

    is_active = serializers.ChoiceField(choices=[1], help_text="Only active monitors are listed.")
    category_id = serializers.IntegerField(allow_null=True)
    category_name = serializers.CharField(allow_null=True)


class BitupMonitorSimpleSerializer(serializers.Serializer[dict[str, Any]]):
    """A monitor of action=status&format=simple: id, name and status only."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    status = serializers.ChoiceField(choices=BITUP_STATUS.codes)


class BitupCategoryDetailSerializer(serializers.Serializer[dict[str, Any]]):
    """action=category: one category with its active monitors (no down_count,
    as in the contract's sample)."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    display_order = serializers.IntegerField()
    monitor_count = serializers.IntegerField(help_text="Active monitors in the category.")
    up_count = serializers.IntegerField()
    monitors = BitupMonitorInCategorySerializer(many=True)


class BitupGroupSerializer(BitupCategoryDetailSerializer):
    """A group of action=status&format=grouped: the action=category object of
    every category, by display_order, name and id (those with no monitors too),
    then, when any monitor has no category, one group of those with id, name
    and display_order null."""

    id = serializers.IntegerField(allow_null=True, help_text="Null for the group without category.")
    name = serializers.CharField(allow_null=True)
    display_order = serializers.IntegerField(allow_null=True)


class BitupCategorySerializer(serializers.Serializer[dict[str, Any]]):
    """An item of action=categories, by display_order, name and id."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    display_order = serializers.IntegerField()
    monitor_count = serializers.IntegerField(help_text="Active monitors in the category.")
    up_count = serializers.IntegerField()
    down_count = serializers.IntegerField()


class BitupIncidentUpdateSerializer(serializers.Serializer[dict[str, Any]]):
    message = serializers.CharField()
    created_at = serializers.CharField(help_text=TIME)


class BitupIncidentSerializer(serializers.Serializer[dict[str, Any]]):
    """An item of action=incidents."""

    id = serializers.IntegerField()
    title = serializers.CharField()
    type = one_of(
        *BITUP_INCIDENT_TYPE.codes, help_text="down: outage; degraded: degraded performance."
    )
    is_active = serializers.ChoiceField(choices=[0, 1], help_text="1 until resolved.")
    created_at = serializers.CharField(help_text=TIME)
    monitors = serializers.ListField(child=serializers.CharField(), help_text="Monitor names.")
    categories = serializers.ListField(
        child=serializers.CharField(), help_text="Names of the monitors' categories."
    )
    updates = BitupIncidentUpdateSerializer(many=True, help_text="Oldest first.")


class BitupStatsCategorySerializer(serializers.Serializer[dict[str, Any]]):
    id = serializers.IntegerField()
    category_name = serializers.CharField()
    total_in_category = serializers.IntegerField()
    up_in_category = serializers.IntegerField()
    down_in_category = serializers.IntegerField()
    uptime_percent_category = serializers.FloatField()


UPTIME_HELP = (
    f"Availability over the last {UPTIME_DAYS} days: the mean of each active monitor's "
    "successes/checks, one decimal, an integer when whole. A monitor without checks in "
    "that window counts 100 when up, 0 when down, and not when pending or in maintenance; "
    "with no figure at all, 100."
)


class BitupStatsSerializer(serializers.Serializer[dict[str, Any]]):
    """action=stats, over active monitors."""

    total = serializers.IntegerField(help_text="Active monitors.")
    online = serializers.IntegerField(help_text="Active monitors up.")
    offline = serializers.IntegerField(
        help_text="Active monitors down (pending and maintenance count in total only)."
    )
    uptime_percent = serializers.FloatField(help_text=UPTIME_HELP)
    categories = BitupStatsCategorySerializer(many=True)


class BitupErrorSerializer(serializers.Serializer[dict[str, Any]]):
    """Every error of api.php (401, 400, 404, 405, 429)."""

    status = one_of("error")
    message = serializers.CharField()


@extend_schema_field(
    PolymorphicProxySerializer(
        component_name="BitupData",
        serializers=[
            BitupMonitorSerializer(many=True),
            BitupMonitorSimpleSerializer(many=True),
            BitupGroupSerializer(many=True),
            BitupCategorySerializer(many=True),
            BitupCategoryDetailSerializer(),
            BitupIncidentSerializer(many=True),
            BitupStatsSerializer(),
        ],
        resource_type_field_name=None,
        many=False,
    )
)
class BitupDataField(serializers.JSONField):
    """The data of each action: which one answers depends on action and format."""


class BitupSuccessSerializer(serializers.Serializer[dict[str, Any]]):
    status = one_of("success")
    api_version = serializers.ChoiceField(choices=[envelope.API_VERSION])
    # The metaclass takes declared fields out of the class: this does not
    # replace Serializer.data, whatever the checker sees.
    data = BitupDataField(  # type: ignore[assignment]
        help_text="status (full, simple, grouped), categories and incidents: an array; "
        "category and stats: an object."
    )


def _error(description: str, *messages: str) -> OpenApiResponse:
    return OpenApiResponse(
        response=BitupErrorSerializer,
        description=description,
        examples=[
            OpenApiExample(message, value=envelope.error(message), response_only=True)
            for message in messages
        ],
    )


_MONITOR = {"id": 9, "name": "Web-node-se01", "type": "http", "target": "da1.bitup.se",
            "port": None, "status": "up", "last_check": "2026-02-14 22:54:01"}  # fmt: skip
_SUCCESS_EXAMPLES = {
    "action=status": [
        {**_MONITOR, "is_active": 1, "category_id": 1, "category_name": "Webbhotell"}
    ],
    "action=status&format=simple": [{"id": 9, "name": "Web-node-se01", "status": "up"}],
    "action=status&format=grouped": [
        {"id": 1, "name": "Webbhotell", "display_order": 1, "monitor_count": 1, "up_count": 1,
         "monitors": [_MONITOR]},
        {"id": 2, "name": "Spelservrar", "display_order": 2, "monitor_count": 0, "up_count": 0,
         "monitors": []},
        {"id": None, "name": None, "display_order": None, "monitor_count": 1, "up_count": 0,
         "monitors": [{**_MONITOR, "id": 12, "name": "DNS", "type": "ping",
                       "target": "ns1.bitup.se", "status": "down"}]},
    ],
    "action=categories": [{"id": 1, "name": "Webbhotell", "display_order": 1, "monitor_count": 2,
                           "up_count": 2, "down_count": 0}],
    "action=category&category_id=1": {"id": 1, "name": "Webbhotell", "display_order": 1,
                                      "monitor_count": 1, "up_count": 1, "monitors": [_MONITOR]},
    "action=incidents": [
        {"id": 45, "title": "Nätverksfördröjning SE-STHLM", "type": "down", "is_active": 1,
         "created_at": "2026-02-14 10:00:00", "monitors": ["Web-node-se01"],
         "categories": ["Webbhotell"],
         "updates": [{"message": "Vi undersöker problemet", "created_at": "2026-02-14 10:00:00"}]}
    ],
    "action=stats": {"total": 10, "online": 9, "offline": 1, "uptime_percent": 98.7, "categories": [
        {"id": 1, "category_name": "Webbhotell", "total_in_category": 5, "up_in_category": 5,
         "down_in_category": 0, "uptime_percent_category": 100}]},
}  # fmt: skip


API_PHP_SCHEMA: dict[str, Any] = {
    "operation_id": "api_php",
    "summary": "Status API (BitUp contract, v2.1)",
    "description": (
        "Read-only status of active monitors, categories, incidents and statistics. "
        "Any API key, read-only or read-write, may read. Errors are answered in this "
        "order: a missing or wrong key (401) before anything else, then a method other "
        "than GET (405), a parameter given twice, the action, the action's own "
        "parameters (400), an unknown category (404). action=incidents lists incidents "
        "shown on status pages: every active one and those resolved in the last "
        f"{HISTORY_DAYS} days, newest first, at most {LIMIT}."
    ),
    "tags": ["api.php"],
    "auth": [],
    "parameters": [
        OpenApiParameter("key", OpenApiTypes.STR, required=True, description="Your API key."),
        OpenApiParameter("action", OpenApiTypes.STR, required=True, enum=list(ACTIONS)),
        OpenApiParameter(
            "format",
            OpenApiTypes.STR,
            enum=list(FORMATS),
            description="Only for action=status; full when left out.",
        ),
        OpenApiParameter(
            "category_id",
            OpenApiTypes.INT,
            description="Required by action=category: a positive integer.",
        ),
    ],
    "responses": {
        200: OpenApiResponse(
            response=BitupSuccessSerializer,
            description="The data of the action (and format)",
            examples=[
                OpenApiExample(name, value=envelope.success(data), response_only=True)
                for name, data in _SUCCESS_EXAMPLES.items()
            ],
        ),
        400: _error(
            "Invalid action or a missing or invalid parameter",
            envelope.INVALID_ACTION,
            envelope.CATEGORY_ID_REQUIRED,
        ),
        401: _error("Missing or wrong key", envelope.INVALID_KEY),
        404: _error("No such category", envelope.CATEGORY_NOT_FOUND),
        405: _error("Any method but GET (and HEAD)"),
        429: _error("Too many requests; Retry-After says when to try again"),
    },
}

"""How a recurrence reads to a person: "every 1 week", "every 2 weeks" (not
the unit's choice label, "every 1 Weeks")."""

from django.utils.translation import ngettext

from core.enums import RecurUnit


def every(count: int, unit: str) -> str:
    if unit == RecurUnit.DAY:
        text = ngettext("every %(count)d day", "every %(count)d days", count)
    elif unit == RecurUnit.WEEK:
        text = ngettext("every %(count)d week", "every %(count)d weeks", count)
    elif unit == RecurUnit.MONTH:
        text = ngettext("every %(count)d month", "every %(count)d months", count)
    else:
        return ""
    return text % {"count": count}

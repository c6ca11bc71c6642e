from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from statuspage.models import ApiKey


class Command(BaseCommand):
    help = "Create an API key for both APIs; prints the raw key (shown only once) last."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help="What the key is for, shown in the admin.")
        parser.add_argument(
            "--read-only", action="store_true", help="The key can read but not write."
        )

    def handle(self, *args: Any, name: str, read_only: bool, **options: Any) -> None:
        key, raw = ApiKey.generate(name[:100], read_only=read_only)
        kind = "read-only" if read_only else "read-write"
        self.stdout.write(f"Created {kind} API key {key.name!r}. Copy it now, it is not stored:")
        self.stdout.write(raw)

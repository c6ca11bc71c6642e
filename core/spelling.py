"""A two-way map between one API's codes and the product's stored values.
Each dialect (statuspage/api/*/spellings.py) holds its own."""

from collections.abc import Mapping
from typing import Generic, TypeVar

V = TypeVar("V")


class Spelling(Generic[V]):
    """A two-way map between one API's codes and the stored values."""

    def __init__(self, codes: Mapping[str, V]) -> None:
        self._stored = dict(codes)
        self._code = {value: code for code, value in codes.items()}

    @property
    def codes(self) -> list[str]:
        return list(self._stored)

    def code(self, stored: V) -> str:
        return self._code[stored]

    def nearest_code(self, stored: int) -> str:
        """The code of ``stored``, or of the closest listed value: a row edited
        outside the admin and the API (say to 5 s) must not break a whole list,
        and the contract has no code for it."""
        if stored in self._code:
            return self._code[stored]
        closest = min(self._code, key=lambda value: abs(value - stored))  # type: ignore[operator]
        return self._code[closest]

    def stored(self, code: str) -> V:
        """The stored value for ``code``; KeyError when the API has no such code."""
        return self._stored[code]

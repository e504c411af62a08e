from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any


class SearchBackend(ABC):
    engine: str

    @abstractmethod
    def health(self) -> dict[str, Any]:
        """{'ok': bool, ...} with the engine's version where it has one."""

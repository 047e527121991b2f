"""Old names that keep working for a while, with a ``DeprecationWarning`` that gives the new one.

A module that renamed something public ends with

    __getattr__ = renamed_attributes(__name__, {"old_name": "new_name"})

and ``module.old_name`` (or ``from module import old_name``) returns ``module.new_name`` and
warns, naming the line that used the old name. Python calls a module's ``__getattr__`` only
for names the module does not have (PEP 562), so the new names cost nothing.
"""

from __future__ import annotations

import sys
import warnings
from collections.abc import Callable


def warn_renamed(old: str, new: str, stacklevel: int = 3) -> None:
    """Warn that ``old`` is deprecated in favour of ``new``; ``stacklevel`` as in
    ``warnings.warn``, counted from the caller of this function."""
    warnings.warn(f"{old} is deprecated: use {new}", DeprecationWarning, stacklevel=stacklevel)


def renamed_attributes(module_name: str, renames: dict[str, str]) -> Callable[[str], object]:
    """A module ``__getattr__`` that serves each old name of ``renames`` (old -> new) as the
    module's new name, with a DeprecationWarning; any other missing name is an AttributeError,
    as without it."""

    def __getattr__(name: str) -> object:
        new = renames.get(name)
        if new is None:
            raise AttributeError(f"module {module_name!r} has no attribute {name!r}")
        warn_renamed(f"{module_name}.{name}", f"{module_name}.{new}")
        return getattr(sys.modules[module_name], new)

    return __getattr__

"""Python text parsed under a file name that is never opened.

CPython opens the file named in ``compile()`` to quote the line of a syntax error. A name of the
work tree (or ``<unknown>``, ``ast.parse``'s default, relative to the current directory) may be a
committed link to a named pipe, which would block for ever, or to a file outside the repository.
"""

from __future__ import annotations

import ast
from pathlib import PurePosixPath

__all__ = ["NOWHERE", "parse_ast"]

#: Where every compiled text is said to come from: under /dev/null, a device and no
#: directory, nothing can ever be opened.
NOWHERE = PurePosixPath("/dev/null")


def parse_ast(code: str, path: str = "module.py") -> ast.Module:
    """``ast.parse(code)`` under a file name that is never opened (see :data:`NOWHERE`), a
    UTF-8 byte order mark left out as Python's import leaves it out."""
    return ast.parse(code.removeprefix("\ufeff"), filename=str(NOWHERE / path))

"""Checks of configuration values beyond what the settings model validates, and the one-line
message a validation error becomes; pure."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from release_tools.errors import ConfigError
from release_tools.refnames import tag_name_problem

__all__ = ["check_calendar", "check_raw", "check_tag_format", "first_error"]


def check_raw(
    merged: Mapping[str, Any], sources: Mapping[str, str], number_fields: frozenset[str]
) -> None:
    """Refuse what validation would let through or crash on: ``true`` where a number is
    wanted (one of ``number_fields``; pydantic reads it as 1), and a NUL character, which no
    path or command holds."""
    for key, value in merged.items():
        origin = sources.get(key, "settings")
        if key in number_fields and isinstance(value, bool):
            raise ConfigError(
                f"{origin}: invalid value for {key!r}: a number is needed, not {value}"
            )
        items = value if isinstance(value, list | tuple) else [value]
        if any(isinstance(item, str) and "\0" in item for item in items):
            raise ConfigError(f"{origin}: invalid value for {key!r}: it contains a NUL character")


def first_error(exc: ValidationError, sources: Mapping[str, str]) -> str:
    """The first validation error as one line naming where the value came from."""
    err = exc.errors()[0]
    field = ".".join(str(p) for p in err["loc"]) or "settings"
    top = str(err["loc"][0]) if err["loc"] else ""
    origin = sources.get(top, "settings")
    # pydantic prefixes our validators' messages with "Value error, ": noise for a user.
    msg = str(err["msg"]).removeprefix("Value error, ")
    if origin.startswith("--"):
        # A flag names itself; the settings key would only repeat it in another spelling.
        return f"{origin}: invalid value: {msg}"
    return f"{origin}: invalid value for {field!r}: {msg}"


def check_tag_format(value: Any, origin: str) -> None:
    """Refuse a tag template that ``release`` would refuse, when it is read rather than when
    the first tag is made (in the same words)."""
    if not isinstance(value, str):
        return  # the validation names the wrong type
    if "{version}" not in value:
        raise ConfigError(f"{origin}: tag_format must contain '{{version}}': {value!r}")
    try:
        value.format(name="", version="")
    except (KeyError, IndexError, ValueError) as exc:
        raise ConfigError(
            f"{origin}: tag_format: unknown placeholder in {value!r}: {exc}; "
            "use {name} and {version}"
        ) from exc
    # A sample tag: what git would refuse of the template's own text shows in it.
    sample = value.format(name="pkg", version="1.0.0")
    problem = tag_name_problem(sample)
    if problem is not None:
        raise ConfigError(f"{origin}: tag_format {value!r} makes tags like {sample!r}: {problem}")


def _layer(origin: str) -> int:
    """The layer a setting came from: 0 the config file, 1 the environment, 2 a flag."""
    if origin.startswith("--"):
        return 2
    return 1 if origin.startswith("RELEASE_TOOLS_") else 0


def check_calendar(merged: Mapping[str, Any], sources: Mapping[str, str]) -> None:
    """Refuse a calendar format given with semantic versioning in the same layer (or the
    format in a higher one): one of the two settings is a mistake, and which one only the
    user knows. Semantic versioning chosen in a higher layer overrides the format."""
    scheme, fmt = merged.get("version_scheme"), merged.get("calver_format")
    if not isinstance(scheme, str) or scheme.strip().lower() != "semver":
        return
    if not isinstance(fmt, str) or not fmt.strip():
        return
    scheme_origin = sources.get("version_scheme", "settings")
    format_origin = sources.get("calver_format", "settings")
    if _layer(format_origin) < _layer(scheme_origin):
        return
    raise ConfigError(
        f"{format_origin}: calver_format {fmt.strip().upper()!r} is set but version_scheme is "
        f"'semver' ({scheme_origin}); keep one"
    )

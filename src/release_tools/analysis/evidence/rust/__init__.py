"""Rust public-API evidence: tree-sitter reads of library crates, cargo-semver-checks as proof."""

from release_tools.analysis.evidence.rust.gatherer import gather
from release_tools.analysis.evidence.rust.items import RustItem
from release_tools.analysis.evidence.rust.modules import module_is_public
from release_tools.analysis.evidence.rust.syntax import parse_rust

__all__ = ["RustItem", "gather", "module_is_public", "parse_rust"]

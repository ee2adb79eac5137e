"""Go public-API evidence: tree-sitter reads of importable packages, apidiff as proof."""

from release_tools.analysis.evidence.go.gatherer import gather, parse_go
from release_tools.analysis.evidence.go.syntax import GoIdent, signature_key

__all__ = ["GoIdent", "gather", "parse_go", "signature_key"]

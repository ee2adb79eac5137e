"""Releases on GitHub and GitLab for the tags ``release`` pushed (and ``forge-release``).

Small modules, each with one job: :mod:`.remote` (forge, repository, API and token from the
environment and the git remote), :mod:`.retry` (the pure retry policy), :mod:`.http` (the
``httpx`` client: timeouts, retries, one-line errors), :mod:`.github` and :mod:`.gitlab` (the
two APIs), :mod:`.assets` (globs confined to the work tree), :mod:`.notes` (a version's
changelog section), :mod:`.publishing` (planned in the preflight, made after the push) and
:mod:`.command` (the standalone ``forge-release``).

``httpx`` is optional (the ``forge`` extra); only :mod:`.http`, :mod:`.github` and
:mod:`.gitlab` import it, and only when a release is made.
"""

from __future__ import annotations

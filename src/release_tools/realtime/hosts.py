"""Which hosts are this machine: the only ones credentials may reach over plain ``ws://``.

A module of its own, free of the client's heavier imports, so that configuration checks can
use it without loading the client.
"""

from __future__ import annotations

import ipaddress

__all__ = ["is_loopback_host"]


def is_loopback_host(host: str) -> bool:
    """Whether ``host`` names this machine (``localhost``, ``*.localhost``, 127/8, ``::1``).

    Only there may credentials travel over plain ``ws://``: the traffic never leaves the host.
    """
    lowered = host.lower().strip("[]")
    if lowered == "localhost" or lowered.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(lowered).is_loopback
    except ValueError:
        return False

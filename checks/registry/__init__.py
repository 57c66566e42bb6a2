"""Network I/O for domains: registration data (RDAP, then WHOIS on port 43) and certificate
transparency (a crt.sh-compatible JSON API). Returns typed values; never raises for a registry
that is down, slow or wrong: that is a `Registration` whose `unknown` says why.

Pure parsers live beside the clients (`rdap_parse`, `whois_parse`, `ct`, `icp`) so that they
are tested on text. These connections go to registries and the configured CT endpoint only:
never to the names they return.
"""

from __future__ import annotations

from checks.registry.lookup import Registry, RegistryConfig, parse_whois_server

__all__ = ["Registry", "RegistryConfig", "parse_whois_server"]

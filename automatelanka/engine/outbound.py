"""Outbound policy: which URLs workflow HTTP (HTTP Request, GraphQL, service nodes) may reach.

``make_policy(...)`` returns ``policy(url)`` that returns ``None`` when the URL may be called and
raises ``ValueError`` naming the reason otherwise. It always denies cloud metadata endpoints and
the daemon's own admin API; in hosted mode it also denies private, loopback, link-local and other
non-public addresses, checking every address the host name resolves to. The policy also exposes
``policy.resolve(host) -> list[str]`` so a caller may pin the checked addresses (DNS rebinding).
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterable
from fnmatch import fnmatch
from urllib.parse import urlsplit

METADATA_HOSTS = frozenset({"169.254.169.254", "metadata.google.internal", "metadata", "fd00:ec2::254",
                            "100.100.100.200", "metadata.azure.com"})
_METADATA_IPS = frozenset(ipaddress.ip_address(a) for a in ("169.254.169.254", "fd00:ec2::254", "100.100.100.200"))

Resolver = Callable[[str], list[str]]


def _default_resolver(host: str) -> list[str]:
    infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    return sorted({info[4][0] for info in infos})


def _host_matches(host: str, patterns: Iterable[str]) -> bool:
    host = host.lower().rstrip(".")
    for pattern in patterns:
        pattern = pattern.lower().strip()
        if not pattern:
            continue
        if "/" in pattern:  # a CIDR range
            try:
                if ipaddress.ip_address(host) in ipaddress.ip_network(pattern, strict=False):
                    return True
            except ValueError:
                pass
            continue
        if fnmatch(host, pattern) or (pattern.startswith(".") and host.endswith(pattern)):
            return True
    return False


def _is_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return not (address.is_private or address.is_loopback or address.is_link_local or address.is_multicast
                or address.is_reserved or address.is_unspecified
                or address in ipaddress.ip_network("100.64.0.0/10"))  # carrier-grade NAT


def _parse_ip(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host.strip("[]").split("%")[0])
    except ValueError:
        return None


def make_policy(
    *,
    hosted: bool,
    deny_hosts: Iterable[str] = (),
    allow_hosts: Iterable[str] = (),
    daemon_base_url: str | None = None,
    resolver: Resolver | None = None,
) -> Callable[[str], None]:
    """Build ``policy(url)``.

    ``deny_hosts`` / ``allow_hosts`` are host names (``*.example.com`` globs, ``.example.com``
    suffixes) or CIDR ranges; allow entries win over the private-range default but never over the
    metadata block. ``daemon_base_url`` is the daemon's public URL: its ``/api/admin`` is denied.
    ``resolver`` (tests) maps a host name to addresses.
    """
    deny = tuple(deny_hosts)
    allow = tuple(allow_hosts)
    resolve = resolver or _default_resolver
    daemon: tuple[str, int] | None = None
    if daemon_base_url:
        parts = urlsplit(daemon_base_url)
        if parts.hostname:
            daemon = (parts.hostname.lower(), parts.port or (443 if parts.scheme == "https" else 80))

    def policy(url: str) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            raise ValueError(f"only http and https URLs may be called (got {parts.scheme or 'none'!r})")
        host = (parts.hostname or "").lower().rstrip(".")
        if not host:
            raise ValueError("the URL has no host")
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError:
            raise ValueError("the URL has an invalid port") from None
        literal = _parse_ip(host)
        if host in METADATA_HOSTS or (literal is not None and literal in _METADATA_IPS):
            raise ValueError("cloud metadata endpoints are blocked")
        if daemon is not None and _same_endpoint(host, port, daemon) and _is_admin_path(parts.path):
            raise ValueError("the platform's admin API cannot be called from a workflow")
        if _host_matches(host, deny):
            raise ValueError(f"host {host} is on the deny list")
        allowed = _host_matches(host, allow)
        if literal is not None:
            addresses = [literal]
        elif not hosted and allowed:
            return
        else:
            try:
                addresses = [a for a in (_parse_ip(x) for x in resolve(host)) if a is not None]
            except OSError:
                if hosted and not allowed:
                    raise ValueError(f"host {host} could not be resolved") from None
                return  # the request itself reports the DNS failure
        for address in addresses:
            if address in _METADATA_IPS:
                raise ValueError(f"host {host} resolves to a cloud metadata address")
            if hosted and not allowed and not _is_public(address) and not _host_matches(str(address), allow):
                raise ValueError(f"host {host} resolves to a private or local address ({address}), "
                                 "which hosted workflows may not reach")
        if daemon is not None and _is_admin_path(parts.path) and port == daemon[1]:
            daemon_addresses = _resolve_quietly(resolve, daemon[0])
            if any(str(a) in daemon_addresses for a in addresses):
                raise ValueError("the platform's admin API cannot be called from a workflow")

    policy.resolve = resolve  # type: ignore[attr-defined]
    return policy


def _resolve_quietly(resolve: Resolver, host: str) -> set[str]:
    literal = _parse_ip(host)
    if literal is not None:
        return {str(literal)}
    try:
        return set(resolve(host))
    except OSError:
        return set()


def _same_endpoint(host: str, port: int, daemon: tuple[str, int]) -> bool:
    loopback = {"localhost", "127.0.0.1", "::1", "0.0.0.0"}
    return port == daemon[1] and (host == daemon[0] or (host in loopback and daemon[0] in loopback))


def _is_admin_path(path: str) -> bool:
    normalised = "/" + "/".join(p for p in path.split("/") if p and p != ".").lower()
    return normalised == "/api/admin" or normalised.startswith("/api/admin/")

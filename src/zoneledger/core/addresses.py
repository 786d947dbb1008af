"""The address of the client behind a request, also when a trusted reverse proxy stands in front of the product.

Behind a TLS-terminating proxy every request comes from the proxy's address (REMOTE_ADDR), so a lockout
per address would lock everyone and the audit would record the proxy. The proxy names the client in a header
(`ZONELEDGER_PROXY_HEADER`, e.g. X-Forwarded-For or X-Real-IP); that header is believed only when the request
comes from one of `ZONELEDGER_TRUSTED_PROXIES` — anyone else could write any address into it.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings


@lru_cache(maxsize=8)
def _networks(proxies):
    return tuple(ipaddress.ip_network(proxy.strip(), strict=False) for proxy in proxies if proxy.strip())


def _parse(text):
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def _trusted(address, networks):
    return address is not None and any(address in network for network in networks)


def client_address(request):
    """The client's IP address as a string (None when the request has none).

    X-Forwarded-For lists the addresses a request passed through, each proxy appending the one it saw. It is read
    from the right: the nearest address that is not a trusted proxy is the client, since anything to its left was
    written by the client itself and could be forged.
    """
    remote = request.META.get("REMOTE_ADDR")
    header = settings.ZONELEDGER_PROXY_HEADER
    networks = _networks(tuple(settings.ZONELEDGER_TRUSTED_PROXIES))
    if not header or not _trusted(_parse(remote or ""), networks):
        return remote
    value = request.META.get("HTTP_" + header.upper().replace("-", "_"), "")
    client = None
    for hop in reversed(value.split(",")):
        client = _parse(hop)
        if not _trusted(client, networks):
            break
    return str(client) if client is not None else remote

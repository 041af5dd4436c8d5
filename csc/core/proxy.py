"""The visitor's address behind nginx: CSC reads `REMOTE_ADDR` only (csc.core.middleware.client_ip: the
login lockout, the rate limits, the journal count by it), and nginx's HTTP proxy cannot send the PROXY
protocol that gunicorn understands. So, for a connection that comes from one of CSC_TRUSTED_PROXIES
only, `REMOTE_ADDR` becomes the `X-Real-IP` header that nginx writes itself (`proxy_set_header
X-Real-IP $remote_addr`, deploy/nginx/csc-proxy.conf), before Django sees the request. From any other
peer, or with a header that is not one address, nothing changes: the header is the visitor's to forge.
"""

from __future__ import annotations

import contextlib
import ipaddress

from . import addresses


class RealClientAddress:
    """WSGI middleware around Django's application (csc/wsgi.py)."""

    def __init__(self, application, trusted: list[str]):
        self.application = application
        self.trusted = addresses.networks(tuple(trusted), "CSC_TRUSTED_PROXIES")

    def __call__(self, environ, start_response):
        real = environ.get("HTTP_X_REAL_IP", "").strip()
        if real and addresses.address_in(environ.get("REMOTE_ADDR", ""), self.trusted):
            # Not one address (a list, a name): the proxy's own stays.
            with contextlib.suppress(ValueError):
                environ["REMOTE_ADDR"] = str(ipaddress.ip_address(real))
        return self.application(environ, start_response)

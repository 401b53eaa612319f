"""Response headers that tell browsers what this site may do."""

from flask import request

#: No inline scripts or styles and no other hosts: the site needs none. JSON-LD blocks
#: are data, not scripts, and are not affected.
CSP = "; ".join(
    [
        "default-src 'self'",
        "img-src 'self' data:",
        "style-src 'self'",
        "script-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}
HSTS = "max-age=31536000; includeSubDomains"


def init_app(app) -> None:
    app.after_request(security_headers)


def security_headers(response):
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    # Once a browser has seen the site over HTTPS, it must never fall back to HTTP.
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    return response

"""gunicorn settings for ASTI: `gunicorn -c deploy/gunicorn.conf.py wsgi:app`.

Every value can be changed through the environment (the systemd unit reads
/etc/asti/asti.env), so this file stays as it is on every server.
"""

import multiprocessing
import os

# Behind nginx on the same machine; ASTI_BIND=0.0.0.0:8000 only behind a firewall.
bind = os.environ.get("ASTI_BIND", "127.0.0.1:8000")

# Sync workers suit a server-rendered site: two per core plus one, capped so that a
# big machine does not open more database connections than PostgreSQL allows.
workers = int(os.environ.get("ASTI_WORKERS", min(multiprocessing.cpu_count() * 2 + 1, 12)))
worker_class = "sync"

# A request that takes longer than this is stuck. Pages render in milliseconds, and an
# upload over a slow link is received by nginx first, then passed on at once; but turning
# eight 48-megapixel phone photos into renditions takes a slow server half a minute.
timeout = 120
graceful_timeout = 20
keepalive = 5

# Recycle workers now and then, so that a slow leak can never grow for weeks; not often,
# since a new worker starts with an empty page cache (and 0.7 s of start-up work).
max_requests = 100_000
max_requests_jitter = 10_000

# One line per request on stdout (journald keeps it): the peer (nginx) and the reader's
# address it forwarded, what, status, size, time in milliseconds and the page's language.
# Query strings appear; passwords never travel in URLs, and request bodies are never logged.
accesslog = "-"
access_log_format = (
    '%(h)s %({x-forwarded-for}i)s "%(r)s" %(s)s %(B)s %(M)sms lang=%({content-language}o)s'
)
# Errors and tracebacks on stderr.
errorlog = "-"
loglevel = os.environ.get("ASTI_LOG_LEVEL", "info")

# Only these addresses may tell gunicorn the original scheme (X-Forwarded-Proto): the
# local nginx by default. The app itself trusts X-Forwarded-* only with ASTI_PROXY_FIX=1.
forwarded_allow_ips = os.environ.get("ASTI_FORWARDED_ALLOW_IPS", "127.0.0.1")

# gunicorn >= 25.1 opens a control socket in the user's home by default; the service
# has no use for it (and its home is read-only under systemd's protections).
control_socket_disable = True

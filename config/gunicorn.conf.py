"""gunicorn settings for a small server (the reference machine has 2 cores).

Every value can be changed from the environment without rebuilding the image.
"""

import multiprocessing
import os

# PORT is what most platforms set; 0.0.0.0 so the container's published port reaches it.
bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
# gunicorn's rule of thumb (2 x cores + 1), capped at 8 because cpu_count() in a container
# reports the host's cores and each worker holds its own copy of Django in memory.
workers = int(os.environ.get("WEB_CONCURRENCY", str(min(2 * multiprocessing.cpu_count() + 1, 8))))
# Threads let a worker serve other requests while one waits on PostgreSQL or Redis.
worker_class = "gthread"
# A few threads per worker: enough to overlap database waits without contending for the GIL.
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# Nothing long runs in a request (reports and figure rebuilds are Celery tasks): a request that
# takes 30 s is stuck, and the worker is better restarted.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
# On restart or deploy, requests in flight get as long to finish as a request may take.
graceful_timeout = timeout
# Keep connections from the proxy open a little while so pages and their assets reuse them.
keepalive = 5
# Recycle workers now and then so a slow leak cannot grow without bound.
max_requests = 1000
# Spread the recycling so the workers do not all restart at the same moment.
max_requests_jitter = 100
# Access and error logs to stdout/stderr, where Docker and the platform collect them.
accesslog = "-"
errorlog = "-"

"""gunicorn settings for a small server (the reference machine has 2 cores).

Every value can be changed from the environment without rebuilding the image.
"""

import multiprocessing
import os

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
# Requests are short and mostly wait on PostgreSQL: two processes per core, each with a few
# threads, keep both cores busy without a process per concurrent user.
workers = int(os.environ.get("WEB_CONCURRENCY", str(2 * multiprocessing.cpu_count())))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# Nothing long runs in a request (reports and figure rebuilds are Celery tasks): a request that
# takes 30 s is stuck, and the worker is better restarted.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so a slow leak cannot grow without bound.
max_requests = 1000
max_requests_jitter = 100
accesslog = "-"
errorlog = "-"

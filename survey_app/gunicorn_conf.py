"""Recommended gunicorn settings (measured in bench/: sync workers with a kept SQLite connection
per worker beat gthread workers, whose tails were bad)."""
worker_class = "sync"
preload_app = True  # migrate once in the master, then fork; the store reopens connections per process
timeout = 120  # a large survey's XLSX/SPSS export takes tens of seconds (bench/RESULTS.md)
graceful_timeout = 10
keepalive = 2
limit_request_line = 4094
limit_request_field_size = 8190
worker_tmp_dir = "/dev/shm"
accesslog = "-"
access_log_format = '%(t)s "%(r)s" %(s)s %(b)s %(M)sms'  # no client address: no raw IPs kept


def when_ready(server):
    """The app is loaded (preload): move its long-lived objects out of the garbage collector's
    sight, so workers neither rescan them on every collection nor copy their pages after fork."""
    import gc

    gc.collect()
    gc.freeze()

"""Recommended gunicorn settings (measured in bench/: sync workers with a kept SQLite connection
per worker beat gthread workers, whose tails were bad).

A sync worker serves one connection from its first byte to its last and reads without a timeout, so
it must sit behind a buffering proxy: nginx with deploy/nginx-manyi.conf holds idle and slow clients
and passes on only whole requests (bench/bench_slow_clients.py). `manyi serve` listens on loopback
unless told --behind-proxy. No timeout here could do nginx's job: `timeout` is also the longest a
request may run, and an attacker reconnects as soon as a worker is killed."""
worker_class = "sync"
preload_app = True  # migrate once in the master, then fork; the store reopens connections per process
timeout = 120  # a large survey's XLSX/SPSS export takes tens of seconds (bench/RESULTS.md); nginx waits 130 s
graceful_timeout = 10
keepalive = 2  # unused by sync workers (one request per connection; nginx keeps the clients' connections)
limit_request_line = 4094
limit_request_field_size = 8190
worker_tmp_dir = "/dev/shm"
accesslog = "-"
access_log_format = '%(t)s "%(r)s" %(s)s %(b)s %(M)sms'  # no client address: no raw IPs kept
logger_class = "survey_app.access_log.Logger"  # a hall tablet's /k/<token> logged as /k/*** (respondent/kiosk.py)


def when_ready(server):
    """The app is loaded (preload): move its long-lived objects out of the garbage collector's
    sight, so workers neither rescan them on every collection nor copy their pages after fork."""
    import gc

    gc.collect()
    gc.freeze()
# gunicorn ≥ 24's control socket defaults to one path per user ($HOME/.gunicorn/gunicorn.ctl), shared by
# every server of that user (stopping one removed another's); Manyi needs none of its commands.
control_socket_disable = True

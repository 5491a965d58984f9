/* A shim preloaded into a test's gunicorn (LD_PRELOAD; built by tests/test_fsync_syscall.py with gcc):
 * it logs the system calls an acknowledged answer's durability rests on, as the C library sees them,
 * whoever makes them (SQLite, Python, gunicorn).
 *
 *   sync  PID START END PATH    fdatasync() or fsync() of PATH (START, END: CLOCK_MONOTONIC, ns)
 *   wal   PID START END PATH    pwrite()/pwrite64() to a file whose name ends in -wal (SQLite's commit)
 *   reply PID START END LINE    send()/sendto()/write() on a socket of bytes starting "HTTP/": a response
 *
 * to the file named by $FSYNC_SHIM_LOG (one line per call, appended with O_APPEND). Each call goes
 * on to the C library's own function (dlsym RTLD_NEXT), so nothing else changes.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

static void *real(const char *name) {
    void *f = dlsym(RTLD_NEXT, name);
    if (!f) {
        fprintf(stderr, "fsync_shim: no %s in the C library\n", name);
        abort();
    }
    return f;
}

static ssize_t (*real_write)(int, const void *, size_t);

static void fd_path(int fd, char *out, size_t size) {
    char link[64];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, out, size - 1);
    out[n < 0 ? 0 : n] = 0;
}

static void record(const char *event, long long start, long long end, const char *what) {
    const char *log = getenv("FSYNC_SHIM_LOG");
    if (!log)
        return;
    if (!real_write)
        real_write = real("write");
    char line[4352];
    int len = snprintf(line, sizeof line, "%s %d %lld %lld %s\n", event, (int)getpid(), start, end, what);
    if (len >= (int)sizeof line)
        len = sizeof line - 1;
    int out = open(log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (out < 0)
        return;
    real_write(out, line, len);
    close(out);
}

static void record_fd(const char *event, int fd, long long start, long long end) {
    char path[4096];
    fd_path(fd, path, sizeof path);
    record(event, start, end, path);
}

static int is_wal(int fd) {
    char path[4096];
    fd_path(fd, path, sizeof path);
    size_t n = strlen(path);
    return n > 4 && strcmp(path + n - 4, "-wal") == 0;
}

/* The status line of an HTTP response written to a socket, or nothing. */
static void record_reply(int fd, const void *buf, size_t len, long long start, long long end) {
    struct stat st;
    if (len < 5 || memcmp(buf, "HTTP/", 5) != 0 || fstat(fd, &st) != 0 || !S_ISSOCK(st.st_mode))
        return;
    char status[64];
    size_t n = 0;
    while (n < len && n < sizeof status - 1 && ((const char *)buf)[n] != '\r' && ((const char *)buf)[n] != '\n') {
        status[n] = ((const char *)buf)[n] == ' ' ? '_' : ((const char *)buf)[n];
        n++;
    }
    status[n] = 0;
    record("reply", start, end, status);
}

int fdatasync(int fd) {
    static int (*f)(int);
    if (!f)
        f = real("fdatasync");
    long long start = now_ns();
    int r = f(fd);
    int saved = errno;
    record_fd("sync", fd, start, now_ns());
    errno = saved;
    return r;
}

int fsync(int fd) {
    static int (*f)(int);
    if (!f)
        f = real("fsync");
    long long start = now_ns();
    int r = f(fd);
    int saved = errno;
    record_fd("sync", fd, start, now_ns());
    errno = saved;
    return r;
}

ssize_t pwrite64(int fd, const void *buf, size_t len, off_t offset) {
    static ssize_t (*f)(int, const void *, size_t, off_t);
    if (!f)
        f = real("pwrite64");
    long long start = now_ns();
    ssize_t r = f(fd, buf, len, offset);
    int saved = errno;
    if (is_wal(fd))
        record_fd("wal", fd, start, now_ns());
    errno = saved;
    return r;
}

ssize_t pwrite(int fd, const void *buf, size_t len, off_t offset) {
    return pwrite64(fd, buf, len, offset);
}

ssize_t send(int fd, const void *buf, size_t len, int flags) {
    static ssize_t (*f)(int, const void *, size_t, int);
    if (!f)
        f = real("send");
    long long start = now_ns();
    ssize_t r = f(fd, buf, len, flags);
    int saved = errno;
    record_reply(fd, buf, len, start, now_ns());
    errno = saved;
    return r;
}

ssize_t sendto(int fd, const void *buf, size_t len, int flags, const struct sockaddr *to, socklen_t tolen) {
    static ssize_t (*f)(int, const void *, size_t, int, const struct sockaddr *, socklen_t);
    if (!f)
        f = real("sendto");
    long long start = now_ns();
    ssize_t r = f(fd, buf, len, flags, to, tolen);
    int saved = errno;
    record_reply(fd, buf, len, start, now_ns());
    errno = saved;
    return r;
}

ssize_t write(int fd, const void *buf, size_t len) {
    if (!real_write)
        real_write = real("write");
    long long start = now_ns();
    ssize_t r = real_write(fd, buf, len);
    int saved = errno;
    record_reply(fd, buf, len, start, now_ns());
    errno = saved;
    return r;
}

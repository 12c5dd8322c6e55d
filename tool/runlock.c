/* runlock.c — the run directory's lock (runlock.h): POSIX flock, Windows LockFileEx. */
#ifndef _WIN32
#define _DEFAULT_SOURCE /* flock (BSD, in every libc rnnts builds with) */
#define _POSIX_C_SOURCE 200809L
#endif
#include "runlock.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#ifdef _WIN32
#include <windows.h>
#else
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>
#endif

void host_name(char *out, size_t cap) {
    char h[256] = "";
    size_t k = 0;
#ifdef _WIN32
    DWORD n = (DWORD)sizeof h;
    if (!GetComputerNameA(h, &n)) h[0] = 0;
#else
    if (gethostname(h, sizeof h - 1) != 0) h[0] = 0;
    h[sizeof h - 1] = 0;
#endif
    if (!cap) return;
    if (!h[0]) snprintf(h, sizeof h, "unknown");
    /* the note and the CSV log hold it as one field */
    for (; h[k] && k + 1 < cap; k++) {
        unsigned char c = (unsigned char)h[k];
        out[k] = c <= ' ' || c == ',' || c == ';' || c == '=' || c == '"' || c == '\\' || c >= 0x7f ? '_' : (char)c;
    }
    out[k] = 0;
}

/* The note of the holder: "pid=123 host=h start=2026-01-02T03:04:05Z". */
static int runlock_note(char *buf, size_t cap) {
    char host[256], when[32] = "?";
    time_t t = time(NULL);
    struct tm tm;
    long pid;
#ifdef _WIN32
    pid = (long)GetCurrentProcessId();
    if (gmtime_s(&tm, &t) == 0) strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
#else
    pid = (long)getpid();
    if (gmtime_r(&t, &tm)) strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
#endif
    host_name(host, sizeof host);
    return snprintf(buf, cap, "pid=%ld host=%s start=%s\n", pid, host, when);
}
/* "pid 123 on host h since 2026-01-02T03:04:05Z" from a note (what it holds when it is not one). */
static void runlock_describe(const char *note, const char *path, char *msg, size_t cap) {
    char pid[32], host[256], when[64];
    if (sscanf(note, "pid=%31s host=%255s start=%63s", pid, host, when) == 3)
        snprintf(msg, cap, "pid %s on host %s since %s", pid, host, when);
    else
        snprintf(msg, cap, "a process that left no note in %.3000s", path);
}

#ifdef _WIN32
/* The byte locked: far past the note, which stays readable (Windows locks exclude reads too). */
#define RUNLOCK_BYTE_HIGH 1u

int runlock_acquire(runlock *l, const char *dir, char *msg, size_t cap) {
    size_t n = strlen(dir);
    OVERLAPPED ov;
    HANDLE h;
    char note[512];
    DWORD w;
    int len;
    l->held = 0;
    snprintf(l->path, sizeof l->path, "%s%s.lock", dir, n && (dir[n - 1] == '/' || dir[n - 1] == '\\') ? "" : "/");
    h = CreateFileA(l->path, GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL, OPEN_ALWAYS,
                    FILE_ATTRIBUTE_NORMAL, NULL);
    if (h == INVALID_HANDLE_VALUE) { snprintf(msg, cap, "cannot create %.3000s (Windows error %lu)", l->path, (unsigned long)GetLastError()); return RUNLOCK_ERROR; }
    memset(&ov, 0, sizeof ov);
    ov.OffsetHigh = RUNLOCK_BYTE_HIGH;
    if (!LockFileEx(h, LOCKFILE_EXCLUSIVE_LOCK | LOCKFILE_FAIL_IMMEDIATELY, 0, 1, 0, &ov)) {
        DWORD e = GetLastError(), got = 0;
        if (e != ERROR_LOCK_VIOLATION && e != ERROR_IO_PENDING) {
            CloseHandle(h);
            snprintf(msg, cap, "cannot lock %.3000s (Windows error %lu)", l->path, (unsigned long)e);
            return RUNLOCK_ERROR;
        }
        for (int k = 0; k < 10 && got == 0; k++) { /* the holder writes its note right after locking */
            if (k) Sleep(20);
            SetFilePointer(h, 0, NULL, FILE_BEGIN);
            if (!ReadFile(h, note, (DWORD)sizeof note - 1, &got, NULL)) got = 0;
        }
        note[got] = 0;
        CloseHandle(h);
        runlock_describe(note, l->path, msg, cap);
        return RUNLOCK_HELD;
    }
    len = runlock_note(note, sizeof note);
    SetFilePointer(h, 0, NULL, FILE_BEGIN);
    SetEndOfFile(h);
    if (len > 0) WriteFile(h, note, (DWORD)len, &w, NULL); /* a note only: the lock holds without it */
    l->handle = h;
    l->held = 1;
    return 0;
}
void runlock_release(runlock *l) {
    OVERLAPPED ov;
    if (!l->held) return;
    memset(&ov, 0, sizeof ov);
    ov.OffsetHigh = RUNLOCK_BYTE_HIGH;
    UnlockFileEx((HANDLE)l->handle, 0, 1, 0, &ov); /* at once: closing alone may release it later */
    CloseHandle((HANDLE)l->handle);
    l->held = 0;
}

#else /* POSIX */

int runlock_acquire(runlock *l, const char *dir, char *msg, size_t cap) {
    size_t n = strlen(dir);
    char note[512];
    int fd, len;
    l->held = 0;
    snprintf(l->path, sizeof l->path, "%s%s.lock", dir, n && dir[n - 1] == '/' ? "" : "/");
    /* O_CLOEXEC: a program the holder starts does not inherit (and keep) the lock */
    fd = open(l->path, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
    if (fd < 0) { snprintf(msg, cap, "cannot create %.3000s: %s", l->path, strerror(errno)); return RUNLOCK_ERROR; }
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        int e = errno;
        ssize_t got = 0;
        if (e != EWOULDBLOCK && e != EAGAIN) {
            close(fd);
            snprintf(msg, cap, "cannot lock %.3000s: %s", l->path, strerror(e));
            return RUNLOCK_ERROR;
        }
        for (int k = 0; k < 10 && got <= 0; k++) { /* the holder writes its note right after locking */
            if (k) nanosleep(&(struct timespec){0, 20000000L}, NULL);
            got = pread(fd, note, sizeof note - 1, 0);
        }
        note[got > 0 ? got : 0] = 0;
        close(fd);
        runlock_describe(note, l->path, msg, cap);
        return RUNLOCK_HELD;
    }
    len = runlock_note(note, sizeof note);
    /* a note only: the lock holds without it (e.g. on a full disk) */
    if (ftruncate(fd, 0) == 0 && len > 0 && pwrite(fd, note, (size_t)len, 0) < 0) { /* nothing to do */ }
    l->fd = fd;
    l->held = 1;
    return 0;
}
void runlock_release(runlock *l) {
    if (!l->held) return;
    close(l->fd); /* drops the flock */
    l->held = 0;
}
#endif

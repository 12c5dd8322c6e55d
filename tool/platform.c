/* platform.c — the POSIX and the Windows side of the tool's system calls (declared in platform.h).
   POSIX is the reference: on Linux every function does what the modules did themselves before
   (the tool's output is unchanged); the Windows side gives the same results with Win32 calls. */
#define _POSIX_C_SOURCE 200809L
#include "platform.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli_args.h"

#if defined(_WIN32)
/* ======================================================================================== */
/* Windows (MinGW-w64)                                                                        */
/* ======================================================================================== */
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>
#include <direct.h> /* _mkdir */
#include <fcntl.h>  /* _O_BINARY */
#include <io.h>     /* _setmode, _commit, _isatty, _fileno */
#include <psapi.h>  /* GetProcessMemoryInfo (kernel32's K32GetProcessMemoryInfo) */

#ifndef ENABLE_VIRTUAL_TERMINAL_PROCESSING
#define ENABLE_VIRTUAL_TERMINAL_PROCESSING 0x0004
#endif

void platform_init(void) {
    HANDLE h = GetStdHandle(STD_ERROR_HANDLE);
    DWORD mode;
    fflush(stdout);
    fflush(stderr);
    (void)_setmode(_fileno(stdout), _O_BINARY);
    (void)_setmode(_fileno(stderr), _O_BINARY);
    if (h != INVALID_HANDLE_VALUE && h != NULL && GetConsoleMode(h, &mode)) SetConsoleMode(h, mode | ENABLE_VIRTUAL_TERMINAL_PROCESSING);
}
double platform_monotonic_s(void) {
    static LARGE_INTEGER freq;
    LARGE_INTEGER t;
    if (!freq.QuadPart) QueryPerformanceFrequency(&freq);
    QueryPerformanceCounter(&t);
    return (double)t.QuadPart / (double)freq.QuadPart;
}
int platform_is_sep(int c) { return c == '/' || c == '\\'; }
size_t platform_path_root(const char *p) {
    if (platform_is_sep(p[0]) && platform_is_sep(p[1])) { /* \\server\share\ */
        size_t i = 2;
        for (int part = 0; part < 2; part++) {
            while (p[i] && !platform_is_sep(p[i])) i++;
            if (p[i]) i++;
        }
        return i;
    }
    if (((p[0] >= 'A' && p[0] <= 'Z') || (p[0] >= 'a' && p[0] <= 'z')) && p[1] == ':') return platform_is_sep(p[2]) ? 3 : 2;
    return platform_is_sep(p[0]) ? 1 : 0;
}
int platform_mkdir(const char *path) { return _mkdir(path); }
int platform_is_dir(const char *path) {
    DWORD a = GetFileAttributesA(path);
    return a != INVALID_FILE_ATTRIBUTES && (a & FILE_ATTRIBUTE_DIRECTORY);
}
/* errno for a Windows error code (the messages use strerror). */
static int errno_of(DWORD e) {
    switch (e) {
    case ERROR_FILE_NOT_FOUND: case ERROR_PATH_NOT_FOUND: case ERROR_INVALID_DRIVE: return ENOENT;
    case ERROR_ACCESS_DENIED: case ERROR_SHARING_VIOLATION: case ERROR_LOCK_VIOLATION: case ERROR_WRITE_PROTECT: return EACCES;
    case ERROR_ALREADY_EXISTS: case ERROR_FILE_EXISTS: return EEXIST;
    case ERROR_DISK_FULL: case ERROR_HANDLE_DISK_FULL: return ENOSPC;
    case ERROR_NOT_SAME_DEVICE: return EXDEV;
    case ERROR_FILENAME_EXCED_RANGE: return ENAMETOOLONG;
    default: return EIO;
    }
}
int platform_rename_replace(const char *from, const char *to) {
    if (MoveFileExA(from, to, MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH)) return 0;
    errno = errno_of(GetLastError());
    return -1;
}
int platform_fsync(FILE *f) { return _commit(_fileno(f)); }
ssize_t platform_getline(char **line, size_t *cap, FILE *f) {
    size_t n = 0;
    int c;
    if (!*line || *cap < 2) {
        char *p = (char *)realloc(*line, 128);
        if (!p) { errno = ENOMEM; return -1; }
        *line = p; *cap = 128;
    }
    while ((c = getc(f)) != EOF) {
        if (n + 2 > *cap) {
            char *p = (char *)realloc(*line, *cap * 2);
            if (!p) { errno = ENOMEM; return -1; }
            *line = p; *cap *= 2;
        }
        (*line)[n++] = (char)c;
        if (c == '\n') break;
    }
    (*line)[n] = 0;
    return n ? (ssize_t)n : -1;
}
/* Volume serial number and file index of path; 0 when it cannot be opened. */
static int file_id(const char *path, BY_HANDLE_FILE_INFORMATION *info) {
    HANDLE h = CreateFileA(path, 0, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL, OPEN_EXISTING, FILE_FLAG_BACKUP_SEMANTICS, NULL);
    int ok;
    if (h == INVALID_HANDLE_VALUE) return 0;
    ok = GetFileInformationByHandle(h, info) != 0;
    CloseHandle(h);
    return ok;
}
int platform_same_file(const char *a, const char *b) {
    BY_HANDLE_FILE_INFORMATION ia, ib;
    return file_id(a, &ia) && file_id(b, &ib) && ia.dwVolumeSerialNumber == ib.dwVolumeSerialNumber && ia.nFileIndexHigh == ib.nFileIndexHigh &&
           ia.nFileIndexLow == ib.nFileIndexLow;
}
long platform_pid(void) { return (long)GetCurrentProcessId(); }
int platform_isatty_stderr(void) { return _isatty(_fileno(stderr)) != 0; }
int platform_ncpu(void) {
    SYSTEM_INFO si;
    GetSystemInfo(&si);
    return si.dwNumberOfProcessors < 1 ? 1 : (int)si.dwNumberOfProcessors;
}
size_t platform_phys_mem(void) {
    MEMORYSTATUSEX ms;
    ms.dwLength = sizeof ms;
    if (!GlobalMemoryStatusEx(&ms)) return 0;
    return ms.ullTotalPhys > (DWORDLONG)SIZE_MAX ? SIZE_MAX : (size_t)ms.ullTotalPhys;
}
double platform_max_rss_bytes(void) {
    PROCESS_MEMORY_COUNTERS pmc;
    memset(&pmc, 0, sizeof pmc);
    if (!GetProcessMemoryInfo(GetCurrentProcess(), &pmc, sizeof pmc)) return 0.0;
    return (double)pmc.PeakWorkingSetSize;
}
void platform_stop_signals_install(void (*handler)(int sig)) {
    signal(SIGINT, handler);
    signal(SIGBREAK, handler);
    signal(SIGTERM, handler);
}
void platform_signal_default(int sig) { signal(sig, SIG_DFL); }
const char *platform_signal_name(int sig) {
    return sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" : sig == SIGBREAK ? "SIGBREAK" : "a signal";
}
void platform_stop_signals_block(int block) { (void)block; }
int platform_children_supported(void) { return 0; }
int platform_run_children(int n, int (*job)(void *arg, void *out), void *const *args, void *const *outs, size_t out_size,
                          platform_child *st) {
    (void)job; (void)args; (void)outs; (void)out_size;
    for (int k = 0; k < n; k++) memset(&st[k], 0, sizeof st[k]);
    fprintf(stderr, "%s: no child processes on Windows\n", cli_prog);
    return -1;
}

#else
/* ======================================================================================== */
/* POSIX                                                                                     */
/* ======================================================================================== */
#include <pthread.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

void platform_init(void) { signal(SIGXFSZ, SIG_IGN); }
double platform_monotonic_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}
int platform_is_sep(int c) { return c == '/'; }
size_t platform_path_root(const char *p) { return p[0] == '/' ? 1 : 0; }
int platform_mkdir(const char *path) { return mkdir(path, 0777); }
int platform_is_dir(const char *path) {
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}
int platform_rename_replace(const char *from, const char *to) { return rename(from, to); }
int platform_fsync(FILE *f) { return fsync(fileno(f)); }
ssize_t platform_getline(char **line, size_t *cap, FILE *f) { return getline(line, cap, f); }
int platform_same_file(const char *a, const char *b) {
    struct stat sa, sb;
    return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}
long platform_pid(void) { return (long)getpid(); }
int platform_isatty_stderr(void) { return isatty(2); }
int platform_ncpu(void) {
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > 1000000 ? 1000000 : (int)n;
}
size_t platform_phys_mem(void) {
    long pages = sysconf(_SC_PHYS_PAGES), psz = sysconf(_SC_PAGESIZE);
    return pages > 0 && psz > 0 ? (size_t)pages * (size_t)psz : 0;
}
double platform_max_rss_bytes(void) {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_maxrss * 1024.0;
}
static const int STOP_SIGNALS[] = {SIGINT, SIGTERM, SIGHUP};
#define N_STOP_SIGNALS (sizeof STOP_SIGNALS / sizeof STOP_SIGNALS[0])
void platform_stop_signals_install(void (*handler)(int sig)) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = handler;
    sa.sa_flags = SA_RESTART;
    sigemptyset(&sa.sa_mask);
    for (size_t k = 0; k < N_STOP_SIGNALS; k++) sigaction(STOP_SIGNALS[k], &sa, NULL);
}
void platform_signal_default(int sig) {
    struct sigaction dfl;
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    sigaction(sig, &dfl, NULL);
}
const char *platform_signal_name(int sig) { return sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" : sig == SIGHUP ? "SIGHUP" : "a signal"; }
void platform_stop_signals_block(int block) {
    static sigset_t old;
    if (block) {
        sigset_t set;
        sigemptyset(&set);
        for (size_t k = 0; k < N_STOP_SIGNALS; k++) sigaddset(&set, STOP_SIGNALS[k]);
        pthread_sigmask(SIG_BLOCK, &set, &old);
    } else {
        pthread_sigmask(SIG_SETMASK, &old, NULL);
    }
}
int platform_children_supported(void) { return 1; }
int platform_run_children(int n, int (*job)(void *arg, void *out), void *const *args, void *const *outs, size_t out_size,
                          platform_child *st) {
    pid_t pid[16];
    int fd[16][2], code = 0;
    if (n > 16) n = 16;
    for (int k = 0; k < n; k++) { pid[k] = -1; fd[k][0] = fd[k][1] = -1; memset(&st[k], 0, sizeof st[k]); }
    fflush(NULL);
    for (int k = 0; k < n; k++) {
        if (pipe(fd[k]) != 0) { fprintf(stderr, "%s: pipe: %s\n", cli_prog, strerror(errno)); code = -1; break; }
        pid[k] = fork();
        if (pid[k] == 0) {
            int rc;
            const char *p = (const char *)outs[k];
            size_t left = out_size;
            close(fd[k][0]);
            memset(outs[k], 0, out_size);
            rc = job(args[k], outs[k]);
            while (left > 0) {
                ssize_t w = write(fd[k][1], p, left);
                if (w < 0 && errno == EINTR) continue;
                if (w <= 0) _exit(CLI_EXIT_FAIL);
                p += w; left -= (size_t)w;
            }
            _exit(rc);
        }
        close(fd[k][1]);
        if (pid[k] < 0) { fprintf(stderr, "%s: fork: %s\n", cli_prog, strerror(errno)); code = -1; }
    }
    for (int k = 0; k < n; k++) {
        char *p = (char *)outs[k];
        size_t got = 0;
        int s = 0;
        if (pid[k] < 0) { if (fd[k][0] >= 0) close(fd[k][0]); continue; }
        while (got < out_size) { /* read before waiting: the child may block on a full pipe */
            ssize_t r = read(fd[k][0], p + got, out_size - got);
            if (r < 0 && errno == EINTR) continue;
            if (r <= 0) break;
            got += (size_t)r;
        }
        close(fd[k][0]);
        while (waitpid(pid[k], &s, 0) < 0 && errno == EINTR) {}
        st[k].started = 1;
        st[k].exited = WIFEXITED(s);
        st[k].status = WIFEXITED(s) ? WEXITSTATUS(s) : WTERMSIG(s);
        st[k].complete = got == out_size;
    }
    return code;
}
#endif

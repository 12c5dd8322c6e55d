/* platform.h — what differs between POSIX systems and Windows in the rnnts tool, in one module
   (platform.c): start-up, clock, files and directories, paths, signals, child processes and
   facts about the machine. The other modules of tool/ are C11 plus these functions.

   Windows (MinGW-w64; see README "Windows"): paths may use '\' or '/' and start with a drive
   ("C:\", "Z:\") or a UNC share; files are opened in binary mode everywhere ("rb", "wb"), and
   stdout/stderr are switched to binary mode, so every byte the tool writes is the same as on
   POSIX; a file is replaced atomically with MoveFileExA. Windows has no fork(): compare runs its
   two trainings one after the other (platform_children_supported() is 0). Signals: SIGINT
   (Ctrl+C), SIGBREAK (Ctrl+Break) and SIGTERM stop training cleanly; there is no SIGHUP. */
#ifndef RNNTS_TOOL_PLATFORM_H
#define RNNTS_TOOL_PLATFORM_H

#include <stddef.h>
#include <stdio.h>
#include <sys/types.h> /* ssize_t */

/* Start-up (rnnts_tool_main). POSIX: SIGXFSZ ignored, so that a file size limit (ulimit -f) makes
   writes fail with EFBIG, reported like a full disk, instead of killing the process mid-write.
   Windows: stdout and stderr in binary mode (\n, not \r\n), and escape sequences enabled on a
   console (the progress line). */
void platform_init(void);

/* Monotonic clock in seconds. */
double platform_monotonic_s(void);

/* ---- paths and files ------------------------------------------------------------------------ */
/* Whether c separates path components ('/'; on Windows also '\'). */
int platform_is_sep(int c);
/* Length of the root prefix of a path that no mkdir can create: 0 for a relative POSIX path, 1
   for "/..."; Windows: "C:\" 3, "C:" 2, "\" 1, "\\server\share\" through the share. */
size_t platform_path_root(const char *path);
/* mkdir with the default permissions: 0, or -1 with errno (EEXIST when it exists). */
int platform_mkdir(const char *path);
/* Whether path is a directory (Windows: trailing separators allowed). */
int platform_is_dir(const char *path);
/* Renames from over to, replacing to if it exists, in one step (Windows: MoveFileExA with
   MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH). 0, or -1 with errno. */
int platform_rename_replace(const char *from, const char *to);
/* Flushes f's buffers to the disk (fsync; Windows: _commit). 0, or -1 with errno. */
int platform_fsync(FILE *f);
/* POSIX getline: the next line (with its '\n') into *line (realloc'd, *cap its size); its length,
   or -1 at the end of the file or on error. */
ssize_t platform_getline(char **line, size_t *cap, FILE *f);
/* Whether a and b name the same file or directory (device and inode; Windows: volume serial
   number and file index). */
int platform_same_file(const char *a, const char *b);

/* ---- process and machine -------------------------------------------------------------------- */
long platform_pid(void);
/* Whether stderr is a terminal. */
int platform_isatty_stderr(void);
/* Online CPUs (at least 1). */
int platform_ncpu(void);
/* Physical memory in bytes; 0 when unknown. */
size_t platform_phys_mem(void);
/* Peak resident memory of this process in bytes (getrusage ru_maxrss * 1024; Windows: the peak
   working set). */
double platform_max_rss_bytes(void);

/* ---- signals that stop training cleanly --------------------------------------------------- */
/* Installs handler for SIGINT, SIGTERM and SIGHUP (POSIX, SA_RESTART), or SIGINT, SIGBREAK and
   SIGTERM (Windows). */
void platform_stop_signals_install(void (*handler)(int sig));
/* From a handler: the default action for the next signal sig (a second one ends the process). */
void platform_signal_default(int sig);
/* "SIGINT", "SIGTERM", "SIGHUP", "SIGBREAK" or "a signal". */
const char *platform_signal_name(int sig);
/* Blocks the stop signals in the calling thread (block 1) and restores its mask (block 0): the
   threads created in between (the pool's workers) never take them, so they reach the thread that
   trains. Windows: nothing to do (a console handler runs on a thread of its own). */
void platform_stop_signals_block(int block);

/* ---- child processes (compare side by side) ---------------------------------------------- */
/* Whether platform_run_children can run jobs at once in child processes (POSIX fork: 1; Windows: 0). */
int platform_children_supported(void);
typedef struct platform_child {
    int started;  /* the child was started (pipe and fork succeeded) */
    int exited;   /* it exited (else a signal ended it) */
    int status;   /* its exit code, or the signal */
    int complete; /* its whole result arrived */
} platform_child;
/* Runs job(args[k], outs[k]) for k < n, all at once, each in a child process that sends its
   outs[k] (out_size bytes) back through a pipe and exits with job's return value. Prints
   "<prog>: pipe|fork: <error>" when a child cannot be started. Returns 0 when every child started,
   -1 otherwise; st[k] tells what became of each child. */
int platform_run_children(int n, int (*job)(void *arg, void *out), void *const *args, void *const *outs, size_t out_size,
                          platform_child *st);

#endif /* RNNTS_TOOL_PLATFORM_H */

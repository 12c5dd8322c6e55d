/* runlock.h — one writer per run directory: the exclusive advisory lock `rnnts train` holds on
   DIR/.lock for its whole life, and the host name it (and the log's provenance) records.

   Why a kernel lock and not a pid file: the kernel drops the lock when its holder ends in any way
   (exit, crash, SIGKILL, power loss), so a lock left by a killed process never blocks; the file
   itself stays behind and its content (pid, host, start time of the last holder) is only a note
   for the message a refused writer prints. POSIX: flock(LOCK_EX | LOCK_NB) on DIR/.lock (on Linux
   NFS clients flock is carried out as a POSIX byte-range lock, so it also holds across machines
   sharing the directory). Windows: LockFileEx on one byte far past the note (a locked range cannot
   be read by others on Windows, and the note must stay readable). Readers (analyze, replay, info,
   eval) never take the lock: every file is replaced atomically, so they read whole files while a
   run trains. Implemented in runlock.c. */
#ifndef RNNTS_TOOL_RUNLOCK_H
#define RNNTS_TOOL_RUNLOCK_H

#include <stddef.h>

typedef struct runlock {
    int held;     /* 1 while held (a zeroed struct is a lock not held) */
#ifdef _WIN32
    void *handle; /* HANDLE of DIR/.lock */
#else
    int fd;       /* descriptor of DIR/.lock */
#endif
    char path[4200];
} runlock;

#define RUNLOCK_HELD 1   /* runlock_acquire: another process holds the directory */
#define RUNLOCK_ERROR -1 /* runlock_acquire: the lock file could not be created or locked */

/* Takes the exclusive lock of run directory dir (which must exist) without waiting, and records
   this process (pid, host, start time) in DIR/.lock. Returns 0 (held until runlock_release or the
   end of the process), RUNLOCK_HELD with msg naming the holder ("pid 123 on host h since
   2026-01-02T03:04:05Z"), or RUNLOCK_ERROR with msg naming the file and the cause. */
int runlock_acquire(runlock *l, const char *dir, char *msg, size_t cap);
/* Releases a lock taken by runlock_acquire (the file stays; a no-op when not held, e.g. on a zeroed struct). */
void runlock_release(runlock *l);
/* The name of this host ("unknown" when it cannot be had), with the characters that a CSV field or
   a key=value note cannot hold (',', ';', '=', '"', spaces, control characters) replaced by '_'. */
void host_name(char *out, size_t cap);

#endif /* RNNTS_TOOL_RUNLOCK_H */

#ifndef HARK_LOADER_H
#define HARK_LOADER_H

#include <sys/types.h>

/// What the child of `hark_loader_spawn` does between fork and exec; every buffer is prepared before
/// the fork, so the child runs nothing but system calls.
typedef struct {
    /// The program, as a path (looked up in PATH beforehand).
    const char *path;
    /// NULL-terminated argument and environment vectors.
    char *const *argv;
    char *const *envp;
    /// An open, writable `cgroup.procs`: the child writes "0" to it, which moves the writer itself.
    int cgroup_procs;
    /// The read end of a pipe: the child waits for one byte on it before exec (EOF: it exits 127).
    int go;
    /// The write end of a close-on-exec pipe: when the child fails, it writes its errno there and a
    /// stage byte (1 cgroup, 2 wait, 3 user, 4 exec, 5 output); a successful exec closes it unwritten.
    int report;
    /// When `output` is not -1, the child's standard output and error go to it, its standard input
    /// comes from `input`, and it starts a session of its own (no controlling terminal): the command
    /// must not touch a terminal another program draws on.
    int output;
    int input;
    /// When `change_user` is non-zero, the child takes these groups and ids before exec.
    int change_user;
    uid_t uid;
    gid_t gid;
    const gid_t *groups;
    int group_count;
} hark_loader_plan;

/// Forks a child that follows `plan`. Signal mask and dispositions are reset in the child (hark's
/// blocked or ignored signals must not be inherited by the command).
///
/// Returns the child's pid, or -1 with errno set when fork failed.
pid_t hark_loader_spawn(const hark_loader_plan *plan);

/// pidfd_open(2): a descriptor that becomes readable when process `pid` exits; -1 with errno set.
int hark_pidfd_open(pid_t pid);

/// pipe2(2) with O_CLOEXEC (pipe2 is a GNU extension the Swift Glibc module does not export).
int hark_pipe_cloexec(int descriptors[2]);

/// eventfd(2) with EFD_CLOEXEC: a descriptor another thread wakes a poll with.
int hark_eventfd(void);

#endif

// The loader of `hark -- CMD`, in C because the child between fork and exec may only make system
// calls: in a multithreaded process the Swift runtime's locks may be held by a thread that does not
// exist in the child.
#define _GNU_SOURCE
#include "hark_loader.h"

#include <errno.h>
#include <grp.h>
#include <signal.h>
#include <string.h>
#include <fcntl.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <unistd.h>

static void fail(int report, unsigned char stage) {
    int error = errno;
    unsigned char message[sizeof(int) + 1];
    memcpy(message, &error, sizeof(int));
    message[sizeof(int)] = stage;
    ssize_t ignored = write(report, message, sizeof(message));
    (void)ignored;
    _exit(127);
}

pid_t hark_loader_spawn(const hark_loader_plan *plan) {
    pid_t pid = fork();
    if (pid != 0) return pid;

    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    for (int signal = 1; signal < NSIG; signal++) {
        if (signal != SIGKILL && signal != SIGSTOP) {
            struct sigaction action;
            memset(&action, 0, sizeof(action));
            action.sa_handler = SIG_DFL;
            sigaction(signal, &action, NULL);
        }
    }
    if (write(plan->cgroup_procs, "0", 1) != 1) fail(plan->report, 1);
    close(plan->cgroup_procs);
    char byte;
    ssize_t count;
    do {
        count = read(plan->go, &byte, 1);
    } while (count < 0 && errno == EINTR);
    if (count != 1) {
        errno = ECANCELED;
        fail(plan->report, 2);
    }
    close(plan->go);
    if (plan->output >= 0) {
        if (dup2(plan->input, 0) < 0 || dup2(plan->output, 1) < 0 || dup2(plan->output, 2) < 0) fail(plan->report, 5);
        // Its own session, without a controlling terminal: it cannot open /dev/tty and draw over the
        // screen, and no key of the UI reaches it as a signal.
        if (setsid() < 0) fail(plan->report, 5);
    }
    if (plan->change_user) {
        if (setgroups((size_t)plan->group_count, plan->groups) != 0) fail(plan->report, 3);
        if (setgid(plan->gid) != 0) fail(plan->report, 3);
        if (setuid(plan->uid) != 0) fail(plan->report, 3);
    }
    execve(plan->path, plan->argv, plan->envp);
    fail(plan->report, 4);
    return -1;
}

int hark_pidfd_open(pid_t pid) {
    return (int)syscall(SYS_pidfd_open, pid, 0);
}

int hark_pipe_cloexec(int descriptors[2]) {
    return pipe2(descriptors, O_CLOEXEC);
}

int hark_eventfd(void) {
    return eventfd(0, EFD_CLOEXEC);
}

// libpcap, for live capture and capture filters (Debian: libpcap-dev).
#include <pcap/pcap.h>

#ifdef __linux__
#include <errno.h>
#include <linux/filter.h>
#include <sys/socket.h>

/// Puts a compiled program on a Linux packet socket as its kernel filter, without libpcap: for a
/// program that only the kernel can run (one that reads the packet type, `inbound`), which libpcap
/// would also run in userland on the packets already queued, where it rejects them all.
/// Returns 0, or -1 with errno set.
static inline int hark_attach_kernel_filter(int descriptor, const struct bpf_program *program) {
    if (program->bf_len > BPF_MAXINSNS) {
        errno = EINVAL;
        return -1;
    }
    struct sock_fprog code = {
        .len = (unsigned short)program->bf_len,
        .filter = (struct sock_filter *)program->bf_insns,
    };
    return setsockopt(descriptor, SOL_SOCKET, SO_ATTACH_FILTER, &code, sizeof code);
}
#endif

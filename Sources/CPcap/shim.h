// libpcap, for live capture and capture filters (Debian: libpcap-dev).
#include <pcap/pcap.h>

#ifdef __linux__
#include <arpa/inet.h>
#include <errno.h>
#include <linux/filter.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_log.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <string.h>
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

/// Tells the kernel how to batch NFLOG group `group` on the netlink socket that bound it (libpcap's
/// `nflog:` descriptor): one netlink message leaves once `threshold` packets wait, its buffer of
/// `bufferSize` bytes is full, or `timeout` hundredths of a second have passed (0: at the next timer
/// tick). No acknowledgement is asked for: packets may be queued on the socket already, and a refusal
/// comes back as a netlink error message, which libpcap's reader skips.
/// Returns 0, or -1 with errno set.
static inline int hark_nflog_batch(int descriptor, unsigned short group, unsigned int threshold,
                                   unsigned int timeout, unsigned int bufferSize) {
    struct attribute32 {
        struct nlattr header;
        __u32 value;
    };
    struct {
        struct nlmsghdr header;
        struct nfgenmsg general;
        struct attribute32 attributes[3];
    } message;
    memset(&message, 0, sizeof message);
    message.header.nlmsg_len = sizeof message;
    message.header.nlmsg_type = (NFNL_SUBSYS_ULOG << 8) | NFULNL_MSG_CONFIG;
    message.header.nlmsg_flags = NLM_F_REQUEST;
    message.general.nfgen_family = AF_UNSPEC;
    message.general.version = NFNETLINK_V0;
    message.general.res_id = htons(group);
    const unsigned short types[3] = { NFULA_CFG_QTHRESH, NFULA_CFG_TIMEOUT, NFULA_CFG_NLBUFSIZ };
    const unsigned int values[3] = { threshold, timeout, bufferSize };
    for (int index = 0; index < 3; index++) {
        message.attributes[index].header.nla_len = sizeof(struct attribute32);
        message.attributes[index].header.nla_type = types[index];
        message.attributes[index].value = htonl(values[index]);
    }
    struct sockaddr_nl kernel;
    memset(&kernel, 0, sizeof kernel);
    kernel.nl_family = AF_NETLINK;
    ssize_t sent = sendto(descriptor, &message, sizeof message, 0, (struct sockaddr *)&kernel, sizeof kernel);
    return sent == (ssize_t)sizeof message ? 0 : -1;
}

/// The messages the kernel dropped because `descriptor`'s receive buffer was full (`SO_MEMINFO`'s
/// drops: a netlink socket counts each one), or -1 with errno set. libpcap's NFLOG drop count is not
/// that: it tests a stale errno after successful reads, and counts one per read after an overflow.
static inline long long hark_socket_drops(int descriptor) {
    __u32 info[SK_MEMINFO_VARS];
    socklen_t length = sizeof info;
    memset(info, 0, sizeof info);
    if (getsockopt(descriptor, SOL_SOCKET, SO_MEMINFO, info, &length) != 0) return -1;
    if (length < (socklen_t)((SK_MEMINFO_DROPS + 1) * sizeof(__u32))) {
        errno = EINVAL;
        return -1;
    }
    return info[SK_MEMINFO_DROPS];
}

/// Unbinds NFLOG group `group` from the netlink socket that bound it: the kernel first sends the
/// packets it was still gathering into a message (to that socket), then forgets the group, so what it
/// logged until now is all queued on the socket. No acknowledgement is asked for (see
/// `hark_nflog_batch`). Returns 0, or -1 with errno set.
static inline int hark_nflog_unbind(int descriptor, unsigned short group) {
    struct {
        struct nlmsghdr header;
        struct nfgenmsg general;
        struct nlattr attribute;
        struct nfulnl_msg_config_cmd command;
        unsigned char padding[3];
    } message;
    memset(&message, 0, sizeof message);
    message.header.nlmsg_len = NLMSG_LENGTH(sizeof(struct nfgenmsg)) + NLA_ALIGN(NLA_HDRLEN + sizeof(struct nfulnl_msg_config_cmd));
    message.header.nlmsg_type = (NFNL_SUBSYS_ULOG << 8) | NFULNL_MSG_CONFIG;
    message.header.nlmsg_flags = NLM_F_REQUEST;
    message.general.nfgen_family = AF_UNSPEC;
    message.general.version = NFNETLINK_V0;
    message.general.res_id = htons(group);
    message.attribute.nla_len = NLA_HDRLEN + sizeof(struct nfulnl_msg_config_cmd);
    message.attribute.nla_type = NFULA_CFG_CMD;
    message.command.command = NFULNL_CFG_CMD_UNBIND;
    struct sockaddr_nl kernel;
    memset(&kernel, 0, sizeof kernel);
    kernel.nl_family = AF_NETLINK;
    ssize_t sent = sendto(descriptor, &message, message.header.nlmsg_len, 0, (struct sockaddr *)&kernel, sizeof kernel);
    return sent == (ssize_t)message.header.nlmsg_len ? 0 : -1;
}
#endif

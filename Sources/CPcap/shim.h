// libpcap, for live capture and capture filters (Debian: libpcap-dev).
#include <pcap/pcap.h>

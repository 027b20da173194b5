/* LD_PRELOAD shim for baresip in tests: baresip skips interfaces flagged IFF_LOOPBACK when it
 * picks local addresses, but every test peer must live on 127.0.0.1 (tests may only send to
 * loopback). Clearing the flag in getifaddrs() results makes lo look like any other NIC. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <ifaddrs.h>
#include <net/if.h>

int getifaddrs(struct ifaddrs **ifap) {
  static int (*real_getifaddrs)(struct ifaddrs **) = 0;
  if (!real_getifaddrs) real_getifaddrs = (int (*)(struct ifaddrs **))dlsym(RTLD_NEXT, "getifaddrs");
  int rc = real_getifaddrs(ifap);
  if (rc == 0) {
    for (struct ifaddrs *i = *ifap; i; i = i->ifa_next) i->ifa_flags &= ~IFF_LOOPBACK;
  }
  return rc;
}

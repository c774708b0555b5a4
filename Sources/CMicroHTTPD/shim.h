#include <stdint.h>
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <microhttpd.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/eventfd.h>
#include <poll.h>

/// Receives libmicrohttpd's error messages, already formatted (Swift cannot take a va_list format).
typedef void (*netpold_log_sink)(void *context, const char *message);

struct netpold_log_target {
    netpold_log_sink sink;
    void *context;
};

static void netpold_mhd_log(void *cls, const char *format, va_list arguments) {
    const struct netpold_log_target *target = (const struct netpold_log_target *)cls;
    char message[512];
    vsnprintf(message, sizeof message, format, arguments);
    target->sink(target->context, message);
}

/// Non-variadic wrapper around MHD_start_daemon(), which Swift cannot call. One option list, built
/// as an MHD_OPTION_ARRAY so optional entries (TLS, a pool of more than one thread) are simply left out.
static inline struct MHD_Daemon *netpold_mhd_start(
    unsigned int flags, const struct sockaddr *address, unsigned int threadPoolSize,
    unsigned int connectionLimit, unsigned int connectionTimeoutSeconds, size_t connectionMemoryLimit,
    MHD_AccessHandlerCallback handler, void *handlerContext,
    MHD_RequestCompletedCallback completed, void *completedContext,
    const char *tlsKey, const char *tlsCertificate, const struct netpold_log_target *logTarget) {
    struct MHD_OptionItem options[11];
    int count = 0;
    /* First, so that start-up messages go there too; without a target libmicrohttpd stays silent. */
    if (logTarget != NULL) {
        flags |= MHD_USE_ERROR_LOG;
        options[count++] = (struct MHD_OptionItem){MHD_OPTION_EXTERNAL_LOGGER, (intptr_t)netpold_mhd_log, (void *)logTarget};
    }
    options[count++] = (struct MHD_OptionItem){MHD_OPTION_SOCK_ADDR, 0, (void *)address};
    /* A "pool" of one is no pool: libmicrohttpd warns about it, so one thread is simply the default. */
    if (threadPoolSize > 1) options[count++] = (struct MHD_OptionItem){MHD_OPTION_THREAD_POOL_SIZE, threadPoolSize, NULL};
    options[count++] = (struct MHD_OptionItem){MHD_OPTION_CONNECTION_LIMIT, connectionLimit, NULL};
    options[count++] = (struct MHD_OptionItem){MHD_OPTION_CONNECTION_TIMEOUT, connectionTimeoutSeconds, NULL};
    options[count++] = (struct MHD_OptionItem){MHD_OPTION_CONNECTION_MEMORY_LIMIT, (intptr_t)connectionMemoryLimit, NULL};
    options[count++] = (struct MHD_OptionItem){MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)completed, completedContext};
    if (tlsKey != NULL && tlsCertificate != NULL) {
        flags |= MHD_USE_TLS;
        options[count++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_KEY, 0, (void *)tlsKey};
        options[count++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_CERT, 0, (void *)tlsCertificate};
    }
    options[count++] = (struct MHD_OptionItem){MHD_OPTION_END, 0, NULL};
    return MHD_start_daemon(flags, 0, NULL, NULL, handler, handlerContext, MHD_OPTION_ARRAY, options, MHD_OPTION_END);
}

/// The port the daemon listens on (useful when started on port 0).
static inline uint16_t netpold_mhd_bound_port(struct MHD_Daemon *daemon) {
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_BIND_PORT);
    return info == NULL ? 0 : info->port;
}

/// The daemon mode ARCHITECTURE.md measured as fastest: an epoll thread pool with inter-thread signalling.
static inline unsigned int netpold_mhd_flags(int ipv6) {
    unsigned int flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC | MHD_ALLOW_SUSPEND_RESUME;
    if (ipv6) flags |= MHD_USE_IPv6;
    return flags;
}

/// Connections currently open, to wait for in-flight requests on shutdown.
static inline unsigned int netpold_mhd_connection_count(struct MHD_Daemon *daemon) {
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_CURRENT_CONNECTIONS);
    return info == NULL ? 0 : info->num_connections;
}

/// The socket of a connection, for noticing a client that hangs up while its connection is suspended
/// (libmicrohttpd watches no suspended socket); -1 if unknown.
static inline int netpold_mhd_connection_fd(struct MHD_Connection *connection) {
    const union MHD_ConnectionInfo *info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CONNECTION_FD);
    return info == NULL ? -1 : (int)info->connect_fd;
}

/// A non-blocking eventfd, to wake a thread sleeping in poll(2) (not exported by Swift's Glibc module).
static inline int netpold_eventfd(void) { return eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC); }

/// POLLRDHUP: the peer closed its end (Linux; Swift's Glibc module leaves it out).
static inline short netpold_pollrdhup(void) { return 0x2000; }

#include <stdint.h>
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <microhttpd.h>

/// Non-variadic wrapper around MHD_start_daemon(), which Swift cannot call.
static inline struct MHD_Daemon *netpold_mhd_start(
    unsigned int flags, const struct sockaddr *address, unsigned int threadPoolSize,
    unsigned int connectionLimit, unsigned int connectionTimeoutSeconds, size_t connectionMemoryLimit,
    MHD_AccessHandlerCallback handler, void *handlerContext,
    MHD_RequestCompletedCallback completed, void *completedContext,
    const char *tlsKey, const char *tlsCertificate) {
    if (tlsKey != NULL && tlsCertificate != NULL) {
        return MHD_start_daemon(flags | MHD_USE_TLS, 0, NULL, NULL, handler, handlerContext,
                                MHD_OPTION_SOCK_ADDR, address,
                                MHD_OPTION_THREAD_POOL_SIZE, threadPoolSize,
                                MHD_OPTION_CONNECTION_LIMIT, connectionLimit,
                                MHD_OPTION_CONNECTION_TIMEOUT, connectionTimeoutSeconds,
                                MHD_OPTION_CONNECTION_MEMORY_LIMIT, connectionMemoryLimit,
                                MHD_OPTION_NOTIFY_COMPLETED, completed, completedContext,
                                MHD_OPTION_HTTPS_MEM_KEY, tlsKey,
                                MHD_OPTION_HTTPS_MEM_CERT, tlsCertificate,
                                MHD_OPTION_END);
    }
    return MHD_start_daemon(flags, 0, NULL, NULL, handler, handlerContext,
                            MHD_OPTION_SOCK_ADDR, address,
                            MHD_OPTION_THREAD_POOL_SIZE, threadPoolSize,
                            MHD_OPTION_CONNECTION_LIMIT, connectionLimit,
                            MHD_OPTION_CONNECTION_TIMEOUT, connectionTimeoutSeconds,
                            MHD_OPTION_CONNECTION_MEMORY_LIMIT, connectionMemoryLimit,
                            MHD_OPTION_NOTIFY_COMPLETED, completed, completedContext,
                            MHD_OPTION_END);
}

/// The port the daemon listens on (useful when started on port 0).
static inline uint16_t netpold_mhd_bound_port(struct MHD_Daemon *daemon) {
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_BIND_PORT);
    return info == NULL ? 0 : info->port;
}

/// The daemon mode ARCHITECTURE.md measured as fastest: an epoll thread pool with inter-thread signalling.
static inline unsigned int netpold_mhd_flags(int ipv6) {
    unsigned int flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG;
    if (ipv6) flags |= MHD_USE_IPv6;
    return flags;
}

/// Connections currently open, to wait for in-flight requests on shutdown.
static inline unsigned int netpold_mhd_connection_count(struct MHD_Daemon *daemon) {
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_CURRENT_CONNECTIONS);
    return info == NULL ? 0 : info->num_connections;
}

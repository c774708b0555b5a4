/* The ceiling: a libmicrohttpd server in C answering every request with a fixed 60-byte body,
 * in the same daemon mode netpold uses. bench/run.sh measures both with the same wrk settings. */
#include <microhttpd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char body[] = "{\"allowed\":true,\"revision\":1,\"baseline\":\"fixed-60-bytes!!\"}";

struct state { int seen; };

static enum MHD_Result answer(void *cls, struct MHD_Connection *connection, const char *url, const char *method,
                              const char *version, const char *upload_data, size_t *upload_data_size, void **con_cls) {
    (void) cls; (void) url; (void) method; (void) version; (void) upload_data;
    if (*con_cls == NULL) { *con_cls = (void *) 1; return MHD_YES; }
    if (*upload_data_size != 0) { *upload_data_size = 0; return MHD_YES; }
    struct MHD_Response *response = MHD_create_response_from_buffer(sizeof(body) - 1, (void *) body, MHD_RESPMEM_PERSISTENT);
    MHD_add_response_header(response, "Content-Type", "application/json");
    enum MHD_Result result = MHD_queue_response(connection, 200, response);
    MHD_destroy_response(response);
    return result;
}

int main(int argc, char **argv) {
    unsigned short port = argc > 1 ? (unsigned short) atoi(argv[1]) : 18181;
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    unsigned int threads = cores < 2 ? 2 : (unsigned int) cores;
    struct MHD_Daemon *daemon = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC | MHD_USE_ERROR_LOG, port, NULL, NULL, &answer, NULL,
        MHD_OPTION_THREAD_POOL_SIZE, threads, MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t) 16384,
        MHD_OPTION_CONNECTION_LIMIT, 1024u, MHD_OPTION_END);
    if (daemon == NULL) { fprintf(stderr, "cannot listen on %u\n", port); return 1; }
    printf("baseline listening on http://127.0.0.1:%u\n", port);
    fflush(stdout);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigprocmask(SIG_BLOCK, &set, NULL);
    int sig;
    sigwait(&set, &sig);
    MHD_stop_daemon(daemon);
    return 0;
}

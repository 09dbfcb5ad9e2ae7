/*
 * bench/api/hello.c — the HTTP limit of the API benchmark (scripts/run-bench-api): a
 * libmicrohttpd "hello world" started exactly as src/http/server.c starts Coop's server — the
 * same daemon flags (MHD_USE_AUTO: epoll on Linux; an internal polling thread per pool thread),
 * the same thread-pool size, connection timeout, connection limit and per-connection memory
 * pool — that answers every request with a small JSON body, without routing, arena, database or
 * JSON library. What Coop serves per second, divided by what this serves on the same machine
 * with the same wrk settings, is the share of the HTTP library's rate the application keeps.
 *
 * Usage: api_hello [--listen HOST:PORT] [--threads N]
 * (127.0.0.1:0 by default: port 0 picks a free port, printed as "(port N)" on the first line of
 * the standard output, the way `coop serve` prints it). Runs until SIGINT or SIGTERM.
 */
#include <microhttpd.h>
#include <netdb.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* The values src/http/server.h uses by default (HTTP_DEFAULT_*, HTTP_MAX_THREADS). */
#define HELLO_TIMEOUT_S 30
#define HELLO_MAX_CONNECTIONS 256
#define HELLO_CONN_MEMORY (32 * 1024)
#define HELLO_MAX_THREADS 64

static const char hello_body[] = "{\"status\":\"ok\",\"message\":\"bonjour\"}";

static volatile sig_atomic_t hello_stop;

static void hello_on_signal(int sig)
{
	(void)sig;
	hello_stop = 1;
}

/*
 * Answers every request at its last call, as Coop's server does: the first call only sees the
 * headers (answering then would make MHD close the connection after the response, since the
 * request is not fully read), the calls with upload data are skipped, the last one answers.
 */
static enum MHD_Result hello_on_request(void *cls, struct MHD_Connection *conn, const char *url,
					const char *method, const char *version,
					const char *upload_data, size_t *upload_size,
					void **con_cls)
{
	static int started; /* any non-NULL marker */
	(void)cls;
	(void)url;
	(void)method;
	(void)version;
	(void)upload_data;
	if (!*con_cls) {
		*con_cls = &started;
		return MHD_YES;
	}
	if (*upload_size > 0) {
		*upload_size = 0;
		return MHD_YES;
	}
	struct MHD_Response *r = MHD_create_response_from_buffer(
		sizeof(hello_body) - 1, (void *)hello_body, MHD_RESPMEM_PERSISTENT);
	if (!r)
		return MHD_NO;
	enum MHD_Result ret = MHD_NO;
	if (MHD_add_response_header(r, "Content-Type", "application/json; charset=utf-8") ==
	    MHD_YES)
		ret = MHD_queue_response(conn, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return ret;
}

/* Splits "HOST:PORT" or "[V6]:PORT"; false when malformed. */
static bool hello_split(const char *s, char *host, size_t hostlen, char *port, size_t portlen)
{
	const char *h = s, *he, *p;
	if (s[0] == '[') {
		h = s + 1;
		he = strchr(h, ']');
		if (!he || he[1] != ':')
			return false;
		p = he + 2;
	} else {
		he = strrchr(s, ':');
		if (!he)
			return false;
		p = he + 1;
	}
	size_t hl = (size_t)(he - h), pl = strlen(p);
	if (hl == 0 || hl >= hostlen || pl == 0 || pl >= portlen)
		return false;
	memcpy(host, h, hl);
	host[hl] = '\0';
	memcpy(port, p, pl + 1);
	return true;
}

static unsigned hello_default_threads(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	if (n < 1)
		n = 1;
	return n > HELLO_MAX_THREADS / 2 ? HELLO_MAX_THREADS : (unsigned)(2 * n);
}

int main(int argc, char **argv)
{
	const char *listen = "127.0.0.1:0";
	unsigned threads = 0;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--listen") == 0 && i + 1 < argc) {
			listen = argv[++i];
		} else if (strcmp(argv[i], "--threads") == 0 && i + 1 < argc) {
			char *end;
			long n = strtol(argv[++i], &end, 10);
			if (*end || n < 1 || n > HELLO_MAX_THREADS) {
				fprintf(stderr, "api_hello: --threads expects 1 to %d\n",
					HELLO_MAX_THREADS);
				return 2;
			}
			threads = (unsigned)n;
		} else {
			fputs("usage: api_hello [--listen HOST:PORT] [--threads N]\n", stderr);
			return 2;
		}
	}
	if (!threads)
		threads = hello_default_threads();

	char host[256], port[16];
	if (!hello_split(listen, host, sizeof(host), port, sizeof(port))) {
		fprintf(stderr, "api_hello: bad listen address '%s'\n", listen);
		return 2;
	}
	struct addrinfo hints, *ai = NULL;
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	if (getaddrinfo(host, port, &hints, &ai) != 0 || !ai) {
		fprintf(stderr, "api_hello: unknown address '%s'\n", host);
		return 2;
	}
	unsigned int flags = MHD_USE_AUTO | MHD_USE_INTERNAL_POLLING_THREAD;
	if (ai->ai_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	uint16_t want = (uint16_t)strtoul(port, NULL, 10);
	struct MHD_Daemon *d = MHD_start_daemon(
		flags, want, NULL, NULL, hello_on_request, NULL, MHD_OPTION_SOCK_ADDR, ai->ai_addr,
		MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)(threads > 1 ? threads : 0),
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)HELLO_TIMEOUT_S,
		MHD_OPTION_CONNECTION_LIMIT, (unsigned int)HELLO_MAX_CONNECTIONS,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)HELLO_CONN_MEMORY, MHD_OPTION_END);
	freeaddrinfo(ai);
	if (!d) {
		fprintf(stderr, "api_hello: cannot listen on %s\n", listen);
		return 1;
	}
	const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = hello_on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	printf("api_hello on %s (port %u), %u threads\n", listen,
	       (unsigned)(info ? info->port : want), threads);
	fflush(stdout);
	while (!hello_stop)
		pause();
	MHD_stop_daemon(d);
	return 0;
}

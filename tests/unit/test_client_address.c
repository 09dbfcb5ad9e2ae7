/*
 * test_client_address.c — which address the sign-in limits count: the peer's, unless the peer
 * is a trusted proxy (coop serve --trusted-proxy), whose X-Forwarded-For then names the client
 * (the rightmost entry that is not itself a trusted proxy; an entry that is not an address
 * makes the header ignored). A forwarded address from anyone else is ignored.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "api/app.h"

static const char *client(const char *peer, const char *xff)
{
	static struct app app;
	static struct arena arena;
	static bool ready;
	if (!ready) {
		arena_init(&arena, 0);
		app.trusted_proxies[0] = "10.0.0.1";
		app.trusted_proxies[1] = "10.0.0.2";
		app.n_trusted_proxies = 2;
		ready = true;
	}
	static struct http_header header;
	header.name = "X-Forwarded-For";
	header.value = xff;
	static struct http_request req;
	memset(&req, 0, sizeof(req));
	req.client_addr = peer;
	req.headers = &header;
	req.header_count = xff ? 1 : 0;
	req.arena = &arena;
	struct api_ctx c = {.app = &app, .req = &req, .a = &arena};
	return api_client_address(&c);
}

static void test_client_address(void **state)
{
	(void)state;
	static const struct {
		const char *peer, *xff, *want;
	} cases[] = {
		{"192.0.2.7", NULL, "192.0.2.7"},
		/* not a trusted proxy: the header is ignored (anyone could write it) */
		{"192.0.2.7", "203.0.113.9", "192.0.2.7"},
		{"127.0.0.1", "203.0.113.9", "127.0.0.1"},
		/* the trusted proxy: the rightmost entry it appended */
		{"10.0.0.1", "203.0.113.9", "203.0.113.9"},
		{"10.0.0.1", "198.51.100.1, 203.0.113.9", "203.0.113.9"},
		/* a client's own forged entries stay on the left: never chosen */
		{"10.0.0.1", "1.2.3.4,1.2.3.5, 203.0.113.9", "203.0.113.9"},
		/* chained trusted proxies are skipped */
		{"10.0.0.1", "203.0.113.9, 10.0.0.2", "203.0.113.9"},
		{"10.0.0.1", "2001:db8::1", "2001:db8::1"},
		/* nothing usable: the peer */
		{"10.0.0.1", "10.0.0.2", "10.0.0.1"},
		{"10.0.0.1", "", "10.0.0.1"},
		{"10.0.0.1", "pas-une-adresse", "10.0.0.1"},
		{"10.0.0.1", "203.0.113.9, <script>", "10.0.0.1"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_string_equal(client(cases[i].peer, cases[i].xff), cases[i].want);
}

int main(void)
{
	const struct CMUnitTest tests[] = {cmocka_unit_test(test_client_address)};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

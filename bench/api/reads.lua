-- bench/api/reads.lua — wrk script for the read benchmarks of bench/api: the same GET on every
-- connection (the URL given to wrk), carrying a session cookie, optionally paced (see
-- common.lua). Used for the authenticated reads (GET /api/v1/patients/{id},
-- GET /api/v1/session) and, without a cookie, for the libmicrohttpd hello-world.
--
-- Usage: wrk -t T -c C -d 10s -s bench/api/reads.lua URL [-- COOKIE]
--   COOKIE: "coop_session=..." as Set-Cookie gave it at sign-in (omitted for the hello-world)
--   COOP_BENCH_THINK_MS=N in the environment: mean think time per connection, in ms
-- The request is static (built once per thread), so wrk's own overhead is the same as for a
-- plain `wrk URL`. wrk counts any status above 399 as an error (err_status in the result line).

local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
package.path = here .. "?.lua;" .. package.path
local common = require("common")

common.install_pacing()

function setup(thread)
   common.number_thread(thread)
end

function init(args)
   common.seed()
   if args[1] and args[1] ~= "" then
      wrk.headers["Cookie"] = args[1]
   end
end

function done(summary, latency, requests)
   common.report("reads", summary, latency)
end

-- bench/scale/readers.lua — wrk script for the readers of the scale bench (scripts/run-bench-scale):
-- each connection sends, in turn, the GET requests given as arguments (a session cookie and a
-- path each: the first pages of the lists, the patient search, the audit log), so that the
-- server is kept busy reading while the writers' workflow (bench/api/workflow.lua) runs in
-- another wrk beside it.
--
-- Usage: wrk -t T -c C -d 12s -s bench/scale/readers.lua URL -- COOKIE1 PATH1 [COOKIE2 PATH2 ...]
--   cookies as "coop_session=...", paths with their query ("/api/v1/episodes?list=all&limit=50").
-- Each thread starts at a different request (its number), then takes the next one at each
-- request. wrk counts a status above 399 as an error (err_status in the result line).

local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
package.path = here .. "../api/?.lua;" .. package.path
local common = require("common")

local requests = {}
local next_one = 1

function setup(thread)
   common.number_thread(thread)
end

function init(args)
   common.seed()
   for i = 1, #args - 1, 2 do
      requests[#requests + 1] = wrk.format("GET", args[i + 1], {["Cookie"] = args[i]})
   end
   if #requests == 0 then
      io.stderr:write("readers.lua: no COOKIE PATH pair given\n")
      os.exit(2)
   end
   next_one = ((tonumber(bench_thread) or 1) - 1) % #requests + 1
end

function request()
   local r = requests[next_one]
   next_one = next_one % #requests + 1
   return r
end

-- the first three answers above 399 of each thread go to stderr (wrk counts them in err_status;
-- run-bench-scale shows this file's first lines when a run has errors)
local shown = 0
function response(status, headers, body)
   if status > 399 and shown < 3 then
      shown = shown + 1
      io.stderr:write(string.format("readers.lua: %d: %s\n", status, (body or ""):sub(1, 300)))
   end
end

function done(summary, latency, requests_)
   common.report("readers", summary, latency)
end

-- bench/api/common.lua — what the wrk scripts of bench/api share: numbering wrk's threads,
-- pacing (a random think time between a connection's response and its next request, to run
-- below the peak), and the machine-readable result line that scripts/run-bench-api reads.
--
-- Loaded with require() by reads.lua and workflow.lua, which put their own directory first in
-- package.path. wrk runs one Lua state per thread (setup() and done() run in the main state,
-- init(), request(), response() and delay() in each thread's), so this module is loaded once
-- per state.
--
-- Pacing: when the environment variable COOP_BENCH_THINK_MS is a number above 0, a global
-- delay() is installed at load time (wrk decides once, after loading the script, whether
-- delay() exists). It returns an exponentially distributed wait of that mean, in whole
-- milliseconds, so that the arrivals of many connections approximate a Poisson process. wrk
-- starts a request's clock when it writes the request, after the wait: the think time is not
-- part of the latency.

local M = {}

M.think_ms = tonumber(os.getenv("COOP_BENCH_THINK_MS") or "") or 0

local thread_count = 0

-- setup(thread), in the main state: gives each thread its number (1, 2, ...).
function M.number_thread(thread)
   thread_count = thread_count + 1
   thread:set("bench_thread", thread_count)
end

-- init(), in a thread's state: a random sequence of its own.
function M.seed()
   local n = tonumber(bench_thread) or 0
   math.randomseed(os.time() * 1000 + n * 7919)
   for _ = 1, 10 do math.random() end
end

-- Installs the global delay() when pacing is asked for; call at load time.
function M.install_pacing()
   local mean = M.think_ms
   if mean > 0 then
      delay = function()
         -- 1 - random() is in (0, 1]: log() is finite
         return math.floor(-mean * math.log(1 - math.random()) + 0.5)
      end
   end
end

-- One line: "BENCH kind key=value ...", latencies in milliseconds. extra: more key=value pairs
-- (an array of {key, value}, printed in order).
function M.report(kind, summary, latency, extra)
   local seconds = summary.duration / 1e6
   local e = summary.errors
   local fields = {
      {"requests", summary.requests},
      {"seconds", string.format("%.3f", seconds)},
      {"rate", string.format("%.1f", summary.requests / seconds)},
      {"mean_ms", string.format("%.3f", latency.mean / 1000)},
      {"p50_ms", string.format("%.3f", latency:percentile(50) / 1000)},
      {"p90_ms", string.format("%.3f", latency:percentile(90) / 1000)},
      {"p99_ms", string.format("%.3f", latency:percentile(99) / 1000)},
      {"max_ms", string.format("%.3f", latency.max / 1000)},
      {"err_connect", e.connect},
      {"err_read", e.read},
      {"err_write", e.write},
      {"err_timeout", e.timeout},
      {"err_status", e.status},
      {"think_ms", M.think_ms},
   }
   for _, kv in ipairs(extra or {}) do
      fields[#fields + 1] = kv
   end
   local out = {"BENCH", kind}
   for _, kv in ipairs(fields) do
      out[#out + 1] = kv[1] .. "=" .. tostring(kv[2])
   end
   io.write(table.concat(out, " "), "\n")
end

return M

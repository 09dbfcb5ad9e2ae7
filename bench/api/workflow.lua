-- bench/api/workflow.lua — wrk script for the episode workflow benchmark of bench/api: each
-- connection runs, over and over, the whole pathway of a cystitis episode through Coop's API,
-- as in tests/api/cases/03-cystite-parcours.json (its successful steps only):
--
--   by the secretariat (accueil):
--     1 POST /api/v1/patients                                 201
--     2 POST /api/v1/episodes (snp-cystite)                   201
--     3 PUT  /api/v1/episodes/{id}/answers (orientation)      200
--     4 POST /api/v1/episodes/{id}/actions/propose            200
--     5 POST …/actions/record_consent_given                   200
--   by the délégué (infirmiere):
--     6 POST …/actions/start_assessment                       200
--     7 PUT  …/answers (first assessment answers)             200
--     8 PUT  …/answers (the rest: the engine includes)        200
--     9 POST …/actions/record_decision (the prescription)     200, state "included"
--
-- Every step is one write: one database transaction (the row and its audit record), one
-- commit. A completed workflow is the 9th step answered 200 with the state "included".
--
-- State machine per connection: wrk gives Lua no connection handle (request() and response()
-- run in the thread's Lua state, for whichever connection is ready), so this script must run
-- with as many threads as connections (wrk -t C -c C): then a thread's state is its
-- connection's. A step answered with another status counts as a failure (the first three
-- bodies of each thread go to stderr) and the connection starts a new workflow.
--
-- Usage: wrk -t C -c C -d 10s -s bench/api/workflow.lua URL -- \
--          ACCUEIL_COOKIE ACCUEIL_CSRF INFIRMIERE_COOKIE INFIRMIERE_CSRF
--   cookies as "coop_session=...", CSRF tokens as the sign-in answer's csrf_token (the sessions
--   are opened before the run, outside the timing: see scripts/run-bench-api); with only the
--   first two, that account (a délégué) runs every step. The server must run with a clock at
--   which a délégant is reachable (TZ=Europe/Paris coop serve --fixed-time 2026-11-25T10:00).
--   COOP_BENCH_THINK_MS=N in the environment paces it (see common.lua). scripts/run-bench-scale
--   runs it too, on a generated database (s2-accueil, s2-infirmiere; the first délégant of
--   structure 2 signs and is reachable at every hour, so the real clock serves).

local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
package.path = here .. "?.lua;" .. package.path
local common = require("common")

common.install_pacing()

-- letters only (the identity rules refuse digits in names): 0 A, 1 B, ... 25 Z, 26 AA...
local function letters(n)
   local tag = ""
   repeat
      tag = string.char(65 + n % 26) .. tag
      n = math.floor(n / 26) - 1
   until n < 0
   return tag
end

local started = os.time()

local ORIENTATION = '{"consentement":true,"symptomes_urinaires":true,"grossesse_possible":false,'
   .. '"fievre_frissons_signales":false,"signes_digestifs":false}'
local ANSWERS_1 = '{"recueil_fiable":true,"temperature":37.0}'
local ANSWERS_2 = '{"douleur_fosse_lombaire":false,"anomalie_voies_urinaires":false,'
   .. '"immunodepression_severe":false,"insuffisance_renale_severe":false,'
   .. '"episodes_12_mois":1,"infection_urinaire_15_jours":false,"leucorrhees_prurit":false,'
   .. '"bandelette_urinaire":"positive","contre_indication_fosfomycine":false}'

-- who: 1 secretariat, 2 délégué; path and body receive the workflow's variables
local steps = {
   {who = 1, method = "POST", expect = 201, save = "patient",
    path = function() return "/api/v1/patients" end,
    body = function(w)
       -- a new person each time (a second record of the same identity is refused): the
       -- run's start, the thread and the workflow's number, in letters
       return string.format('{"birth_name":"Banc","first_names":"Essai %s %s %s",'
          .. '"birth_date":"1988-06-15","sex":"female"}', letters(started), letters(w.thread),
          letters(workflows))
    end},
   {who = 1, method = "POST", expect = 201, save = "episode",
    path = function() return "/api/v1/episodes" end,
    body = function(w)
       return string.format('{"patient_id":%d,"protocol_id":"snp-cystite"}', w.patient)
    end},
   {who = 1, method = "PUT", expect = 200, action = "answers",
    answers = ORIENTATION},
   {who = 1, method = "POST", expect = 200, action = "actions/propose"},
   {who = 1, method = "POST", expect = 200, action = "actions/record_consent_given",
    extra = ',"how":"oral, à l\'accueil"'},
   {who = 2, method = "POST", expect = 200, action = "actions/start_assessment"},
   {who = 2, method = "PUT", expect = 200, action = "answers", answers = ANSWERS_1},
   {who = 2, method = "PUT", expect = 200, action = "answers", answers = ANSWERS_2},
   {who = 2, method = "POST", expect = 200, action = "actions/record_decision",
    final_state = "included"},
}

-- thread-state variables (read by done() through thread:get)
workflows = 0
commits = 0
failures = 0

local accounts = {}
local w = {thread = 0, step = 1, patient = 0, episode = 0}
local logged = 0

function init(args)
   common.seed()
   w.thread = tonumber(bench_thread) or 0
   local ic, it = args[3], args[4]
   if not ic or ic == "" then
      ic, it = args[1], args[2] -- one account for both roles (it must be a délégué)
   end
   for i, a in ipairs({{args[1], args[2]}, {ic, it}}) do
      accounts[i] = {
         ["Cookie"] = a[1] or "",
         ["X-CSRF-Token"] = a[2] or "",
         ["Content-Type"] = "application/json",
      }
   end
end

function request()
   local s = steps[w.step]
   local path, body
   if s.action then
      -- the episode's version before step k is k - 2 (created at 1, +1 per write)
      path = string.format("/api/v1/episodes/%d/%s", w.episode, s.action)
      if s.answers then
         body = string.format('{"version":%d,"answers":%s}', w.step - 2, s.answers)
      else
         body = string.format('{"version":%d%s}', w.step - 2, s.extra or "")
      end
   else
      path, body = s.path(w), s.body(w)
   end
   return wrk.format(s.method, path, accounts[s.who], body)
end

local function fail(status, body)
   failures = failures + 1
   if logged < 3 then
      logged = logged + 1
      io.stderr:write(string.format("workflow.lua: thread %d, step %d: status %d: %s\n",
         w.thread, w.step, status, (body or ""):sub(1, 300)))
   end
   w.step = 1
end

function response(status, headers, body)
   local s = steps[w.step]
   if status ~= s.expect then
      return fail(status, body)
   end
   commits = commits + 1
   if s.save then
      local id = tonumber(body:match('^{"id":(%d+)'))
      if not id then
         return fail(status, body)
      end
      w[s.save] = id
   end
   if s.final_state and not body:find('"state":"' .. s.final_state .. '"', 1, true) then
      return fail(status, body)
   end
   if w.step == #steps then
      workflows = workflows + 1
      w.step = 1
   else
      w.step = w.step + 1
   end
end

local threads = {}

function setup(thread)
   common.number_thread(thread)
   threads[#threads + 1] = thread
end

function done(summary, latency, requests)
   local wf, cm, fl = 0, 0, 0
   for _, t in ipairs(threads) do
      wf = wf + (tonumber(t:get("workflows")) or 0)
      cm = cm + (tonumber(t:get("commits")) or 0)
      fl = fl + (tonumber(t:get("failures")) or 0)
   end
   local seconds = summary.duration / 1e6
   common.report("workflow", summary, latency, {
      {"steps", #steps},
      {"workflows", wf},
      {"workflows_per_second", string.format("%.1f", wf / seconds)},
      {"commits", cm},
      {"commits_per_second", string.format("%.1f", cm / seconds)},
      {"failures", fl},
   })
end

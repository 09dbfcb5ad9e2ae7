// run.mjs — data-driven API tests: starts `coop serve` on a fresh demo database (clock fixed),
// then plays every case file of tests/api/cases/ against it over loopback HTTP.
//
// A case file is JSON: {"name", "steps": [step...]}. A step:
//   {"as": "accueil" | null, "password"?: "for an account the case created", "method", "path", "body"?, "raw"?, "headers"?, "no_csrf"?,
//    "status": 201, "json"?: {subset expected}, "error"?: "code", "save"?: {"var": "a.b.0.c"},
//    "contains"?: ["text the raw response must contain"], "absent"?: ["a.b" paths that must not be there],
//    "excludes"?: ["text the raw response must not contain"],
//    "eventually"?: true (a read that checks what is written in the background — read traces
//      with --deferred-read-traces: tried again for up to 2 s before it counts as failed),
//    "audit"?: [{"action", "entity", "entity_id"?, "by"?, "structure_id"?}...] (the audit records
//      the step's request wrote, exactly: as many, in order, each matching its subset; [] when
//      none; "by" is the author's login),
//    "note"?: "what the step checks"}
// "as" names a demo account (signed in once, cookie and CSRF token kept); null sends no cookie.
// Strings may use ${var} for values saved by earlier steps of the same file. Each file runs on
// the same database, in name order; a file's steps run in order and stop at the first failure.
//
// Usage: node tests/api/run.mjs COOP_EXECUTABLE [coop serve options...]
//   (COOP_API_ONLY=08,22 in the environment plays only the case files starting with those numbers)
// Prints one line per case file and ends with "N passed, N failed"; exit status 1 on failure.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const coop = process.argv[2];
if (!coop) {
  console.error('usage : node tests/api/run.mjs COOP');
  process.exit(2);
}

const passwords = {
  coordination: 'demo-coordination-2026', accueil: 'demo-accueil-2026',
  infirmiere: 'demo-infirmiere-2026', infirmiere2: 'demo-infirmiere2-2026',
  kine: 'demo-kine-2026', medecin: 'demo-medecin-2026', accueil2: 'demo-accueil2-2026',
};

const dir = mkdtempSync(join(tmpdir(), 'coop-api-'));
const db = join(dir, 'coop.db');
execFileSync(coop, ['init', '--db', db, '--demo'], { cwd: root, stdio: 'ignore' });
const port = 20000 + (process.pid % 20000);
// Wednesday 25/11/2026 10:00: the demo délégant is reachable (weekdays 8:00–19:00)
// unsuccessful sign-in attempts allowed per minute from one address: above what the case files
// make from 127.0.0.1, checked at the end (the limit counts real time, so the whole run falls in
// one window). The server trusts 127.0.0.1 as a proxy: a step may name another client address
// in an X-Forwarded-For header (the cases of sign-in limits do).
const LOGIN_LIMIT = 100;
// extra `coop serve` options after the executable (e.g. --deferred-read-traces)
const extra = process.argv.slice(3);
// the six national protocols, and a test-only local protocol with prolonged follow-up
const server = spawn(coop, ['serve', '--db', db, '--listen', `127.0.0.1:${port}`,
  '--fixed-time', '2026-11-25T10:00', '--threads', '4', '--protocols', 'tests/api/protocols',
  '--login-limit', String(LOGIN_LIMIT), '--trusted-proxy', '127.0.0.1', ...extra],
  { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
const base = `http://127.0.0.1:${port}`;

async function waitReady() {
  for (let i = 0; i < 100; i++) {
    try {
      const r = await fetch(`${base}/api/v1/health`);
      if (r.ok) return;
    } catch { /* not yet */ }
    await new Promise((res) => setTimeout(res, 50));
  }
  throw new Error('le serveur ne répond pas');
}

const sessions = {};
// password: for an account a case created and activated (a step's "password")
async function signIn(login, password = passwords[login]) {
  const key = `${login}\n${password}`;
  if (sessions[key]) return sessions[key];
  const r = await fetch(`${base}/api/v1/session`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ login, password }),
  });
  if (r.status !== 201) throw new Error(`connexion de ${login} : ${r.status}`);
  const cookie = r.headers.get('set-cookie').split(';')[0];
  const body = await r.json();
  sessions[key] = { cookie, csrf: body.csrf_token };
  return sessions[key];
}

function substitute(value, vars) {
  if (typeof value === 'string') {
    const whole = value.match(/^\$\{(\w+)\}$/);
    if (whole && whole[1] in vars) return vars[whole[1]];
    return value.replace(/\$\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m));
  }
  if (Array.isArray(value)) return value.map((v) => substitute(v, vars));
  if (value && typeof value === 'object') {
    const out = {};
    for (const [k, v] of Object.entries(value)) out[k] = substitute(v, vars);
    return out;
  }
  return value;
}

function pick(obj, path) {
  return path.split('.').reduce((o, k) => (o == null ? undefined : o[k]), obj);
}

// true when `got` contains `want` (objects: every key of want; arrays: same length, each item)
function matches(got, want, where, errors) {
  if (want !== null && typeof want === 'object' && !Array.isArray(want)) {
    if (got === null || typeof got !== 'object') { errors.push(`${where} : objet attendu`); return; }
    for (const [k, v] of Object.entries(want)) matches(got[k], v, `${where}.${k}`, errors);
    return;
  }
  if (Array.isArray(want)) {
    if (!Array.isArray(got) || got.length !== want.length) {
      errors.push(`${where} : liste de ${want.length} attendue, reçu ${JSON.stringify(got)}`);
      return;
    }
    want.forEach((w, i) => matches(got[i], w, `${where}.${i}`, errors));
    return;
  }
  if (got !== want) errors.push(`${where} : attendu ${JSON.stringify(want)}, reçu ${JSON.stringify(got)}`);
}

// The audit records after id `after` (read from the database file, as an auditor would),
// with the author's login.
function auditSince(after) {
  const out = execFileSync('sqlite3', ['-json', db,
    'SELECT au.id, au.action, au.entity, au.entity_id, au.structure_id, ac.login AS by ' +
    `FROM audit au LEFT JOIN accounts ac ON ac.id = au.account_id WHERE au.id > ${after} ORDER BY au.id`]).toString();
  return out.trim() ? JSON.parse(out) : [];
}
function auditLast() {
  return Number(execFileSync('sqlite3', [db, 'SELECT coalesce(max(id), 0) FROM audit']).toString().trim());
}
// The last audit id once the background writer of read traces (if any) is idle.
async function auditSettled() {
  let last = auditLast();
  for (let i = 0; i < 40; i++) {
    await new Promise((res) => setTimeout(res, 25));
    const now = auditLast();
    if (now === last) return now;
    last = now;
  }
  return last;
}

async function runStep(step, vars) {
  const headers = { ...(step.headers || {}) };
  if (step.as) {
    const s = await signIn(step.as, step.password === undefined ? undefined : substitute(step.password, vars));
    headers.Cookie = s.cookie;
    if (!step.no_csrf) headers['X-CSRF-Token'] = s.csrf;
  }
  let body;
  if (step.raw !== undefined) body = step.raw;
  else if (step.body !== undefined) body = JSON.stringify(substitute(step.body, vars));
  if (body !== undefined && !headers['Content-Type']) headers['Content-Type'] = 'application/json';
  const auditBefore = step.audit ? await auditSettled() : 0;
  const r = await fetch(base + substitute(step.path, vars), { method: step.method || 'GET', headers, body });
  const text = await r.text();
  // a step that signs out ends its session: the next step as that account signs in again
  if (step.as && (step.method || 'GET') === 'DELETE' && step.path === '/api/v1/session' && r.status === 204)
    for (const key of Object.keys(sessions)) if (key.startsWith(`${step.as}\n`)) delete sessions[key];
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch { /* not JSON */ }
  const errors = [];
  if (r.status !== step.status) errors.push(`statut ${r.status} au lieu de ${step.status} : ${text.slice(0, 300)}`);
  if (step.error) matches(json, { error: { code: step.error } }, 'réponse', errors);
  if (json && json.error && (!json.error.message || !/[a-zé]/.test(json.error.message)))
    errors.push('message d\'erreur vide');
  if (step.json) matches(json, substitute(step.json, vars), 'réponse', errors);
  for (const path of step.absent || [])
    if (json && pick(json, path) !== undefined) errors.push(`« ${path} » ne devrait pas figurer dans la réponse`);
  for (const part of step.contains || [])
    if (!text.includes(part)) errors.push(`la réponse ne contient pas « ${part} » : ${text.slice(0, 300)}`);
  for (const part of step.excludes || [])
    if (text.includes(part)) errors.push(`la réponse ne devrait pas contenir « ${part} »`);
  for (const [name, path] of Object.entries(step.save || {})) vars[name] = pick(json, path);
  if (step.audit) {
    const want = substitute(step.audit, vars);
    let got = [];
    const audit = [];
    // read traces may be written just after the answer (with --deferred-read-traces)
    for (let tries = 0; tries < 40; tries++) {
      got = auditSince(auditBefore);
      audit.length = 0;
      matches(got, want, 'journal', audit);
      if (!audit.length || got.length > want.length) break;
      await new Promise((res) => setTimeout(res, 50));
    }
    if (audit.length) errors.push(...audit, `journal écrit : ${JSON.stringify(got.map(({ id, ...x }) => x))}`);
  }
  return errors;
}

let passed = 0, failed = 0;
// COOP_API_ONLY=08,22: only the case files whose names start with those numbers
const only = (process.env.COOP_API_ONLY || '').split(',').filter(Boolean);
try {
  await waitReady();
  const files = readdirSync(join(here, 'cases')).filter((f) => f.endsWith('.json'))
    .filter((f) => !only.length || only.some((n) => f.startsWith(n))).sort();
  for (const f of files) {
    const doc = JSON.parse(readFileSync(join(here, 'cases', f), 'utf8'));
    const vars = {};
    let errors = [];
    let n = 0;
    for (const step of doc.steps) {
      n++;
      errors = await runStep(step, vars);
      for (let tries = 0; errors.length && step.eventually && tries < 40; tries++) {
        await new Promise((res) => setTimeout(res, 50));
        errors = await runStep(step, vars);
      }
      if (errors.length) {
        errors.unshift(`étape ${n} (${step.method || 'GET'} ${step.path}${step.note ? ' — ' + step.note : ''})`);
        break;
      }
    }
    if (errors.length) {
      failed++;
      console.log(`ÉCHEC ${f} : ${doc.name}\n  ${errors.join('\n  ')}`);
    } else {
      passed++;
      console.log(`ok   ${f} : ${doc.name} (${n} étapes)`);
    }
  }
  // the per-address limit of sign-in attempts: well-formed attempts beyond it get a 429
  // (twice the limit: a slow run may cross the end of the one-minute window during the loop)
  let attempts = 0, limited = false;
  while (attempts <= 2 * LOGIN_LIMIT && !limited) {
    attempts++;
    const r = await fetch(`${base}/api/v1/session`, { method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ login: 'inconnu', password: 'mauvais' }) });
    limited = r.status === 429 && (await r.json()).error.code === 'rate_limited';
  }
  if (limited) { passed++; console.log(`ok   limite de connexions : refus 429 à la tentative ${attempts} de cette série`); }
  else { failed++; console.log(`ÉCHEC : aucune limite après ${attempts} tentatives de connexion`); }
} catch (e) {
  failed++;
  console.log(`ÉCHEC : ${e.message}`);
} finally {
  // a clean stop is part of the test: under ASan, leaks make the server exit non-zero
  const exited = new Promise((res) => server.on('exit', (code, signal) => res({ code, signal })));
  server.kill('SIGTERM');
  const { code, signal } = await exited;
  if (code !== 0) {
    failed++;
    console.log(`ÉCHEC : le serveur s'est arrêté avec le code ${code}${signal ? ' (' + signal + ')' : ''}`);
  }
  // after all that activity the audit chain verifies, and the 17 reads of patient data that the
  // case files make (GET of /patients and /episodes answered 200) were all traced (written by the
  // background writer before the server exited)
  try {
    execFileSync(coop, ['audit', 'verify', '--db', db], { cwd: root, stdio: 'ignore' });
    const reads = execFileSync('sqlite3', [db, "SELECT count(*) FROM audit WHERE action IN ('read', 'search', 'list')"])
      .toString().trim();
    if (Number(reads) < (only.length ? 1 : 17)) { failed++; console.log(`ÉCHEC : seulement ${reads} lectures tracées sur 17`); }
    else { passed++; console.log(`ok   journal d'audit : chaîne intacte, ${reads} lectures tracées`); }
  } catch {
    failed++;
    console.log('ÉCHEC : coop audit verify refuse le journal après les tests');
  }
  // every protocol file served is kept by its hash, and `coop episode replay` replays a
  // decision with it (the same), and says so when the recorded answers were altered
  try {
    const served = readdirSync(join(root, 'tests/api/protocols')).filter((f) => f.endsWith('.yaml')).length;
    const kept = Number(execFileSync('sqlite3', [db, 'SELECT count(*) FROM protocol_files']).toString().trim());
    // the documents are stored compressed: tests/episode_doc (built beside coop) reads and
    // replaces one, where the sqlite3 shell's JSON functions no longer can
    const episodeDoc = join(dirname(coop), 'tests', 'episode_doc');
    const doc = (id) => JSON.parse(execFileSync(episodeDoc, [db, id], { cwd: root }).toString());
    const ids = execFileSync('sqlite3', [db, 'SELECT id FROM episodes ORDER BY id']).toString().trim().split('\n');
    const ep = ids.find((id) => { const d = doc(id).decision; return d && d.decision === 'included' && d.stopped == null; });
    const same = execFileSync(coop, ['episode', 'replay', '--db', db, ep], { cwd: root }).toString();
    const altered = doc(ep);
    (altered.answers ??= {}).consentement = false;
    execFileSync(episodeDoc, [db, ep, '--set'], { cwd: root, input: JSON.stringify(altered) });
    let differs = '';
    try { execFileSync(coop, ['episode', 'replay', '--db', db, ep], { cwd: root }); } catch (e) { differs = e.stdout.toString(); }
    if (kept !== served) { failed++; console.log(`ÉCHEC : ${kept} fichiers de protocole conservés sur ${served}`); }
    else if (!same.includes('La décision rejouée est la même')) { failed++; console.log(`ÉCHEC : rejeu : ${same}`); }
    else if (!differs.includes('DIFFÈRE')) { failed++; console.log(`ÉCHEC : rejeu après altération : ${differs}`); }
    else { passed++; console.log(`ok   rejeu : ${kept} fichiers de protocole conservés, décision n° ${ep} rejouée à l'identique, altération vue`); }
  } catch (e) {
    failed++;
    console.log(`ÉCHEC : rejeu : ${e.message}`);
  }
  rmSync(dir, { recursive: true, force: true });
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);

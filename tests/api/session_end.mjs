// session_end.mjs — a session does not outlive its account's end date.
//
// The coordinator gives the secretariat's account an end date (today, the last day it works);
// the secretariat signs in and reads the episodes; the server is stopped and started again the
// next day (its clock fixed 15 minutes later, within the session's idle time): the same session
// cookie must now be refused (401), for a read and for the session itself, and a new sign-in
// refused with the account's reason. The API cases cannot show this: their clock never moves.
//
// Usage: node tests/api/session_end.mjs COOP_EXECUTABLE ; ends with "N passed, N failed".
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const coop = process.argv[2];
const dir = mkdtempSync(join(tmpdir(), 'coop-session-end-'));
const db = join(dir, 'coop.db');
execFileSync(coop, ['init', '--db', db, '--demo'], { cwd: root, stdio: 'ignore' });
const port = 40000 + ((process.pid + 7919) % 20000);
const base = `http://127.0.0.1:${port}`;

function start(time) {
  const child = spawn(coop, ['serve', '--db', db, '--listen', `127.0.0.1:${port}`, '--threads', '2',
    '--fixed-time', time], { cwd: root, stdio: 'ignore' });
  child.exited = new Promise((r) => child.on('exit', r));
  return child;
}

async function ready() {
  for (let i = 0; i < 400; i++) {
    try { if ((await fetch(`${base}/api/v1/health`)).ok) return; } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('le serveur ne répond pas');
}

async function signIn(login, password) {
  const r = await fetch(`${base}/api/v1/session`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ login, password }),
  });
  if (r.status !== 201 && r.status !== 200) return { status: r.status, body: await r.json() };
  return { status: r.status, cookie: r.headers.get('set-cookie').split(';')[0], csrf: (await r.json()).csrf_token };
}

let passed = 0, failed = 0;
const check = (ok, what) => {
  console.log(`${ok ? 'ok  ' : 'ÉCHEC'} ${what}`);
  if (ok) passed++; else failed++;
};

let server = null;
try {
  server = start('2026-11-25T23:50');
  await ready();
  const coord = await signIn('coordination', 'demo-coordination-2026');
  const list = await (await fetch(`${base}/api/v1/accounts`, { headers: { Cookie: coord.cookie } })).json();
  const accueil = list.items.find((a) => a.login === 'accueil');
  const end = await fetch(`${base}/api/v1/accounts/${accueil.id}/end-date`, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/json', Cookie: coord.cookie, 'X-CSRF-Token': coord.csrf },
    body: JSON.stringify({ ends_on: '2026-11-25' }),
  });
  check(end.status === 200, `date de fin du compte de l'accueil au 25/11/2026 (${end.status})`);
  const s = await signIn('accueil', 'demo-accueil-2026');
  check(!!s.cookie, `connexion de l'accueil le dernier jour de son compte (${s.status})`);
  const before = await fetch(`${base}/api/v1/episodes`, { headers: { Cookie: s.cookie } });
  check(before.status === 200, `lecture des prises en charge le dernier jour (${before.status})`);
  server.kill('SIGTERM');
  await server.exited;

  server = start('2026-11-26T00:05');
  await ready();
  const after = await fetch(`${base}/api/v1/episodes`, { headers: { Cookie: s.cookie } });
  check(after.status === 401, `le lendemain, la même session ne lit plus les prises en charge (${after.status})`);
  const session = await fetch(`${base}/api/v1/session`, { headers: { Cookie: s.cookie } });
  check(session.status === 401, `le lendemain, la session n'existe plus (${session.status})`);
  const again = await signIn('accueil', 'demo-accueil-2026');
  check(again.status === 403 && again.body.error.code === 'account_ended',
    `le lendemain, une nouvelle connexion est refusée : compte terminé (${again.status})`);
} catch (e) {
  failed++;
  console.log(`ÉCHEC : ${e.message}`);
} finally {
  if (server) { server.kill('SIGTERM'); await server.exited; }
  rmSync(dir, { recursive: true, force: true });
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);

// crash.mjs — kill -9 during writes loses no acknowledged write and leaves a consistent database.
//
// Five rounds: start `coop serve` on one database, send patient creations from several clients
// at once, kill the server with SIGKILL at a random moment, restart it, then check that every
// creation the server acknowledged (201 received) is there, that SQLite's integrity check passes
// and that the audit chain verifies against the checkpoints signed meanwhile (`coop audit verify
// --checkpoints`; a crash must never leave a checkpoint ahead of the committed records).
//
// Usage: node tests/api/crash.mjs COOP_EXECUTABLE ; ends with "N passed, N failed".
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const coop = process.argv[2];
const dir = mkdtempSync(join(tmpdir(), 'coop-crash-'));
const db = join(dir, 'coop.db');
execFileSync(coop, ['init', '--db', db, '--demo'], { cwd: root, stdio: 'ignore' });
// the audit is anchored by signed checkpoints: a crash must never leave them disagreeing with
// the database (a checkpoint signs only committed records)
const key = join(dir, 'audit.key'), checkpoints = join(dir, 'checkpoints');
execFileSync(coop, ['audit', 'key', '--out', key], { stdio: 'ignore' });
const port = 40000 + (process.pid % 20000);
const base = `http://127.0.0.1:${port}`;

function start() {
  const child = spawn(coop, ['serve', '--db', db, '--listen', `127.0.0.1:${port}`, '--threads', '4',
    '--audit-key', key, '--checkpoints', checkpoints, '--checkpoint-records', '20'],
    { cwd: root, stdio: 'ignore' });
  child.exited = new Promise((r) => child.on('exit', r)); // listen at once: it may die early
  return child;
}

async function ready() {
  for (let i = 0; i < 200; i++) {
    try { if ((await fetch(`${base}/api/v1/health`)).ok) return; } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('le serveur ne répond pas');
}

async function signIn() {
  const r = await fetch(`${base}/api/v1/session`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ login: 'accueil', password: 'demo-accueil-2026' }),
  });
  return { cookie: r.headers.get('set-cookie').split(';')[0], csrf: (await r.json()).csrf_token };
}

// A number as capital letters (0 → A, 25 → Z, 26 → BA...): names admit no digits.
function letters(n) {
  let out = '';
  do { out = String.fromCharCode(65 + (n % 26)) + out; n = Math.floor(n / 26); } while (n > 0);
  return out;
}

let passed = 0, failed = 0;
const acknowledged = [];
try {
  for (let round = 1; round <= 5; round++) {
    let server = start();
    await ready();
    const s = await signIn();
    let stop = false;
    const client = async (k) => {
      for (let i = 0; !stop; i++) {
        try {
          const r = await fetch(`${base}/api/v1/patients`, {
            method: 'POST',
            headers: { 'Content-Type': 'application/json', Cookie: s.cookie, 'X-CSRF-Token': s.csrf },
            body: JSON.stringify({ birth_name: `CRASH ${letters(round)} ${letters(k)} ${letters(i)}`, first_names: 'TEST',
              birth_date: '1980-01-01', sex: 'female' }),
          });
          if (r.status === 201) acknowledged.push((await r.json()).id);
        } catch { return; } // the server is gone
      }
    };
    const before = acknowledged.length;
    const clients = [0, 1, 2, 3].map(client);
    await new Promise((r) => setTimeout(r, 150 + Math.floor(Math.random() * 350)));
    server.kill('SIGKILL');
    stop = true;
    await Promise.all(clients);
    await server.exited;

    server = start();
    await ready();
    const t = await signIn();
    let missing = 0;
    for (const id of acknowledged) {
      const r = await fetch(`${base}/api/v1/patients/${id}`, { headers: { Cookie: t.cookie } });
      if (r.status !== 200) missing++;
    }
    server.kill('SIGTERM');
    await server.exited;
    const integrity = execFileSync('sqlite3', [db, 'PRAGMA integrity_check']).toString().trim();
    let audit = 'ok';
    try {
      execFileSync(coop, ['audit', 'verify', '--db', db, '--checkpoints', checkpoints, '--public-key', `${key}.pub`],
        { stdio: 'ignore' });
    } catch { audit = 'altéré'; }
    // a round that acknowledged nothing would prove nothing
    const ok = missing === 0 && integrity === 'ok' && audit === 'ok' && acknowledged.length > before;
    console.log(`${ok ? 'ok  ' : 'ÉCHEC'} manche ${round} : ${acknowledged.length} écritures acquittées au total, ` +
      `${missing} perdues, intégrité ${integrity}, audit ${audit}`);
    if (ok) passed++; else failed++;
  }
} catch (e) {
  failed++;
  console.log(`ÉCHEC : ${e.message}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);

// scenarios.mjs — runs the browser scenarios of Coop's web interface (tests/browser/scenarios/,
// in name order, on one demo database with the clock fixed at 25/11/2026 10:00), in Debian's
// Chromium driven by playwright-core: each step checks what the user sees, runs axe-core on the
// screen (no serious or critical violation allowed) and keeps a screenshot in
// build/browser-artefacts/. A scenario file exports a function that receives the helpers below
// (base, accessible, expectText, signIn, consentedEpisode, apiAs) and returns [name, run] pairs.
//
// Usage: node tests/browser/scenarios.mjs COOP_EXECUTABLE ; ends with "N passed, N failed".
import { spawn, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const coop = process.argv[2];
const artefacts = join(root, 'build', 'browser-artefacts');
mkdirSync(artefacts, { recursive: true });
const dir = mkdtempSync(join(tmpdir(), 'coop-browser-'));
const db = join(dir, 'coop.db');
execFileSync(coop, ['init', '--db', db, '--demo'], { cwd: root, stdio: 'ignore' });
const port = 30000 + (process.pid % 10000);
const base = `http://127.0.0.1:${port}`;
const server = spawn(coop, ['serve', '--db', db, '--listen', `127.0.0.1:${port}`,
  '--fixed-time', '2026-11-25T10:00', '--threads', '4',
  '--protocols', join(root, 'tests', 'api', 'protocols'), '--login-limit', '1000'], { cwd: root, stdio: 'ignore' });
const exited = new Promise((r) => server.on('exit', r));

async function ready() {
  for (let i = 0; i < 100; i++) {
    try { if ((await fetch(`${base}/api/v1/health`)).ok) return; } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('le serveur ne répond pas');
}

// axe-core on the current screen: serious and critical violations fail the scenario
async function accessible(page, name) {
  await page.addScriptTag({ path: join(here, 'node_modules', 'axe-core', 'axe.min.js') });
  const result = await page.evaluate(async () => await window.axe.run(document));
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  await page.screenshot({ path: join(artefacts, `${name}.png`), fullPage: true });
  if (bad.length)
    throw new Error(`${name} : accessibilité — ${bad.map((v) => `${v.id} (${v.impact})`).join(', ')}`);
}

async function expectText(page, selector, text) {
  try {
    await page.locator(selector, { hasText: text }).first().waitFor({ state: 'visible', timeout: 5000 });
  } catch {
    const got = await page.locator(selector).first().textContent().catch(() => null);
    throw new Error(`« ${text} » attendu dans ${selector}, lu « ${got} »`);
  }
  await noLeakedValue(page);
}

// A screen never shows a program's empty values as words ("null", "undefined", "NaN"): checked
// each time a scenario looks for a text, and at the end of every scenario.
async function noLeakedValue(page) {
  const shown = await page.locator('#main').innerText().catch(() => '');
  const leak = shown.match(/(^|[\s(«:,])(null|undefined|NaN)([\s).»,;:]|$)/);
  if (leak) throw new Error(`l\u2019écran affiche « ${leak[2]} » : ${shown.slice(Math.max(0, leak.index - 80), leak.index + 40)}`);
}

// An API client signed in as a demo account, for setting up what a scenario starts from.
async function apiAs(login, password = `demo-${login}-2026`) {
  const r = await fetch(`${base}/api/v1/session`, { method: 'POST',
    headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ login, password }) });
  if (!r.ok) throw new Error(`préparation : connexion ${login} → ${r.status}`);
  const cookie = r.headers.get('set-cookie').split(';')[0];
  const csrf = (await r.json()).csrf_token;
  return async (method, path, body) => {
    const res = await fetch(base + path, { method, body: body === undefined ? undefined : JSON.stringify(body),
      headers: { 'Content-Type': 'application/json', Cookie: cookie, 'X-CSRF-Token': csrf } });
    if (!res.ok) throw new Error(`préparation : ${method} ${path} → ${res.status} ${await res.text()}`);
    return res.status === 204 ? null : res.json();
  };
}

// Sets up, through the API as the secretariat, a patient whose consent is recorded.
async function consentedEpisode(name, first, born, protocol = 'snp-cystite') {
  const call = await apiAs('accueil');
  const patient = await call('POST', '/api/v1/patients', { birth_name: name, first_names: first,
    birth_date: born, sex: 'female' });
  let ep = await call('POST', '/api/v1/episodes', { patient_id: patient.id, protocol_id: protocol });
  // the secretariat did not know the orientation answers: the délégué asks them
  const proto = await call('GET', `/api/v1/protocols/${protocol}`);
  const unknown = proto.questions.filter((q) => q.asked_by === 'orientation').map((q) => q.id);
  ep = await call('PUT', `/api/v1/episodes/${ep.id}/answers`, { version: ep.version, answers: {}, unknown });
  ep = await call('POST', `/api/v1/episodes/${ep.id}/actions/propose`, { version: ep.version });
  return call('POST', `/api/v1/episodes/${ep.id}/actions/record_consent_given`, { version: ep.version, how: 'oral' });
}

// Signs in through the sign-in screen and waits for the dashboard.
async function signIn(page, login, password = `demo-${login}-2026`) {
  await page.goto(base + '/');
  await page.fill('#login', login);
  await page.fill('#password', password);
  await page.click('button:has-text("Se connecter")');
  await expectText(page, 'h1', 'Tableau de bord');
}

const helpers = { base, accessible, expectText, signIn, consentedEpisode, apiAs, artefacts };
const scenarios = [];
// COOP_SCENARIOS=12,42 runs only the files whose names start with those prefixes (while working
// on one screen); make test runs them all
const only = (process.env.COOP_SCENARIOS || '').split(',').filter(Boolean);
for (const file of readdirSync(join(here, 'scenarios')).filter((f) => f.endsWith('.mjs')).sort()
  .filter((f) => !only.length || only.some((p) => f.startsWith(p)))) {
  const mod = await import(pathToFileURL(join(here, 'scenarios', file)).href);
  scenarios.push(...mod.default(helpers));
}

let passed = 0, failed = 0;
let browser;
try {
  await ready();
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true,
    args: ['--no-sandbox', '--lang=fr-FR'] });
  for (const [name, run] of scenarios) {
    // bypassCSP only lets the test inject axe-core; the page itself runs under Coop's CSP
    const context = await browser.newContext({ bypassCSP: true, locale: 'fr-FR',
      timezoneId: 'Europe/Paris' });
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    try {
      await run(page);
      await noLeakedValue(page);
      if (errors.length) throw new Error(`erreur JavaScript : ${errors[0]}`);
      passed++;
      console.log(`ok   ${name}`);
    } catch (e) {
      failed++;
      console.log(`ÉCHEC ${name} : ${e.message}`);
      await page.screenshot({ path: join(artefacts, `echec-${passed + failed}.png`), fullPage: true })
        .catch(() => {});
    }
    await context.close();
  }
} catch (e) {
  failed++;
  console.log(`ÉCHEC : ${e.message}`);
} finally {
  if (browser) await browser.close();
  server.kill('SIGTERM');
  await exited;
  rmSync(dir, { recursive: true, force: true });
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);

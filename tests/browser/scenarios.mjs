// scenarios.mjs — browser scenarios of Coop's web interface, in Debian's Chromium driven by
// playwright-core: each step checks what the user sees, runs axe-core on the screen (no serious
// or critical violation allowed) and keeps a screenshot in build/browser-artefacts/.
//
// Usage: node tests/browser/scenarios.mjs COOP_EXECUTABLE ; ends with "N passed, N failed".
import { spawn, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
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
  '--fixed-time', '2026-11-25T10:00', '--threads', '4'], { cwd: root, stdio: 'ignore' });
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
}

const scenarios = [
  ['connexion refusée puis acceptée (secrétariat)', async (page) => {
    await page.goto(base + '/');
    await expectText(page, 'h1', 'Connexion');
    await accessible(page, '01-connexion');
    await page.fill('#login', 'accueil');
    await page.fill('#password', 'mauvais-mot-de-passe');
    await page.click('button[type=submit]');
    await expectText(page, '.error', 'Identifiant ou mot de passe incorrect');
    if ((await page.inputValue('#login')) !== 'accueil') throw new Error('identifiant perdu après le refus');
    await accessible(page, '02-connexion-refusee');
    await page.fill('#password', 'demo-accueil-2026');
    await page.click('button[type=submit]');
    await expectText(page, 'h1', 'Tableau de bord');
    await expectText(page, '#who', 'secrétariat');
    await accessible(page, '03-tableau-de-bord');
    await page.click('#logout');
    await expectText(page, 'h1', 'Connexion');
  }],
  ['secrétariat : nouvelle demande, patient créé, orientation, proposition, consentement', async (page) => {
    await page.goto(base + '/');
    await page.fill('#login', 'accueil');
    await page.fill('#password', 'demo-accueil-2026');
    await page.click('button[type=submit]');
    await expectText(page, 'h1', 'Tableau de bord');
    await page.click('button:has-text("Nouvelle demande")');
    await expectText(page, 'h1', 'Nouvelle demande');
    await page.fill('#search-name', 'Lefebvre');
    await page.click('button:has-text("Rechercher")');
    await expectText(page, '.empty', 'Aucun patient trouvé');
    await accessible(page, '10-recherche-patient');
    await page.fill('#birth_name', 'Lefebvre');
    await page.fill('#first_names', 'Camille');
    await page.fill('#birth_date', '1991-05-14');
    await page.selectOption('#sex', 'female');
    await page.fill('#nir', '2 91 05 75 112 001 00');
    await page.click('button:has-text("Créer le patient")');
    await expectText(page, '#nir-error', 'clé de contrôle');
    if ((await page.inputValue('#first_names')) !== 'Camille') throw new Error('saisie perdue après le refus');
    await accessible(page, '11-nir-refuse');
    await page.fill('#nir', '');
    await page.click('button:has-text("Créer le patient")');
    await expectText(page, 'h2', '2. Protocole pour LEFEBVRE CAMILLE');
    await page.selectOption('#protocol_id', 'snp-cystite');
    await accessible(page, '12-choix-protocole');
    await page.click('button[type=submit]');
    await expectText(page, 'h2', '3. Questions');
    await page.check('input[name=consentement][value=true]');
    await page.check('input[name=symptomes_urinaires][value=true]');
    await page.check('input[name=grossesse_possible][value=false]');
    await page.check('input[name=fievre_frissons_signales][value=false]');
    await page.check('input[name=signes_digestifs][value=false]');
    await page.click('button:has-text("Enregistrer les réponses")');
    await expectText(page, '.notice', 'peut être proposé');
    await accessible(page, '13-orientation');
    await page.click('button:has-text("Proposer le protocole")');
    await expectText(page, 'h2', '4. Consentement');
    await accessible(page, '14-consentement');
    await page.click('button:has-text("Consentement donné")');
    await expectText(page, '.notice', 'Consentement enregistré');
    await page.click('button:has-text("Retour au tableau de bord")');
    await expectText(page, 'td', 'LEFEBVRE CAMILLE');
    await expectText(page, 'td', 'Consentement');
    await accessible(page, '15-tableau-apres-demande');
  }],
  ['délégué : refus sans formation, puis évaluation, décision et ordonnance', async (page) => {
    // the patient consented in the previous scenario (same database)
    await page.goto(base + '/');
    await page.fill('#login', 'infirmiere2');
    await page.fill('#password', 'demo-infirmiere2-2026');
    await page.click('button:has-text("Se connecter")');
    await expectText(page, 'h1', 'Tableau de bord');
    await page.click('button:has-text("Ouvrir")');
    await page.click('button:has-text("Commencer l\u2019évaluation")');
    await expectText(page, '.error', 'formation non validée');
    await accessible(page, '20-refus-formation');
    await page.click('#logout');
    await page.fill('#login', 'infirmiere');
    await page.fill('#password', 'demo-infirmiere-2026');
    await page.click('button:has-text("Se connecter")');
    await page.click('button:has-text("Ouvrir")');
    await page.click('button:has-text("Commencer l\u2019évaluation")');
    await expectText(page, 'h2', 'Examen');
    const yes = ['recueil_fiable'];
    const no = ['douleur_fosse_lombaire', 'anomalie_voies_urinaires', 'immunodepression_severe',
      'insuffisance_renale_severe', 'infection_urinaire_15_jours', 'leucorrhees_prurit',
      'contre_indication_fosfomycine'];
    for (const q of yes) await page.check(`input[name=${q}][value=true]`);
    for (const q of no) await page.check(`input[name=${q}][value=false]`);
    await page.fill('#q-temperature', '37,2'.replace(',', '.'));
    await page.fill('#q-episodes_12_mois', '1');
    await page.selectOption('#q-bandelette_urinaire', 'positive');
    await page.click('button:has-text("Enregistrer et évaluer")');
    await expectText(page, '.notice', 'inclus');
    await accessible(page, '21-evaluation');
    await page.click('button:has-text("Enregistrer la décision")');
    await expectText(page, 'h2', 'Prise en charge dans le protocole');
    await expectText(page, 'li', 'fosfomycine');
    await accessible(page, '22-ordonnance');
    await page.click('button:has-text("Clore la prise en charge")');
    await expectText(page, '.notice', 'Clôturé');
  }],
  ['délégué : une fièvre à 39,1 °C (signe d\u2019alerte) renvoie vers les urgences', async (page) => {
    await consentedEpisode('Garnier', 'Lea', '1993-02-02');
    await page.goto(base + '/');
    await page.fill('#login', 'infirmiere');
    await page.fill('#password', 'demo-infirmiere-2026');
    await page.click('button:has-text("Se connecter")');
    await page.locator('tr', { hasText: 'GARNIER LEA' }).locator('button:has-text("Ouvrir")').click();
    await page.click('button:has-text("Commencer l\u2019évaluation")');
    await expectText(page, 'h2', 'Examen');
    await page.check('input[name=recueil_fiable][value=true]');
    await page.fill('#q-temperature', '39.1');
    await page.click('button:has-text("Enregistrer et évaluer")');
    await expectText(page, '.notice', 'exclu');
    await page.click('button:has-text("Enregistrer la décision")');
    await expectText(page, 'h2', 'Réorientation vers le médecin');
    await expectText(page, '.notice', 'Urgences');
    await accessible(page, '30-signe-alerte');
  }],
];

// Sets up, through the API as the secretariat, a patient whose consent is recorded.
async function consentedEpisode(name, first, born) {
  const login = await fetch(`${base}/api/v1/session`, { method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ login: 'accueil', password: 'demo-accueil-2026' }) });
  const cookie = login.headers.get('set-cookie').split(';')[0];
  const csrf = (await login.json()).csrf_token;
  const call = async (method, path, body) => {
    const r = await fetch(base + path, { method, body: JSON.stringify(body),
      headers: { 'Content-Type': 'application/json', Cookie: cookie, 'X-CSRF-Token': csrf } });
    if (!r.ok) throw new Error(`préparation : ${method} ${path} → ${r.status}`);
    return r.json();
  };
  const patient = await call('POST', '/api/v1/patients', { birth_name: name, first_names: first,
    birth_date: born, sex: 'female' });
  let ep = await call('POST', '/api/v1/episodes', { patient_id: patient.id, protocol_id: 'snp-cystite' });
  ep = await call('POST', `/api/v1/episodes/${ep.id}/actions/propose`, { version: ep.version });
  await call('POST', `/api/v1/episodes/${ep.id}/actions/record_consent_given`, { version: ep.version, how: 'oral' });
}

let passed = 0, failed = 0;
let browser;
try {
  await ready();
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true,
    args: ['--no-sandbox'] });
  for (const [name, run] of scenarios) {
    // bypassCSP only lets the test inject axe-core; the page itself runs under Coop's CSP
    const context = await browser.newContext({ bypassCSP: true, locale: 'fr-FR' });
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    try {
      await run(page);
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

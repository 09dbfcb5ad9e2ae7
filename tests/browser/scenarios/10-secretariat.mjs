// 10-secretariat.mjs — browser scenarios: sign-in (refused then accepted) and the secretary's
// new request (patient created after a refused NIR, orientation, proposal, consent).
export default ({ base, accessible, expectText }) => [

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
];

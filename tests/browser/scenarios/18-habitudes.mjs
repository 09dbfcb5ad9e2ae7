// 18-habitudes.mjs — habits of a French health professional the interface keeps: each screen has
// its address (Back, a reload and a link shared inside the team show it again), leaving with
// answers not saved asks first, a button waits for its request (no double sending), words agree
// with the patient's sex, no internal code on an ordinary screen, and the protocols offered at
// a new request are those that fit the patient's age and sex, none chosen in advance; a long list
// has a search box and shows twenty rows at a time.
// Every episode set up here leaves the "waiting" list (assessment started): the later scenarios
// open the first patient waiting.
export default ({ base, accessible, expectText, signIn, apiAs }) => {
  // a woman's cystitis episode oriented, consented, then started by the délégué (through the API)
  const started = async (name, first, born) => {
    const desk = await apiAs('accueil');
    const patient = await desk('POST', '/api/v1/patients', { birth_name: name, first_names: first,
      birth_date: born, sex: 'female' });
    let ep = await desk('POST', '/api/v1/episodes', { patient_id: patient.id, protocol_id: 'snp-cystite' });
    ep = await desk('PUT', `/api/v1/episodes/${ep.id}/answers`, { version: ep.version, answers: {
      consentement: true, symptomes_urinaires: true, grossesse_possible: false,
      fievre_frissons_signales: false, signes_digestifs: false } });
    ep = await desk('POST', `/api/v1/episodes/${ep.id}/actions/propose`, { version: ep.version });
    ep = await desk('POST', `/api/v1/episodes/${ep.id}/actions/record_consent_given`, { version: ep.version, how: 'oral' });
    const call = await apiAs('infirmiere');
    return call('POST', `/api/v1/episodes/${ep.id}/actions/start_assessment`, { version: ep.version });
  };
  const signInTyped = async (page, login) => {
    await page.fill('#login', login);
    await page.fill('#password', `demo-${login}-2026`);
    await page.click('button:has-text("Se connecter")');
  };
  const hashIs = async (page, want) => {
    await page.waitForFunction((h) => location.hash === h, want, { timeout: 5000 })
      .catch(async () => { throw new Error(`adresse ${want} attendue, lu « ${await page.evaluate(() => location.hash)} »`); });
  };
  return [
    ['adresses : retour, rechargement et lien partagé montrent le même écran', async (page) => {
      const ep = await started('Habitude', 'Rose', '1992-05-04');
      await signIn(page, 'infirmiere');
      await page.click(`button[aria-label="Ouvrir la prise en charge n° ${ep.id}"]`);
      await expectText(page, 'h1', 'HABITUDE ROSE');
      await hashIs(page, `#/prise-en-charge/${ep.id}`);
      await expectText(page, 'section[aria-label="Patient"]', 'née le 04/05/1992');
      await page.reload();
      await expectText(page, 'h1', 'HABITUDE ROSE');
      await expectText(page, 'h2', 'Examen');
      await page.goBack();
      await expectText(page, 'h1', 'Tableau de bord');
      await page.goForward();
      await expectText(page, 'h1', 'HABITUDE ROSE');
      // a colleague's link, opened before signing in: the same screen once signed in
      await page.click('#logout');
      await expectText(page, 'h1', 'Connexion');
      await page.goto(`${base}/#/prise-en-charge/${ep.id}`);
      await expectText(page, 'h1', 'Connexion');
      await signInTyped(page, 'medecin');
      await expectText(page, 'h1', 'HABITUDE ROSE');
      await accessible(page, '18-lien-partage');
    }],
    ['réponses non enregistrées : quitter l\u2019écran demande d\u2019abord', async (page) => {
      const ep = await started('Habitude', 'Iris', '1990-02-03');
      await signIn(page, 'infirmiere');
      await page.click(`button[aria-label="Ouvrir la prise en charge n° ${ep.id}"]`);
      await expectText(page, 'h2', 'Examen');
      await page.check('input[name=recueil_fiable][value=true]');
      let asked = 0;
      page.on('dialog', (d) => { asked++; d.dismiss(); });
      await page.click('button:has-text("Retour au tableau de bord")');
      await expectText(page, 'h2', 'Examen');
      if (asked !== 1) throw new Error(`quitter avec une réponse non enregistrée : ${asked} question(s) posée(s) au lieu d'une`);
      await page.goBack();
      await hashIs(page, `#/prise-en-charge/${ep.id}`);
      await expectText(page, 'h2', 'Examen');
      if (asked !== 2) throw new Error('le bouton Précédent quitte sans demander');
      if (!(await page.isChecked('input[name=recueil_fiable][value=true]'))) throw new Error('la réponse saisie est perdue');
      // saved: leaving asks nothing
      await page.click('button:has-text("Enregistrer et évaluer")');
      await expectText(page, 'p', 'Questions à poser ensuite');
      await page.click('button:has-text("Retour au tableau de bord")');
      await expectText(page, 'h1', 'Tableau de bord');
      if (asked !== 2) throw new Error('une question est posée alors que tout est enregistré');
    }],
    ['version dépassée par sa propre écriture : dit comme tel, et « Recharger » y remédie', async (page) => {
      const ep = await started('Habitude', 'Nora', '1991-01-01');
      await signIn(page, 'infirmiere');
      await page.goto(`${base}/#/prise-en-charge/${ep.id}`);
      await expectText(page, 'h2', 'Examen');
      // the same délégué saves from elsewhere (another tab) meanwhile
      const call = await apiAs('infirmiere');
      await call('PUT', `/api/v1/episodes/${ep.id}/answers`, { version: ep.version, answers: { recueil_fiable: true } });
      await page.check('input[name=recueil_fiable][value=true]');
      page.on('dialog', (d) => d.accept());
      await page.click('button:has-text("Enregistrer et évaluer")');
      await expectText(page, '.error', 'Vous avez déjà enregistré une modification de cette prise en charge');
      if (/quelqu.un d.autre/.test(await page.locator('.error').first().textContent()))
        throw new Error('sa propre écriture est attribuée à « quelqu\u2019un d\u2019autre »');
      await page.click('.error button:has-text("Recharger")');
      await expectText(page, 'h2', 'Examen');
      await page.click('button:has-text("Enregistrer et évaluer")');
      await expectText(page, 'p', 'Questions à poser ensuite');
    }],
    ['un bouton attend la réponse : pas de double envoi', async (page) => {
      await signIn(page, 'accueil');
      await page.click('button:has-text("Nouvelle demande")');
      await hashIs(page, '#/nouvelle-demande');
      await page.reload();
      await expectText(page, 'h1', 'Nouvelle demande');
      await page.fill('#birth_name', 'Attente');
      await page.fill('#first_names', 'Hugo');
      await page.fill('#birth_date', '1985-06-01');
      await page.selectOption('#sex', 'male');
      let posts = 0;
      let release;
      const held = new Promise((r) => { release = r; });
      await page.route('**/api/v1/patients', async (route) => {
        if (route.request().method() === 'POST') { posts++; await held; }
        await route.continue();
      });
      const create = page.locator('button:has-text("Créer le patient")');
      await create.click();
      if (!(await create.isDisabled())) throw new Error('le bouton reste actif pendant l\u2019envoi');
      await create.dispatchEvent('click');
      await page.press('#first_names', 'Enter');
      release();
      await expectText(page, 'h2', '2. Protocole pour ATTENTE HUGO');
      if (posts !== 1) throw new Error(`${posts} envois du même patient`);
      // the protocols that fit a 41-year-old man, none chosen in advance
      const options = await page.locator('#protocol_id option').evaluateAll((os) => os.map((o) => o.value));
      if (options.includes('snp-cystite')) throw new Error('la cystite (femmes seulement) est proposée pour un homme');
      if (!options.includes('snp-cheville')) throw new Error('l\u2019entorse de cheville manque');
      if ((await page.inputValue('#protocol_id')) !== '') throw new Error('un protocole est choisi d\u2019avance');
      await page.click('button:has-text("Poser les questions")');
      await expectText(page, '#protocol_id-error', 'Choisissez le protocole.');
      await accessible(page, '18-protocoles-du-patient');
      // this step has its own address too
      await page.reload();
      await expectText(page, 'h2', '2. Protocole pour ATTENTE HUGO');
    }],
    ['mots du métier : accords au féminin, aucun code interne', async (page) => {
      const ep = await started('Habitude', 'Lina', '1988-09-09');
      const call = await apiAs('infirmiere');
      const yes = ['recueil_fiable'];
      const no = ['douleur_fosse_lombaire', 'anomalie_voies_urinaires', 'immunodepression_severe',
        'insuffisance_renale_severe', 'infection_urinaire_15_jours', 'leucorrhees_prurit',
        'contre_indication_fosfomycine'];
      const answers = { temperature: 37.2, episodes_12_mois: 1, bandelette_urinaire: 'positive' };
      for (const q of yes) answers[q] = true;
      for (const q of no) answers[q] = false;
      const saved = await call('PUT', `/api/v1/episodes/${ep.id}/answers`, { version: ep.version, answers });
      if (saved.engine.decision !== 'included') throw new Error(`préparation : ${JSON.stringify(saved.engine.next_questions)}`);
      await call('POST', `/api/v1/episodes/${ep.id}/actions/record_decision`, { version: saved.version });
      await signIn(page, 'accueil');
      await page.click('button:has-text("Nouvelle demande")');
      await page.fill('#search-name', 'Habitude');
      await page.click('button:has-text("Rechercher")');
      await expectText(page, 'ul.results li', 'HABITUDE LINA, née le 09/09/1988');
      await page.click('#logout');
      await signIn(page, 'infirmiere');
      await expectText(page, '#who', 'Claire Martin, infirmière — déléguée');
      await page.goto(`${base}/#/prise-en-charge/${ep.id}`);
      await expectText(page, 'h2', 'Prise en charge dans le protocole');
      await expectText(page, 'p[role=status]', 'Incluse dans le protocole');
      const text = await page.locator('main').innerText();
      const code = /\bversion\b|\d{4}-[a-z]|[0-9a-f]{12}/i.exec(text);
      if (code) throw new Error(`code interne à l\u2019écran : « ${code[0]} »`);
      await accessible(page, '18-accords');
    }],
    ['consentement : l\u2019adresse de l\u2019étape, et la question accordée à la patiente', async (page) => {
      const desk = await apiAs('accueil');
      const patient = await desk('POST', '/api/v1/patients', { birth_name: 'Habitude', first_names: 'Mona',
        birth_date: '1994-07-07', sex: 'female' });
      let ep = await desk('POST', '/api/v1/episodes', { patient_id: patient.id, protocol_id: 'snp-cystite' });
      ep = await desk('PUT', `/api/v1/episodes/${ep.id}/answers`, { version: ep.version, answers: {
        consentement: true, symptomes_urinaires: true, grossesse_possible: false,
        fievre_frissons_signales: false, signes_digestifs: false } });
      ep = await desk('POST', `/api/v1/episodes/${ep.id}/actions/propose`, { version: ep.version });
      await signIn(page, 'accueil');
      await page.goto(`${base}/#/nouvelle-demande/consentement/${ep.id}`);
      await expectText(page, 'h2', '4. Consentement');
      await expectText(page, 'form p', 'La patiente accepte-t-elle d\u2019être prise en charge');
      await page.click('button:has-text("Consentement donné")');
      await expectText(page, 'p[role=status]', 'la patiente attend le délégué');
      // she now waits for the délégué: start her assessment, the later scenarios open the first one waiting
      const call = await apiAs('infirmiere');
      const now = await call('GET', `/api/v1/episodes/${ep.id}`);
      await call('POST', `/api/v1/episodes/${ep.id}/actions/start_assessment`, { version: now.version });
    }],
    ['listes : une recherche (majuscules et accents mis à part) et vingt lignes à la fois', async (page) => {
      const desk = await apiAs('accueil');
      const names = ['Ana', 'Basile', 'Chloe', 'Denis', 'Elise', 'Fanny', 'Gael', 'Hugo', 'Ivan', 'Jade',
        'Kevin', 'Lea', 'Marc', 'Nina', 'Oscar', 'Paula', 'Quentin', 'Rosa', 'Simon', 'Tina', 'Ugo', 'Vera'];
      for (const first of names) {
        const p = await desk('POST', '/api/v1/patients', { birth_name: 'Recherche', first_names: first,
          birth_date: '1980-01-01', sex: first === 'Elise' ? 'female' : 'male' });
        await desk('POST', '/api/v1/episodes', { patient_id: p.id, protocol_id: 'snp-cheville' });
      }
      await signIn(page, 'accueil');
      const list = page.locator('section', { has: page.locator('h2', { hasText: 'Toutes les prises en charge' }) });
      const rows = list.locator('tbody tr');
      const total = await rows.count();
      if (total <= 20 || (await list.locator('tbody tr:visible').count()) !== 20)
        throw new Error(`${total} prises en charge : 20 attendues à l\u2019écran`);
      await list.locator('button.more').click();
      if ((await list.locator('tbody tr:visible').count()) !== Math.min(total, 40)) throw new Error('« Afficher les suivants » ne montre pas la suite');
      const search = list.locator('input[type=search]');
      await search.fill('recherche élise');
      await expectText(page, 'p[role=status]', 'sur');
      const visible = await list.locator('tbody tr:visible').allTextContents();
      if (visible.length !== 1 || !visible[0].includes('RECHERCHE ELISE'))
        throw new Error(`recherche « recherche élise » : ${visible.length} ligne(s) montrée(s)`);
      await accessible(page, '18-recherche-liste');
      await search.fill('');
      if ((await list.locator('tbody tr:visible').count()) !== 20) throw new Error('la liste ne revient pas à ses vingt premières lignes');
    }],
  ];
};

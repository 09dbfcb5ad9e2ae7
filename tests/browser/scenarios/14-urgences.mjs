// 14-urgences.mjs — browser scenarios: an emergency is shown as one on every screen that sees it.
// The secretary's orientation with fever and vomiting (cystitis) says "Urgence : appeler le 15"
// in the emergency style with its reason in one sentence (never the neutral notice of usual
// care); the délégante sees that patient at once, first among the patients reoriented; the
// délégué sees the urgency of an included outcome that reorients (sore throat, positive rapid
// test, penicillin allergy) before recording the decision, and the délégante's phone shown is
// that of the slot in which she is reachable now; the délégué's queue is oldest first with the
// arrival time; the délégante's revoyure screen shows the findings and the délégué's note, and
// the revoyure note then shows in the episode and its history.
export default ({ base, accessible, expectText, signIn, consentedEpisode, apiAs }) => {
  const section = (page, title) => page.locator('section.card', { has: page.locator('h2', { hasText: title }) });
  let allergic = null; // the sore-throat episode, set up by the délégué scenario
  return [
    ['urgence : orientation au secrétariat (fièvre et vomissements) → « Urgence : appeler le 15 »', async (page) => {
      const accueil = await apiAs('accueil');
      await accueil('POST', '/api/v1/patients', { birth_name: 'Samu', first_names: 'Oceane',
        birth_date: '1989-03-03', sex: 'female' });
      await signIn(page, 'accueil');
      await page.click('button:has-text("Nouvelle demande")');
      await page.fill('#search-name', 'Samu');
      await page.click('button:has-text("Rechercher")');
      await page.click('button[aria-label="Choisir SAMU OCEANE"]');
      await page.selectOption('#protocol_id', 'snp-cystite');
      await page.click('button[type=submit]');
      await expectText(page, 'h2', '3. Questions');
      await page.check('input[name=consentement][value=true]');
      await page.check('input[name=symptomes_urinaires][value=true]');
      await page.check('input[name=grossesse_possible][value=false]');
      await page.check('input[name=fievre_frissons_signales][value=true]');
      await page.check('input[name=signes_digestifs][value=true]');
      await page.click('button:has-text("Enregistrer les réponses")');
      await expectText(page, '.urgency-emergency[role=alert] .urgency-headline', 'Urgence : appeler le 15');
      await expectText(page, '.urgency-emergency .urgency-reason', 'Fièvre ou frissons signalés');
      if (await page.locator('.notice', { hasText: 'de la manière habituelle' }).count())
        throw new Error('l\u2019urgence est présentée comme une orientation habituelle');
      if (await page.locator('.urgency-emergency', { hasText: 'expression' }).count())
        throw new Error('la trace clinique est montrée au secrétariat');
      await accessible(page, '14-urgence-orientation');
      await page.click('button:has-text("Orienter vers le médecin")');
      await expectText(page, '.notice', 'Orientation vers le médecin enregistrée');
      await page.click('button:has-text("Retour au tableau de bord")');
      const row = section(page, 'Patients du jour').locator('tr', { hasText: 'SAMU OCEANE' });
      await row.locator('.urgency-tag.urgency-emergency', { hasText: 'Urgence : appeler le 15' }).waitFor({ timeout: 5000 });
    }],

    ['urgence : la délégante voit aussitôt la patiente en tête des patients réorientés', async (page) => {
      await signIn(page, 'medecin');
      const first = section(page, 'Patients réorientés').locator('tbody tr').first();
      await first.waitFor({ timeout: 5000 });
      const text = await first.textContent();
      if (!text.includes('SAMU OCEANE') || !text.includes('Urgence : appeler le 15') || !text.includes('Fièvre ou frissons signalés'))
        throw new Error(`première ligne des patients réorientés : « ${text} »`);
      await accessible(page, '14-urgence-delegante');
      await first.locator('button:has-text("Ouvrir")').click();
      await expectText(page, '.urgency-emergency .urgency-headline', 'Urgence : appeler le 15');
    }],

    ['urgence : le délégué voit l\u2019urgence d\u2019une issue incluse qui réoriente avant de décider ; la file est la plus ancienne d\u2019abord', async (page) => {
      // the délégante is reached on her mobile on Wednesdays (the clock: Wednesday 25/11/2026)
      const medecin = await apiAs('medecin');
      const slots = (await medecin('GET', '/api/v1/availability')).items;
      const wednesday = slots.find((s) => s.weekday === 2);
      await medecin('DELETE', `/api/v1/availability/${wednesday.id}`);
      const mobile = await medecin('POST', '/api/v1/availability', { weekday: 2, start_minute: 480, end_minute: 1140, how: '06 98 76 54 32 (portable)' });
      try {
        const older = await consentedEpisode('Ancien', 'Paul', '1980-01-01');
        const newer = await consentedEpisode('Recent', 'Marc', '1981-01-01');
        const ep = await consentedEpisode('Angine', 'Zelie', '1996-05-14', 'snp-odynophagie');
        allergic = ep.id;
        const nurse = await apiAs('infirmiere');
        const queue = (await nurse('GET', '/api/v1/episodes?list=queue')).items.map((e) => e.id);
        if (!(queue.indexOf(older.id) < queue.indexOf(newer.id) && queue.indexOf(newer.id) < queue.indexOf(ep.id)))
          throw new Error(`la file du délégué n\u2019est pas la plus ancienne d\u2019abord : ${queue.join(', ')}`);
        let cur = await nurse('POST', `/api/v1/episodes/${ep.id}/actions/start_assessment`, { version: ep.version });
        cur = await nurse('PUT', `/api/v1/episodes/${ep.id}/answers`, { version: cur.version, answers: {
          consentement: true, odynophagie: true, dyspnee: false, hypersalivation: false, duree_symptomes_jours: 2,
          episode_similaire_15_jours: false, antibiotique_en_cours: false, immunodepression: false, grossesse: false,
          retour_zone_tropicale: false, troubles_digestifs_marques: false, allergie_penicilline: true, medicament_agranulocytose: false,
          alteration_etat_general: false, trismus: false, signes_complication_locale: false, fausses_membranes: false,
          ulcerations_ou_vesicules: false, temperature: 38.6, toux: false, adenopathies_cervicales_sensibles: true,
          amygdales_augmentees_ou_exsudat: true, trod_resultat: 'positif' } });

        await signIn(page, 'infirmiere');
        const rows = section(page, 'Ma file').locator('tbody tr');
        await rows.first().waitFor({ timeout: 5000 });
        const names = await rows.allTextContents();
        const at = (n) => names.findIndex((t) => t.includes(n));
        if (!(at('ANCIEN PAUL') >= 0 && at('ANCIEN PAUL') < at('RECENT MARC')))
          throw new Error(`« Ma file » n\u2019est pas la plus ancienne d\u2019abord : ${names.join(' | ')}`);
        await expectText(page, 'section.card td', 'aujourd\u2019hui à ');
        await accessible(page, '14-urgence-file-delegue');
        await page.locator('tr', { hasText: 'ANGINE ZELIE' }).locator('button:has-text("Ouvrir")').first().click();
        // what the engine already knows, before anything else
        await expectText(page, '.urgency-physician_same_day .urgency-headline', 'Médecin le jour même');
        await page.click('button:has-text("Enregistrer et évaluer")');
        await expectText(page, '.urgency-physician_same_day .urgency-reason', 'TROD positif chez un patient allergique aux pénicillines');
        await expectText(page, 'h3', 'Délégant à appeler');
        await page.check('#decision-doubt');
        await accessible(page, '14-urgence-avant-decision');
        await page.click('button:has-text("Enregistrer la décision")');
        await expectText(page, 'h2', 'Réorientation vers le médecin');
        await expectText(page, '.urgency-physician_same_day', 'Médecin le jour même');
        await expectText(page, 'p', 'Délégant appelé : Dr Anne Durand — 06 98 76 54 32 (portable)');
        await expectText(page, 'p', 'Signalé pour la revoyure : doute du délégué.');
        await expectText(page, 'details summary', 'Détails');
      } finally {
        await medecin('DELETE', `/api/v1/availability/${mobile.id}`);
        await medecin('POST', '/api/v1/availability', { weekday: 2, start_minute: 480, end_minute: 1140, how: wednesday.how });
      }
    }],

    ['urgence : revoyure — constatations et note du délégué, puis la note de revoyure dans l\u2019épisode et son historique', async (page) => {
      if (!allergic) throw new Error('le scénario précédent n\u2019a pas préparé l\u2019épisode');
      await signIn(page, 'medecin');
      const due = section(page, 'Revoyures à faire').locator('tr', { hasText: 'ANGINE ZELIE' });
      await due.first().waitFor({ timeout: 5000 });
      if (!(await due.first().locator('td', { hasText: 'Exclusion du protocole' }).count()))
        throw new Error('le motif de la revoyure manque');
      await due.first().locator('button:has-text("Ouvrir")').click();
      await expectText(page, 'h3', 'Constatations du délégué');
      await expectText(page, 'ul.findings li', 'Allergie');
      await page.fill('#revoyure-note', 'Vue à 11 h : macrolide prescrit par le médecin.');
      await page.click('button:has-text("Enregistrer la revoyure")');
      await expectText(page, 'p', 'note : Vue à 11 h : macrolide prescrit par le médecin.');
      await expectText(page, 'ol.history li', 'Vue à 11 h : macrolide prescrit par le médecin.');
      await accessible(page, '14-urgence-revoyure');
    }],
  ];
};

// 30-coordination.mjs — browser scenarios of the coordinator (Sophie Leroy): the team with what
// blocks each adhesion (infirmiere2's cystite training not validated); adopting
// test-suivi-prolonge and making Dr Anne Durand its délégant, the insurance and engagement
// declared afterwards (a future date refused next to its field, nothing typed lost); a national
// protocol suspended (refused without a reason) then resumed; the audit log read page by page,
// filtered, and a filter refused (start after end) next to its field.
//
// Leaves for the files that follow: test-suivi-prolonge adopted and active, with Dr Anne Durand
// as its délégant in good standing (40-delegant signs its template prescriptions), and the six
// national protocols active.
export default ({ accessible, expectText, signIn, apiAs }) => {
  const section = (page, title) => page.locator('section.card', { has: page.locator('h2', { hasText: title }) });
  const suivi = 'Protocole de test à suivi prolongé';
  const odynophagie = 'Odynophagie (mal de gorge à la déglutition) chez le patient de 6 à 50 ans';
  const cell = async (row, text) => {
    if (!(await row.locator('td', { hasText: text }).count()))
      throw new Error(`« ${text} » absent de la ligne « ${(await row.textContent()).slice(0, 120)} »`);
  };

  return [
    ['coordination : l\u2019équipe et ses blocages, adoption d\u2019un protocole et déclarations d\u2019une adhésion', async (page) => {
      await signIn(page, 'coordination');
      const team = section(page, 'Équipe');
      await team.waitFor({ timeout: 5000 });
      // infirmiere2 (Lucie Petit): her cystite training is not validated yet
      await expectText(page, 'section.card h3', 'Lucie Petit — Infirmière');
      const lucie = team.locator('table', { has: page.locator('caption', { hasText: 'Adhésions de Lucie Petit' }) })
        .locator('tr', { hasText: 'Pollakiurie' });
      await cell(lucie, 'Formation non validée');
      await cell(lucie, 'un délégant du protocole');
      const claire = team.locator('table', { has: page.locator('caption', { hasText: 'Adhésions de Claire Martin' }) })
        .locator('tr', { hasText: 'Pollakiurie' });
      await cell(claire, 'En règle');
      // the protocols: the six national ones adopted (five signed), test-suivi-prolonge not adopted
      const protocols = section(page, 'Protocoles');
      const cystite = protocols.locator('tr', { hasText: 'Pollakiurie' });
      await cell(cystite, 'Adopté, appliqué (version du 18/06/2024)');
      await cell(cystite, /^Signés par Dr Anne Durand le \d{2}\/\d{2}\/\d{4}$/);
      const row = () => protocols.locator('tr', { hasText: suivi });
      await cell(row(), 'Non adopté');
      await accessible(page, '30-coordination-tableau-de-bord');

      await page.click(`button[aria-label^="Adopter : ${suivi}"]`);
      await expectText(page, '#coord-status', `Protocole « ${suivi}`);
      await expectText(page, '#coord-status', 'adopté le 25/11/2026');
      await cell(row(), 'Adopté, appliqué (version du 01/09/2026)');
      await cell(row(), 'À signer par un délégant');

      // Dr Anne Durand becomes its délégant, without insurance nor engagement at first
      await page.click('summary:has-text("Ajouter une adhésion")');
      // a nurse cannot be délégant: refused by the server next to the role, the choices kept
      await page.selectOption('#adhesion-professional', { label: 'Claire Martin (Infirmière)' });
      await page.selectOption('#adhesion-protocol', { label: `${suivi} (tests de l'API uniquement)` });
      await page.selectOption('#adhesion-role', 'delegant');
      await page.click('button:has-text("Ajouter l\u2019adhésion")');
      await expectText(page, '.field:has(#adhesion-role) .error', 'n\'autorise pas la profession « Infirmier » comme délégant');
      if ((await page.inputValue('#adhesion-protocol')) !== 'test-suivi-prolonge') throw new Error('protocole choisi perdu après le refus');
      await page.selectOption('#adhesion-professional', { label: 'Dr Anne Durand (Médecin)' });
      await page.click('button:has-text("Ajouter l\u2019adhésion")');
      await expectText(page, '.ok', 'Adhésion ajoutée : Dr Anne Durand, délégant');
      await expectText(page, '.ok', 'reste à régler : assurance non déclarée ; engagement non signé');
      const durand = () => team.locator('table', { has: page.locator('caption', { hasText: 'Adhésions de Dr Anne Durand' }) })
        .locator('tr', { hasText: suivi });
      await cell(durand(), 'Assurance non déclarée ; engagement non signé.');
      await durand().locator('button:has-text("Déclarer")').click();
      const form = team.locator('form', { has: page.locator('h4', { hasText: 'Assurance et engagement — Dr Anne Durand' }) });
      await form.waitFor({ timeout: 5000 });
      const insurer = form.locator('input[name=insurer]');
      const insurance = form.locator('input[name=insurance_date]');
      const engagement = form.locator('input[name=engagement_date]');
      await insurer.fill('MACSF');
      await insurance.fill('2026-11-26');
      await engagement.fill('2026-11-20');
      await form.locator('button:has-text("Enregistrer les déclarations")').click();
      await form.locator('.field:has(input[name=insurance_date]) .error',
        { hasText: 'La date ne peut pas être postérieure à aujourd\u2019hui (25/11/2026).' }).waitFor({ timeout: 5000 });
      if ((await insurer.inputValue()) !== 'MACSF') throw new Error('assureur saisi perdu après le refus');
      if ((await engagement.inputValue()) !== '2026-11-20') throw new Error('date d\u2019engagement perdue après le refus');
      if ((await insurance.getAttribute('aria-invalid')) !== 'true') throw new Error('le champ refusé n\u2019est pas signalé');
      await accessible(page, '31-coordination-declarations-refusees');
      await insurance.fill('2026-11-20');
      await form.locator('button:has-text("Enregistrer les déclarations")').click();
      await expectText(page, '.ok', `Déclarations enregistrées pour Dr Anne Durand (${suivi}`);
      await expectText(page, '.ok', 'adhésion en règle');
      await cell(durand(), 'En règle');
      await accessible(page, '32-coordination-equipe');
    }],

    ['coordination : un protocole suspendu (raison exigée) puis repris', async (page) => {
      await signIn(page, 'coordination');
      const protocols = section(page, 'Protocoles');
      const row = () => protocols.locator('tr', { hasText: 'Odynophagie' });
      try {
        await cell(row(), 'Adopté, appliqué');
        await page.click(`button[aria-label="Suspendre : ${odynophagie}"]`);
        await expectText(page, 'h3', `Suspendre « ${odynophagie} »`);
        await page.click('button:has-text("Suspendre le protocole")');
        await expectText(page, '.field:has(#suspend-reason) .error', 'Indiquez la raison de la suspension.');
        if ((await page.getAttribute('#suspend-reason', 'aria-invalid')) !== 'true') throw new Error('le champ raison n\u2019est pas signalé');
        await accessible(page, '33-coordination-suspension-refusee');
        await page.fill('#suspend-reason', 'Rupture de stock des tests rapides d\u2019angine');
        await page.click('button:has-text("Suspendre le protocole")');
        await expectText(page, '#coord-status', `Protocole « ${odynophagie} » suspendu : Rupture de stock des tests rapides d\u2019angine`);
        await cell(row(), 'Suspendu : Rupture de stock des tests rapides d\u2019angine');
        await accessible(page, '34-coordination-protocole-suspendu');
        await page.click(`button[aria-label="Reprendre : ${odynophagie}"]`);
        await expectText(page, '#coord-status', `Protocole « ${odynophagie} » repris : il s\u2019applique de nouveau.`);
        await cell(row(), 'Adopté, appliqué (version du 18/06/2024)');
      } finally {
        // whatever happened above, the files that follow need every protocol active
        const call = await apiAs('coordination');
        const items = (await call('GET', '/api/v1/protocols')).items;
        for (const p of items.filter((x) => x.adopted && x.status !== 'active'))
          await call('POST', `/api/v1/protocols/${p.id}/resume`, {});
      }
      const items = (await (await apiAs('coordination'))('GET', '/api/v1/protocols')).items;
      const wrong = items.filter((p) => p.adoptable && (!p.adopted || p.status !== 'active')).map((p) => p.id);
      if (wrong.length) throw new Error(`protocoles non actifs après le scénario : ${wrong.join(', ')}`);
    }],

    ['coordination : journal d\u2019audit filtré, page par page, filtre refusé', async (page) => {
      await signIn(page, 'coordination');
      await page.click('button:has-text("Ouvrir le journal d\u2019audit")');
      await expectText(page, 'h1', 'Journal d\u2019audit');
      await expectText(page, '#audit-status', 'enregistrements affichés');
      const rows = page.locator('main table tbody tr');
      await expectText(page, 'main td', 'Connexion');
      await expectText(page, 'main td', 'Sophie Leroy, coordinatrice');
      if ((await rows.count()) !== 50) throw new Error(`première page : ${await rows.count()} lignes au lieu de 50`);
      await accessible(page, '35-coordination-journal');
      // older records, below the first page
      await page.click('button:has-text("Plus anciens")');
      await page.waitForFunction(() => document.querySelectorAll('main table tbody tr').length > 50);
      await expectText(page, '#audit-status', 'enregistrements affichés');

      // the patients created by the secretariat (10-secretariat, 20-delegue)
      await page.selectOption('#audit-entity', 'patient');
      await page.selectOption('#audit-action', 'create');
      await page.click('button:has-text("Afficher")');
      await page.waitForFunction(() => {
        const cells = [...document.querySelectorAll('main table tbody tr td:nth-child(4)')];
        return cells.length > 0 && cells.every((td) => td.textContent === 'Patient');
      });
      const actions = await page.locator('main table tbody tr td:nth-child(3)').allTextContents();
      if (!actions.every((a) => a === 'Création')) throw new Error(`actions hors filtre : ${actions.join(', ')}`);
      await expectText(page, 'main td', 'Accueil (secrétariat)');
      await accessible(page, '36-coordination-journal-filtre');

      // the suspension and resumption of the previous scenario, by the coordinator
      await page.selectOption('#audit-entity', '');
      await page.selectOption('#audit-action', 'suspend');
      await page.selectOption('#audit-account', { label: 'Sophie Leroy, coordinatrice (coordination)' });
      await page.fill('#audit-from', '2026-11-25');
      await page.fill('#audit-to', '2026-11-25');
      await page.click('button:has-text("Afficher")');
      await expectText(page, 'main td', 'Protocole suspendu');
      await expectText(page, 'main td', 'Protocole de la structure');
      if ((await rows.count()) !== 1) throw new Error(`suspensions : ${await rows.count()} lignes au lieu de 1`);

      // a start after the end: refused next to the start date, the filters kept
      await page.fill('#audit-from', '2026-11-26');
      await page.click('button:has-text("Afficher")');
      await expectText(page, '.field:has(#audit-from) .error', 'La date de début est postérieure à la date de fin.');
      if ((await page.getAttribute('#audit-from', 'aria-invalid')) !== 'true') throw new Error('le champ « Du » n\u2019est pas signalé');
      if ((await page.inputValue('#audit-to')) !== '2026-11-25') throw new Error('date de fin perdue après le refus');
      if ((await page.inputValue('#audit-action')) !== 'suspend') throw new Error('action choisie perdue après le refus');
      await expectText(page, 'main td', 'Protocole suspendu');
      await accessible(page, '37-coordination-journal-filtre-refuse');
      // every record on a tablet, without scrolling sideways
      await page.setViewportSize({ width: 768, height: 1024 });
      await page.selectOption('#audit-action', '');
      await page.selectOption('#audit-account', '');
      await page.fill('#audit-from', '');
      await page.fill('#audit-to', '');
      await page.click('button:has-text("Afficher")');
      await page.waitForFunction(() => document.querySelectorAll('main table tbody tr').length === 50);
      const over = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      if (over > 0) throw new Error(`journal d\u2019audit : ${over} px de trop en largeur sur une tablette`);
      await accessible(page, '38-coordination-journal-tablette');
      await page.click('button:has-text("Retour au tableau de bord")');
      await expectText(page, 'h1', 'Tableau de bord');
    }],
  ];
};

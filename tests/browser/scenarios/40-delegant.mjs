// 40-delegant.mjs — browser scenarios of the délégant (Dr Anne Durand): the patient reoriented to
// her by the délégué (20-delegue: GARNIER LEA, sent to emergency services today) and its
// revoyure; the validation of infirmiere2's training (a future date refused in plain French,
// next to the field, nothing typed lost); reading then signing the template prescriptions of
// test-suivi-prolonge (refused until the reading is confirmed); signing the demo's unsigned
// rhinoconjonctivite by completing its open lines (a duration out of the file's bounds refused);
// adding then deleting a slot of availability.
//
// The server counts sign-ins per address (and its clock is fixed for the run): the délégant signs
// in once and the later scenarios reuse her session cookie.
export default ({ base, accessible, expectText, signIn, apiAs }) => {
  const section = (page, title) => page.locator('section.card', { has: page.locator('h2', { hasText: title }) });
  let cookies = null;
  const asMedecin = async (page) => {
    if (!cookies) {
      await signIn(page, 'medecin');
      cookies = await page.context().cookies();
      return;
    }
    await page.context().addCookies(cookies);
    await page.goto(base + '/');
    await expectText(page, 'h1', 'Tableau de bord');
  };
  const getJson = async (page, path) => {
    const r = await page.request.get(base + path);
    if (!r.ok()) throw new Error(`GET ${path} → ${r.status()}`);
    return r.json();
  };
  return [
    ['délégant : patient réorienté vers moi et revoyure du jour', async (page) => {
      await asMedecin(page);
      const reoriented = section(page, 'Patients réorientés');
      const row = reoriented.locator('tr', { hasText: 'GARNIER LEA' });
      await row.first().waitFor({ timeout: 5000 });
      if (!(await row.first().locator('td', { hasText: 'Urgence : appeler le 15' }).count()))
        throw new Error('urgence absente de la ligne de GARNIER LEA');
      const due = section(page, 'Revoyures à faire').locator('tr', { hasText: 'GARNIER LEA' });
      if (!(await due.count())) throw new Error('GARNIER LEA absente des revoyures à faire');
      await expectText(page, 'section.card td', 'aujourd\u2019hui ou demain');
      await accessible(page, '40-delegant-tableau-de-bord');
      await due.first().locator('button:has-text("Ouvrir")').click();
      await expectText(page, 'h2', 'Réorientation vers le médecin');
      await expectText(page, 'h3', 'Revoyure par le délégant');
      await page.fill('#revoyure-note', 'Patiente rappelée : vue aux urgences, pyélonéphrite confirmée.');
      await page.click('button:has-text("Enregistrer la revoyure")');
      await expectText(page, 'p', 'Revoyure faite par Dr Anne Durand le 25/11/2026');
      await expectText(page, 'ol.history li', 'Revoyure par le délégant');
      await accessible(page, '41-delegant-revoyure');
      await page.click('button:has-text("Retour au tableau de bord")');
      await expectText(page, 'h1', 'Tableau de bord');
      await section(page, 'Revoyures à faire').waitFor();
      if (await section(page, 'Revoyures à faire').locator('tr', { hasText: 'GARNIER LEA' }).count())
        throw new Error('la revoyure faite reste dans « Revoyures à faire »');
      if (!(await section(page, 'Patients réorientés').locator('tr', { hasText: 'GARNIER LEA' })
        .locator('td', { hasText: /^faite$/ }).count()))
        throw new Error('la revoyure faite n\u2019apparaît pas chez les patients réorientés');
    }],

    ['délégant : formation d\u2019un délégué validée (date future refusée)', async (page) => {
      await asMedecin(page);
      const form = section(page, 'Formations à valider')
        .locator('form', { has: page.locator('h3', { hasText: 'Lucie Petit' }) });
      await form.waitFor({ timeout: 5000 });
      await expectText(page, 'form h3', 'Pollakiurie');
      const date = form.locator('input[name=date]');
      const hours = form.locator('input[name=hours]');
      const submit = form.locator('button:has-text("Valider la formation")');
      await date.fill('2026-11-26');
      await hours.fill('7,5');
      await submit.click();
      await form.locator('.field:has(input[name=date]) .error', { hasText: 'La formation ne peut pas être validée à une date future.' })
        .waitFor({ timeout: 5000 });
      if ((await hours.inputValue()) !== '7,5') throw new Error('durée saisie perdue après le refus');
      if ((await date.inputValue()) !== '2026-11-26') throw new Error('date saisie perdue après le refus');
      if ((await date.getAttribute('aria-invalid')) !== 'true') throw new Error('le champ refusé n\u2019est pas signalé');
      await accessible(page, '42-delegant-formation-refusee');
      await hours.fill('sept');
      await date.fill('2026-11-20');
      await submit.click();
      await form.locator('.field:has(input[name=hours]) .error', { hasText: 'Durée illisible' }).waitFor({ timeout: 5000 });
      await hours.fill('7,5');
      await submit.click();
      await expectText(page, '.ok', 'Formation de Lucie Petit validée (20/11/2026, 7,5 h).');
      await accessible(page, '43-delegant-formation-validee');
      // the délégué's adhesion is now in good standing
      const ad = (await getJson(page, '/api/v1/adhesions')).items
        .find((a) => a.professional === 'Petit' && a.protocol_id === 'snp-cystite' && a.role === 'delegue');
      if (!ad || !ad.training || ad.training.hours !== 7.5 || ad.training.date !== '2026-11-20' || !ad.check.ok)
        throw new Error(`adhésion de Lucie Petit : ${JSON.stringify(ad)}`);
    }],

    ['délégant : lecture et signature des modèles d\u2019ordonnance', async (page) => {
      await asMedecin(page);
      // 30-coordination adopts test-suivi-prolonge; when this file runs without it, the
      // coordination adopts it here and makes Dr Durand its délégant
      const proto = (await getJson(page, '/api/v1/protocols')).items.find((p) => p.id === 'test-suivi-prolonge');
      const me = await getJson(page, '/api/v1/session');
      const delegant = (await getJson(page, '/api/v1/adhesions')).items.some((a) =>
        a.professional_id === me.professional_id && a.protocol_id === 'test-suivi-prolonge' && a.role === 'delegant');
      if (!proto.adopted || !delegant) {
        const coordination = await apiAs('coordination');
        if (!proto.adopted) await coordination('POST', '/api/v1/protocols/test-suivi-prolonge/adopt', {});
        if (!delegant)
          await coordination('POST', '/api/v1/adhesions', { professional_id: me.professional_id,
            protocol_id: 'test-suivi-prolonge', role: 'delegant', effective_from: '2026-11-25',
            insurer: 'Assureur de démonstration', insurance_date: '2026-11-25', engagement_date: '2026-11-25' });
        await page.reload();
        await expectText(page, 'h1', 'Tableau de bord');
      }
      const row = section(page, 'Modèles d\u2019ordonnance à signer').locator('tr', { hasText: 'Protocole de test à suivi prolongé' });
      await row.waitFor({ timeout: 5000 });
      await row.locator('button:has-text("Lire et signer")').click();
      await expectText(page, 'h1', 'Modèles d\u2019ordonnance — Protocole de test à suivi prolongé');
      await expectText(page, 'h2', 'Les ordonnances types');
      await page.click('button:has-text("Signer les modèles")');
      await expectText(page, '.field .error', 'Cochez « J\u2019ai lu le protocole et les modèles d\u2019ordonnance » avant de signer.');
      await accessible(page, '44-delegant-signature-refusee');
      await page.check('#sign-read');
      await page.click('button:has-text("Signer les modèles")');
      await expectText(page, 'h1', 'Modèles d\u2019ordonnance signés');
      await expectText(page, '.ok', 'Protocole de test à suivi prolongé');
      await accessible(page, '45-delegant-signature');
      await page.click('button:has-text("Retour au tableau de bord")');
      await expectText(page, 'section.card li', 'Protocole de test à suivi prolongé (tests de l\'API uniquement) — signés par Dr Anne Durand le 25/11/2026 à 10:00');
      if (await section(page, 'Modèles d\u2019ordonnance à signer').locator('tr', { hasText: 'Protocole de test' }).count())
        throw new Error('le protocole signé reste à signer');
    }],

    ['délégant : la rhinoconjonctivite se signe en complétant molécule, posologie et durée', async (page) => {
      await asMedecin(page);
      const row = section(page, 'Modèles d\u2019ordonnance à signer').locator('tr', { hasText: 'Rhinoconjonctivite' });
      await row.waitFor({ timeout: 5000 });
      // the version said by its date, never by its internal code
      const cells = await row.textContent();
      if (!/en vigueur depuis le \d\d\/\d\d\/\d{4}/.test(cells) || /\d{4}-[a-z]/.test(cells))
        throw new Error(`version des modèles à signer mal dite : ${cells}`);
      await row.locator('button:has-text("Lire et signer")').click();
      await expectText(page, 'h2', 'Les ordonnances types');
      await expectText(page, '.signer-note', 'Note pour le délégant signataire : Choisir la molécule renouvelée');
      await page.check('#sign-read');
      await page.click('button:has-text("Signer les modèles")');
      await expectText(page, 'form .error', 'choisissez la molécule');
      // antihistaminique : molécule et durée ; béclométasone : pulvérisations et durée ;
      // association : durée ; cromone : prises et durée ; collyre : molécule, prises et durée
      await page.selectOption('#sign-0-substance', 'cétirizine');
      await page.fill('#sign-0-duration', '60');
      await page.fill('#sign-1-dose', '2');
      await page.fill('#sign-1-duration', '28');
      await page.fill('#sign-2-duration', '28');
      await page.fill('#sign-3-doses-per-day', '4');
      await page.fill('#sign-3-duration', '28');
      await page.selectOption('#sign-4-substance', 'cromoglicate de sodium à 2 %');
      await page.fill('#sign-4-doses-per-day', '4');
      await page.fill('#sign-4-duration', '28');
      await page.click('button:has-text("Signer les modèles")');
      await expectText(page, 'form .error', 'entre 7 et 28');
      await page.fill('#sign-0-duration', '28');
      await page.click('button:has-text("Signer les modèles")');
      await expectText(page, 'h1', 'Modèles d\u2019ordonnance signés');
      const doc = await getJson(page, '/api/v1/protocols/snp-rhinoconjonctivite/signature');
      const first = (doc.completions || []).find((c) => c.line === 'renouvellement_traitement#1');
      if (!doc.signed || !first || first.substance !== 'cétirizine' || first.duration_days !== 28)
        throw new Error(`signature de la rhinoconjonctivite : ${JSON.stringify(doc.completions)}`);
    }],

    ['délégant : un créneau de disponibilité ajouté puis supprimé', async (page) => {
      await asMedecin(page);
      const slots = section(page, 'Mes disponibilités');
      await expectText(page, 'section.card li', 'mercredi 08:00–19:00 — 01 23 45 67 01');
      await page.selectOption('#avail-weekday', { label: 'samedi' });
      await page.fill('#avail-start', '12:00');
      await page.fill('#avail-end', '09:00');
      await page.click('button:has-text("Ajouter le créneau")');
      await expectText(page, '.field:has(#avail-end) .error', 'La fin du créneau doit suivre son début.');
      if ((await page.inputValue('#avail-start')) !== '12:00') throw new Error('début saisi perdu après le refus');
      await page.fill('#avail-start', '09:00');
      await page.fill('#avail-end', '12:30');
      await page.fill('#avail-how', '06 12 34 56 78 (portable)');
      await page.click('button:has-text("Ajouter le créneau")');
      await expectText(page, '.ok', 'Créneau ajouté : samedi 09:00–12:30.');
      await expectText(page, 'section.card li', 'samedi 09:00–12:30 — 06 12 34 56 78 (portable)');
      await accessible(page, '46-delegant-disponibilites');
      await slots.locator('button[aria-label="Supprimer le créneau du samedi 09:00–12:30"]').click();
      await expectText(page, '.ok', 'Créneau du samedi 09:00–12:30 supprimé.');
      if (await slots.locator('li', { hasText: 'samedi' }).count()) throw new Error('le créneau supprimé reste affiché');
      await expectText(page, 'section.card li', 'mercredi 08:00–19:00');
    }],
  ];
};

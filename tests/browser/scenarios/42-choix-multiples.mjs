// 42-choix-multiples.mjs — browser scenario: a question with several answers (the
// rhinoconjonctivite's "treatments to renew") is asked with one box per choice and « Aucune »,
// so the délégué can include the patient from the screen (no dead end), and « Aucune » is an
// answer that sends the patient to the physician. Signs the rhinoconjonctivite's templates
// first when an earlier scenario has not (the demo leaves them unsigned).
export default ({ base, expectText, signIn, consentedEpisode, apiAs, accessible }) => [
  ['délégué : une question à plusieurs réponses se coche (rhinoconjonctivite), « Aucune » réoriente', async (page) => {
    const medecin = await apiAs('medecin');
    const protocols = (await medecin('GET', '/api/v1/protocols')).items;
    if (!protocols.find((p) => p.id === 'snp-rhinoconjonctivite').signed) {
      await medecin('POST', '/api/v1/protocols/snp-rhinoconjonctivite/sign', { completions: [
        { line: 'renouvellement_traitement#1', substance: 'cétirizine', duration_days: 28 },
        { line: 'renouvellement_traitement#2', dose: 2, duration_days: 28 },
        { line: 'renouvellement_traitement#3', duration_days: 28 },
        { line: 'renouvellement_traitement#4', doses_per_day: 4, duration_days: 28 },
        { line: 'renouvellement_traitement#5', substance: 'cromoglicate de sodium à 2 %', doses_per_day: 4, duration_days: 28 }] });
    }
    const ep = await consentedEpisode('Graminee', 'Rose', '1994-04-12', 'snp-rhinoconjonctivite');
    const nurse = await apiAs('infirmiere');
    let cur = await nurse('POST', `/api/v1/episodes/${ep.id}/actions/start_assessment`, { version: ep.version });
    // everything but the treatments to renew, answered beforehand
    cur = await nurse('PUT', `/api/v1/episodes/${ep.id}/answers`, { version: cur.version, answers: {
      consentement: true, diagnostic_medical_anterieur: true, ordonnance_anterieure: true, recidive_saisonniere: true,
      gene_respiratoire: false, douleur_oculaire_ou_baisse_vision: false, grossesse: false,
      soulagement_insuffisant: false, symptomes_invalidants: false, rhinorrhee_claire_unilaterale: false,
      symptomes_unilateraux: false, anosmie: false, croutes_ou_epistaxis: false, fievre: false,
      ecoulement_purulent: false } });

    await signIn(page, 'infirmiere');
    await page.goto(`${base}/#/prise-en-charge/${ep.id}`);
    const group = page.locator('fieldset#traitements_a_renouveler');
    await group.waitFor({ state: 'visible', timeout: 5000 });
    if (await group.locator('input[type=checkbox]').count() < 6)
      throw new Error('la question à plusieurs réponses n\u2019a pas une case par classe et « Aucune »');
    await accessible(page, '42-choix-multiples');
    // « Aucune »: an answer, and the patient goes to the physician
    await group.locator('label', { hasText: 'Aucune' }).locator('input').check();
    await page.click('button:has-text("Enregistrer et évaluer")');
    await expectText(page, '.urgency .urgency-headline', 'Médecin');
    // one class ticked: the comparison with the signed template follows, then the inclusion
    await group.locator('label', { hasText: 'Aucune' }).locator('input').uncheck();
    await group.locator('input[value=antihistaminique_oral]').check();
    await page.click('button:has-text("Enregistrer et évaluer")');
    const compare = page.locator('fieldset#ordonnance_differente_du_modele');
    await compare.waitFor({ state: 'visible', timeout: 5000 });
    await compare.locator('input[value=false]').check();
    await page.click('button:has-text("Enregistrer et évaluer")');
    await expectText(page, 'body', 'cétirizine');
    const stored = await nurse('GET', `/api/v1/episodes/${ep.id}`);
    const answer = stored.data.answers.traitements_a_renouveler;
    if (!Array.isArray(answer) || answer.join() !== 'antihistaminique_oral')
      throw new Error(`réponse enregistrée inattendue : ${JSON.stringify(answer)}`);
  }],
];

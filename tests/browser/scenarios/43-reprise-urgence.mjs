// 43-reprise-urgence.mjs — browser scenario: a request left at orientation after answers that
// send the patient to the emergency services is resumed from its address: the emergency is said
// at once, with "Orienter vers le médecin"; cancelling it is refused with the reason said. An
// exclusion known at orientation (pregnancy possible: same day) does not hide the red flags not
// yet asked (fever: emergency): the secretary is told to ask them before orienting.
export default ({ base, expectText, signIn, apiAs, accessible }) => [
  ['secrétariat : une demande reprise dit aussitôt son urgence ; elle ne s\u2019annule pas', async (page) => {
    const desk = await apiAs('accueil');
    const patient = await desk('POST', '/api/v1/patients', { birth_name: 'Reprise', first_names: 'Noemie',
      birth_date: '1992-08-19', sex: 'female' });
    let ep = await desk('POST', '/api/v1/episodes', { patient_id: patient.id, protocol_id: 'snp-cystite' });
    ep = await desk('PUT', `/api/v1/episodes/${ep.id}/answers`, { version: ep.version,
      answers: { symptomes_urinaires: true, fievre_frissons_signales: true, signes_digestifs: true } });
    await signIn(page, 'accueil');
    await page.goto(`${base}/#/nouvelle-demande/orientation/${ep.id}`);
    await expectText(page, '.urgency-emergency .urgency-headline', 'Urgence : appeler le 15');
    await accessible(page, '43-reprise-urgence');
    // cancelling is refused, and why is said
    await page.fill(`#cancel-reason-${ep.id}`, 'la patiente est repartie');
    await page.click('button:has-text("Annuler la demande")');
    await expectText(page, '.error', 'ne peut pas être annulée');
    await page.click('button:has-text("Orienter vers le médecin")');
    await expectText(page, '.notice', 'Orientation vers le médecin enregistrée');
    const after = await desk('GET', `/api/v1/episodes/${ep.id}`);
    if (after.state !== 'usual_care') throw new Error(`état inattendu : ${after.state}`);
  }],
  ['secrétariat : une exclusion « jour même » n\u2019empêche pas de poser le signe d\u2019alerte plus urgent', async (page) => {
    const desk = await apiAs('accueil');
    await desk('POST', '/api/v1/patients', { birth_name: 'Alerte', first_names: 'Clemence',
      birth_date: '1993-05-21', sex: 'female' });
    await signIn(page, 'accueil');
    await page.click('button:has-text("Nouvelle demande")');
    await page.fill('#search-name', 'Alerte');
    await page.click('button:has-text("Rechercher")');
    await page.locator('button:has-text("Choisir")').first().click();
    await page.selectOption('#protocol_id', 'snp-cystite');
    await page.click('button:has-text("Poser les questions")');
    await page.check('input[name=symptomes_urinaires][value=true]');
    await page.check('input[name=grossesse_possible][value=true]');
    await page.click('button:has-text("Enregistrer les réponses")');
    await expectText(page, '.urgency-physician_same_day .urgency-headline', 'Médecin le jour même');
    await expectText(page, '.urgency-reason', "un signe d'alerte plus urgent reste à vérifier");
    await expectText(page, '.warning', 'Avant d\u2019orienter, posez aussi ces questions');
    await expectText(page, '.warning li', 'Fièvre');
    await expectText(page, 'p', 'la patiente relève de son médecin');
    // the fever asked: the emergency shows
    await page.check('input[name=fievre_frissons_signales][value=true]');
    await page.click('button:has-text("Enregistrer les réponses")');
    await expectText(page, '.urgency-emergency .urgency-headline', 'Urgence : appeler le 15');
  }],
];

// 20-delegue.mjs — browser scenarios of the délégué: an untrained délégué is told why before
// starting; the assessment, decision, prescription and closing; a red flag sending the patient
// to emergency services.
export default ({ base, accessible, expectText, consentedEpisode, artefacts }) => [
  ['délégué : refus sans formation, puis évaluation, décision et ordonnance', async (page) => {
    // the patient consented in the previous scenario (same database)
    await page.goto(base + '/');
    await page.fill('#login', 'infirmiere2');
    await page.fill('#password', 'demo-infirmiere2-2026');
    await page.click('button:has-text("Se connecter")');
    await expectText(page, 'h1', 'Tableau de bord');
    await page.click('button:has-text("Ouvrir")');
    await expectText(page, 'h2', 'Avant l\u2019évaluation');
    await expectText(page, '.error', 'formation non validée');
    await expectText(page, 'td', 'Dr Anne Durand');
    if (await page.locator('button:has-text("Commencer l\u2019évaluation")').count())
      throw new Error('le bouton Commencer est proposé à un délégué non formé');
    await accessible(page, '20-refus-formation');
    await page.click('#logout');
    await page.fill('#login', 'infirmiere');
    await page.fill('#password', 'demo-infirmiere-2026');
    await page.click('button:has-text("Se connecter")');
    await page.click('button:has-text("Ouvrir")');
    await expectText(page, '.ok', 'Délégant joignable maintenant : Dr Anne Durand');
    await accessible(page, '21-avant-evaluation');
    await page.click('button:has-text("Commencer l\u2019évaluation")');
    await expectText(page, 'h2', 'Examen');
    const yes = ['recueil_fiable'];
    const no = ['douleur_fosse_lombaire', 'anomalie_voies_urinaires', 'immunodepression_severe',
      'insuffisance_renale_severe', 'infection_urinaire_15_jours', 'leucorrhees_prurit',
      'contre_indication_fosfomycine'];
    for (const q of yes) await page.check(`input[name=${q}][value=true]`);
    if (await page.locator('fieldset#contre_indication_pivmecillinam').isVisible())
      throw new Error('une question conditionnelle est montrée avant de s\u2019appliquer');
    // a contraindication to fosfomycin makes the pivmecillinam question apply, and only then
    await page.check('input[name=contre_indication_fosfomycine][value=true]');
    await page.click('button:has-text("Enregistrer et évaluer")');
    await page.locator('fieldset#contre_indication_pivmecillinam').waitFor({ state: 'visible', timeout: 5000 });
    await expectText(page, 'li', 'Allergie ou contre-indication au pivmécillinam');
    for (const q of no) await page.check(`input[name=${q}][value=false]`);
    await page.fill('#q-temperature', '37,2');
    await page.fill('#q-episodes_12_mois', '1');
    await page.selectOption('#q-bandelette_urinaire', 'positive');
    await page.click('button:has-text("Enregistrer et évaluer")');
    await expectText(page, '.notice', 'inclus');
    await page.locator('fieldset#contre_indication_pivmecillinam').waitFor({ state: 'hidden', timeout: 5000 });
    await accessible(page, '22-evaluation');
    await page.click('button:has-text("Enregistrer la décision")');
    await expectText(page, 'h2', 'Prise en charge dans le protocole');
    await expectText(page, 'li', 'fosfomycine');
    await accessible(page, '23-decision');
    await page.click('button:has-text("Voir l\u2019ordonnance à imprimer")');
    await expectText(page, 'article.sheet h2', 'Ordonnance');
    await expectText(page, 'article.sheet', 'LEFEBVRE CAMILLE');
    await expectText(page, 'article.sheet', 'Le 25/11/2026');
    await expectText(page, 'article.sheet li', 'fosfomycine');
    await expectText(page, 'article.sheet', 'selon le modèle signé par Dr Anne Durand');
    await accessible(page, '24-ordonnance-imprimable');
    await page.emulateMedia({ media: 'print' });
    if (await page.locator('button:has-text("Imprimer")').isVisible())
      throw new Error('les boutons apparaissent à l\u2019impression');
    await page.screenshot({ path: `${artefacts}/25-ordonnance-impression.png`, fullPage: true });
    await page.emulateMedia({ media: 'screen' });
    await page.click('button:has-text("Retour à la prise en charge")');
    await page.click('button:has-text("Clore la prise en charge")');
    await expectText(page, '.notice', 'Clôturé');
    await expectText(page, 'ol.history li', 'Décision enregistrée');
    await expectText(page, 'ol.history li', 'Prise en charge close');
    await accessible(page, '26-historique');
  }],
  ['délégué : une fièvre à 39,1 °C (signe d\u2019alerte) renvoie vers les urgences', async (page) => {
    await consentedEpisode('Garnier', 'Lea', '1993-02-02');
    await page.goto(base + '/');
    await page.fill('#login', 'infirmiere');
    await page.fill('#password', 'demo-infirmiere-2026');
    await page.click('button:has-text("Se connecter")');
    await page.locator('tr', { hasText: 'GARNIER LEA' }).locator('button:has-text("Ouvrir")').first().click();
    await page.click('button:has-text("Commencer l\u2019évaluation")');
    await expectText(page, 'h2', 'Examen');
    await page.check('input[name=recueil_fiable][value=true]');
    await page.fill('#q-temperature', '39.1');
    await page.click('button:has-text("Enregistrer et évaluer")');
    await expectText(page, '.warning', 'exclu');
    await expectText(page, 'h3', 'Délégant à appeler');
    if ((await page.inputValue('#delegant_called_id')) === '') throw new Error('le délégant joignable n\u2019est pas proposé');
    await page.click('button:has-text("Enregistrer la décision")');
    await expectText(page, 'h2', 'Réorientation vers le médecin');
    await expectText(page, '.urgency-emergency', 'Urgence : appeler le 15');
    await expectText(page, 'p', 'Délégant appelé : Dr Anne Durand');
    await accessible(page, '30-signe-alerte');
  }],
];

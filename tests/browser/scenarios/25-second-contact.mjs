// 25-second-contact.mjs — browser scenario of a physiotherapist délégué: a low-back pain patient
// included in the protocol (set up through the API), the second contact planned in the
// protocol's window (a date outside it refused in plain French), then the first consultation
// closed while the second contact stays pending.
export default ({ accessible, expectText, signIn, consentedEpisode, apiAs }) => [
  ['kinésithérapeute : second contact planifié dans la fenêtre du protocole', async (page) => {
    const ep = await consentedEpisode('Roussel', 'Marie', '1985-09-10', 'snp-lombalgie');
    const kine = await apiAs('kine');
    let e = await kine('POST', `/api/v1/episodes/${ep.id}/actions/start_assessment`, { version: ep.version });
    e = await kine('PUT', `/api/v1/episodes/${ep.id}/answers`, { version: e.version, answers: {
      consentement: true, douleur_lombaire: true, anciennete_douleur_jours: 5, traumatisme_recent: false,
      fievre: false, troubles_sphincteriens_perineaux: false, sciatique_hyperalgique: false, grossesse: false,
      deficit_moteur: false,
      douleur_non_mecanique: false, douleur_thoracique: false, antecedent_cancer: false,
      corticotherapie_prolongee: false, toxicomanie_immunodepression: false,
      alteration_etat_general: false, deformation_rachis: false, diagnostic_lombalgie_commune: true,
      contre_indication_ains: false } });
    await kine('POST', `/api/v1/episodes/${ep.id}/actions/record_decision`, { version: e.version });
    await signIn(page, 'kine');
    await page.locator('tr', { hasText: 'ROUSSEL MARIE' }).locator('button:has-text("Ouvrir")').first().click();
    await expectText(page, 'h2', 'Prise en charge dans le protocole');
    await expectText(page, 'h3', 'Second contact');
    await expectText(page, '.help', 'À faire entre le 09/12/2026 et le 23/12/2026.');
    await page.fill('#second-contact-date', '2026-12-01');
    await page.click('button:has-text("Planifier")');
    await expectText(page, '.error', 'entre le 09/12/2026 et le 23/12/2026');
    if ((await page.inputValue('#second-contact-date')) !== '2026-12-01') throw new Error('date saisie perdue après le refus');
    await accessible(page, '25-second-contact-refuse');
    await page.fill('#second-contact-date', '2026-12-14');
    await page.click('button:has-text("Planifier")');
    await expectText(page, '.notice', 'Prévu le 14/12/2026.');
    await expectText(page, 'ol.history li', 'Second contact planifié');
    await page.click('button:has-text("Clore la prise en charge")');
    await expectText(page, '.notice', 'Étape : Suivi');
    await accessible(page, '26-second-contact-planifie');
    await page.click('button:has-text("Retour au tableau de bord")');
    await expectText(page, 'td', 'second contact le 14/12/2026');
  }],
];

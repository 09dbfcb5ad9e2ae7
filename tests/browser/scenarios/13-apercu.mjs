// 13-apercu.mjs — browser scenarios: a conditional question appears as soon as the answer that
// enables it is given, and goes when it no longer applies, without any save button being
// clicked — at the secretary's orientation (ankle sprain "> 24 h", chickenpox fever) and during
// the délégué's assessment — while what is typed stays, the focus stays where it is, nothing
// is saved (the episode's version is unchanged) and leaving still asks first. Every episode it
// opens is cancelled or ends with its own délégué, so the later scenarios' queues are unchanged.
export default ({ base, accessible, expectText, signIn, apiAs }) => {
  const shown = async (page, selector, why) => {
    try {
      await page.locator(selector).waitFor({ state: 'visible', timeout: 5000 });
    } catch { throw new Error(why); }
  };
  const gone = async (page, selector, why) => {
    try {
      await page.locator(selector).waitFor({ state: 'hidden', timeout: 5000 });
    } catch { throw new Error(why); }
  };
  const noSaveButtonClicked = (page) => {
    const writes = [];
    page.on('request', (r) => {
      if (r.method() === 'PUT' || /\/actions\//.test(r.url())) writes.push(`${r.method()} ${r.url()}`);
    });
    return writes;
  };
  const startRequest = async (page, name, protocol) => {
    await page.click('button:has-text("Nouvelle demande")');
    await page.fill('#search-name', name);
    await page.click('button:has-text("Rechercher")');
    await page.locator('button:has-text("Choisir")').first().click();
    await page.selectOption('#protocol_id', protocol);
    await page.click('button:has-text("Poser les questions")');
    await expectText(page, 'h2', '3. Questions');
  };
  const episodeOf = async (call, name) => {
    const list = await call('GET', '/api/v1/episodes');
    const ep = list.items.find((e) => e.patient && e.patient.birth_name === name);
    if (!ep) throw new Error(`préparation : aucune demande pour ${name}`);
    return call('GET', `/api/v1/episodes/${ep.id}`);
  };
  return [
    ['aperçu : à l\u2019orientation, « oui » fait apparaître la question conditionnelle sans enregistrer, « non » la cache', async (page) => {
      const desk = await apiAs('accueil');
      await desk('POST', '/api/v1/patients', { birth_name: 'Clairet', first_names: 'Jules',
        birth_date: '1984-09-21', sex: 'male' });
      await desk('POST', '/api/v1/patients', { birth_name: 'Fauvel', first_names: 'Lina',
        birth_date: '2020-04-11', sex: 'female' });
      await signIn(page, 'accueil');
      const writes = noSaveButtonClicked(page);
      await startRequest(page, 'Clairet', 'snp-cheville');
      if (await page.locator('fieldset#appui_impossible_persistant').isVisible())
        throw new Error('la question sur l\u2019appui est montrée avant de s\u2019appliquer');
      await page.check('input[name=consentement][value=true]');
      await page.check('input[name=traumatisme_plus_de_24h][value=true]');
      await shown(page, 'fieldset#appui_impossible_persistant',
        '« plus de 24 h » : la question sur l\u2019appui n\u2019apparaît pas sans enregistrer');
      const focused = await page.evaluate(() => document.activeElement && `${document.activeElement.name}=${document.activeElement.value}`);
      if (focused !== 'traumatisme_plus_de_24h=true') throw new Error(`le focus a quitté la réponse donnée (${focused})`);
      if (!(await page.isChecked('input[name=consentement][value=true]'))) throw new Error('une réponse donnée est perdue');
      await accessible(page, '13-apercu-orientation');
      await page.check('input[name=traumatisme_plus_de_24h][value=false]');
      await gone(page, 'fieldset#appui_impossible_persistant', '« non » : la question sur l\u2019appui reste affichée');
      await page.check('input[name=traumatisme_plus_de_24h][value=true]');
      await shown(page, 'fieldset#appui_impossible_persistant', 'la question sur l\u2019appui ne revient pas');
      const previewed = page.waitForResponse((r) => r.url().endsWith('/preview'));
      await page.check('input[name=appui_impossible_persistant][value=unknown]');
      await previewed; // the screen's last change went to the preview, and was not saved
      if (writes.length) throw new Error(`une écriture a eu lieu sans clic sur Enregistrer : ${writes[0]}`);
      const ep = await episodeOf(desk, 'CLAIRET');
      if (ep.version !== 1 || Object.keys(ep.data.orientation_answers || {}).length)
        throw new Error('l\u2019aperçu a enregistré quelque chose');
      // nothing was saved: leaving still asks first
      let asked = 0;
      page.on('dialog', (d) => { asked++; d.dismiss(); });
      await page.click('button:has-text("Retour au tableau de bord")');
      await expectText(page, 'h2', '3. Questions');
      if (asked !== 1) throw new Error('quitter après l\u2019aperçu ne demande rien : les réponses seraient perdues');
      // the save still works and the question is kept on the screen
      await page.check('input[name=traumatisme_torsion_recent][value=true]');
      await page.check('input[name=plaie][value=false]');
      await page.check('input[name=polytraumatisme][value=false]');
      await page.click('button:has-text("Enregistrer les réponses")');
      await expectText(page, '.notice', 'le délégué posera la question restée sans réponse');
      await page.fill('input[name^=cancel-reason]', 'Scénario d\u2019aperçu terminé');
      await page.click('button:has-text("Annuler la demande")');
      await expectText(page, '.notice', 'Demande annulée');

      // chickenpox: "fièvre" brings "fièvre élevée ou persistante", and takes it away
      await page.click('button:has-text("Retour au tableau de bord")');
      await startRequest(page, 'Fauvel', 'snp-varicelle');
      writes.length = 0; // the saves above were asked for
      if (await page.locator('fieldset#fievre_elevee_ou_persistante').isVisible())
        throw new Error('la question sur la fièvre élevée est montrée sans fièvre');
      await page.check('input[name=fievre][value=true]');
      await shown(page, 'fieldset#fievre_elevee_ou_persistante', '« fièvre » : la question sur la fièvre élevée n\u2019apparaît pas');
      await page.check('input[name=fievre][value=false]');
      await gone(page, 'fieldset#fievre_elevee_ou_persistante', 'sans fièvre, la question sur la fièvre élevée reste affichée');
      // a quick change of mind: only the last answer counts, an earlier preview never wins
      const last = page.waitForResponse((r) => r.url().endsWith('/preview'));
      await page.check('input[name=fievre][value=true]');
      await page.check('input[name=fievre][value=false]');
      await last;
      await page.waitForTimeout(400);
      if (await page.locator('fieldset#fievre_elevee_ou_persistante').isVisible())
        throw new Error('après « oui » puis « non », la question sur la fièvre élevée est affichée');
      if (!(await page.isChecked('input[name=fievre][value=false]'))) throw new Error('la dernière réponse donnée est perdue');
      if (writes.length) throw new Error(`une écriture a eu lieu sans clic sur Enregistrer : ${writes[0]}`);
      await page.fill('input[name^=cancel-reason]', 'Scénario d\u2019aperçu terminé');
      await page.click('button:has-text("Annuler la demande")');
      await expectText(page, '.notice', 'Demande annulée');
    }],
    ['aperçu : pendant l\u2019examen, le délégué voit la question conditionnelle apparaître et disparaître sans enregistrer', async (page) => {
      const desk = await apiAs('accueil');
      const patient = await desk('POST', '/api/v1/patients', { birth_name: 'Marchal', first_names: 'Marc',
        birth_date: '1979-01-30', sex: 'male' });
      let ep = await desk('POST', '/api/v1/episodes', { patient_id: patient.id, protocol_id: 'snp-cheville' });
      ep = await desk('PUT', `/api/v1/episodes/${ep.id}/answers`, { version: ep.version, answers: {
        consentement: true, traumatisme_torsion_recent: true, traumatisme_plus_de_24h: false,
        plaie: false, polytraumatisme: false } });
      ep = await desk('POST', `/api/v1/episodes/${ep.id}/actions/propose`, { version: ep.version });
      ep = await desk('POST', `/api/v1/episodes/${ep.id}/actions/record_consent_given`, { version: ep.version, how: 'oral' });
      await signIn(page, 'kine');
      await page.click(`button[aria-label="Ouvrir la prise en charge n° ${ep.id}"]`);
      await page.click('button:has-text("Commencer l\u2019évaluation")');
      await expectText(page, 'h2', 'Examen');
      const writes = noSaveButtonClicked(page);
      if (await page.locator('fieldset#appui_impossible_persistant').isVisible())
        throw new Error('la question sur l\u2019appui est montrée avant de s\u2019appliquer');
      await page.check('input[name=deformation_perte_axe][value=false]');
      await page.check('input[name=traumatisme_plus_de_24h][value=true]');
      await shown(page, 'fieldset#appui_impossible_persistant',
        '« plus de 24 h » : la question sur l\u2019appui n\u2019apparaît pas à l\u2019examen sans enregistrer');
      if (!(await page.locator('fieldset#appui_impossible_persistant.next').count()))
        throw new Error('la question sur l\u2019appui n\u2019est pas signalée comme à poser');
      if (!(await page.isChecked('input[name=deformation_perte_axe][value=false]'))) throw new Error('une réponse donnée est perdue');
      await accessible(page, '13-apercu-examen');
      await page.check('input[name=traumatisme_plus_de_24h][value=false]');
      await gone(page, 'fieldset#appui_impossible_persistant', '« non » : la question sur l\u2019appui reste affichée à l\u2019examen');
      if (writes.length) throw new Error(`une écriture a eu lieu sans clic sur Enregistrer : ${writes[0]}`);
      const kine = await apiAs('kine');
      const now = await kine('GET', `/api/v1/episodes/${ep.id}`);
      if (now.version !== ep.version + 1 || now.data.answers.deformation_perte_axe !== undefined
        || now.data.answers.traumatisme_plus_de_24h !== false)
        throw new Error('l\u2019aperçu a enregistré quelque chose');
      // the délégué stops there: the patient goes back to a délégant
      await page.click('summary:has-text("Arrêter l\u2019évaluation")');
      await page.fill('#stop-reason', 'Scénario d\u2019aperçu terminé');
      await page.selectOption('#stop-urgency', 'physician_same_day');
      await page.click('button:has-text("Arrêter et réorienter")');
      await expectText(page, 'h2', 'Réorientation vers le médecin');
    }],
  ];
};

// 12-sans-impasse.mjs — browser scenarios: no patient can get stuck. The secretary's orientation
// shows a conditional question as soon as it applies (ankle sprain "> 24 h", chickenpox fever),
// an empty orientation cannot be proposed, "Ne sait pas" hands the question to the délégué, who
// sees it in the assessment and can stop the assessment (reorientation to a délégant); a second
// request for the same patient and protocol is refused naming the open one; a request left at
// orientation is resumed from the day's list, then cancelled. Every episode it opens ends final
// or with its own délégué, so the later scenarios' queues are unchanged.
export default ({ base, accessible, expectText, signIn, apiAs }) => {
  const visible = async (page, selector) => {
    await page.locator(selector).waitFor({ state: 'visible', timeout: 5000 });
  };
  const hidden = async (page, selector, why) => {
    if (await page.locator(selector).isVisible()) throw new Error(why);
  };
  // the secretary starts a new request for an existing patient, up to the orientation questions
  const startRequest = async (page, name, protocol) => {
    await page.click('button:has-text("Nouvelle demande")');
    await page.fill('#search-name', name);
    await page.click('button:has-text("Rechercher")');
    await page.locator('button:has-text("Choisir")').first().click();
    await page.selectOption('#protocol_id', protocol);
    await page.click('button:has-text("Poser les questions")');
  };
  return [
    ['sans impasse : orientation conditionnelle, « ne sait pas », le délégué pose la question puis arrête l\u2019évaluation', async (page) => {
      const desk = await apiAs('accueil');
      await desk('POST', '/api/v1/patients', { birth_name: 'Barbier', first_names: 'Hugo',
        birth_date: '1985-03-08', sex: 'male' });
      await signIn(page, 'accueil');
      await startRequest(page, 'Barbier', 'snp-cheville');
      await expectText(page, 'h2', '3. Questions');
      await hidden(page, 'fieldset#appui_impossible_persistant', 'la question conditionnelle est montrée avant de s\u2019appliquer');
      // an empty orientation is not "nothing excludes the protocol"
      await page.click('button:has-text("Enregistrer les réponses")');
      await expectText(page, '.warning', 'Répondez à chaque question ou choisissez « Ne sait pas »');
      if (await page.locator('button:has-text("Proposer le protocole")').count())
        throw new Error('le protocole est proposable sans réponse d\u2019orientation');
      await page.check('input[name=consentement][value=true]');
      await page.check('input[name=traumatisme_torsion_recent][value=true]');
      await page.check('input[name=traumatisme_plus_de_24h][value=true]');
      await page.check('input[name=plaie][value=false]');
      await page.check('input[name=polytraumatisme][value=false]');
      await page.click('button:has-text("Enregistrer les réponses")');
      // "> 24 h": the follow-up question appears on the secretary's screen
      await visible(page, 'fieldset#appui_impossible_persistant');
      await expectText(page, '.warning', 'Nouvelle question');
      await expectText(page, '.warning li', 'appui');
      await accessible(page, '12-orientation-question-conditionnelle');
      await page.check('input[name=appui_impossible_persistant][value=unknown]');
      await page.click('button:has-text("Enregistrer les réponses")');
      await expectText(page, '.notice', 'le délégué posera la question restée sans réponse');
      await page.click('button:has-text("Proposer le protocole")');
      await expectText(page, 'h2', '4. Consentement');
      await page.click('button:has-text("Consentement donné")');
      await expectText(page, '.notice', 'Consentement enregistré');
      // a second request for the same patient and protocol names the open one
      await page.click('button:has-text("Retour au tableau de bord")');
      await startRequest(page, 'Barbier', 'snp-cheville');
      await expectText(page, '.error', 'déjà ouverte');
      await expectText(page, '.error', 'Consentement recueilli');
      await page.click('#logout');

      // the délégué: the orientation question left open is on the assessment screen
      await signIn(page, 'kine');
      await page.locator('tr', { hasText: 'BARBIER HUGO' }).locator('button:has-text("Ouvrir")').first().click();
      await page.click('button:has-text("Commencer l\u2019évaluation")');
      await expectText(page, 'h2', 'Examen');
      await visible(page, 'fieldset#appui_impossible_persistant');
      await expectText(page, 'fieldset#appui_impossible_persistant .help', 'l\u2019accueil n\u2019a pas eu la réponse');
      await page.check('input[name=appui_impossible_persistant][value=false]');
      await page.click('button:has-text("Enregistrer et évaluer")');
      await expectText(page, 'li', 'déformation');
      // every question the engine asks next has its field on the délégué's screen
      const asked = await page.locator('#exam-title ~ * li, form[aria-labelledby="exam-title"] ul li').allTextContents();
      for (const label of asked) {
        const field = page.locator('[data-question]', { hasText: label.trim() }).first();
        if (!(await field.isVisible())) throw new Error(`« ${label} » est à poser mais n\u2019a pas de champ à l\u2019écran`);
      }
      if (!asked.length) throw new Error('aucune question à poser n\u2019est listée');
      // stopping the assessment: the reason, the urgency and the délégant are asked for
      await page.click('summary:has-text("Arrêter l\u2019évaluation")');
      await accessible(page, '12-arreter-evaluation');
      await page.click('button:has-text("Arrêter et réorienter")');
      await expectText(page, '.error', 'Indiquez pourquoi');
      await page.fill('#stop-reason', 'Douleur inhabituelle, doute sur une fracture');
      await page.selectOption('#stop-urgency', 'physician_same_day');
      if ((await page.inputValue('#stop-delegant')) === '') throw new Error('le délégant joignable n\u2019est pas proposé');
      await page.click('button:has-text("Arrêter et réorienter")');
      await expectText(page, 'h2', 'Réorientation vers le médecin');
      await expectText(page, 'p', 'Évaluation arrêtée par le délégué : Douleur inhabituelle');
      await expectText(page, 'p', 'Délégant appelé : Dr Anne Durand');
      await expectText(page, 'ol.history li', 'Évaluation arrêtée');
      await page.click('button:has-text("Clore la prise en charge")');
      await expectText(page, '.notice', 'Clôturé');
    }],
    ['sans impasse : varicelle, la fièvre fait apparaître « fièvre élevée ou persistante » ; demande abandonnée reprise puis annulée', async (page) => {
      const desk = await apiAs('accueil');
      await desk('POST', '/api/v1/patients', { birth_name: 'Perrot', first_names: 'Emma',
        birth_date: '2021-06-02', sex: 'female' });
      await signIn(page, 'accueil');
      await startRequest(page, 'Perrot', 'snp-varicelle');
      await expectText(page, 'h2', '3. Questions');
      await hidden(page, 'fieldset#fievre_elevee_ou_persistante', 'la question sur la fièvre élevée est montrée sans fièvre');
      await page.check('input[name=consentement][value=true]');
      await page.check('input[name=fievre][value=true]');
      await page.click('button:has-text("Enregistrer les réponses")');
      await visible(page, 'fieldset#fievre_elevee_ou_persistante');
      // the request is left there: the day's list offers to resume it
      await page.click('button:has-text("Retour au tableau de bord")');
      await page.locator('tr', { hasText: 'PERROT EMMA' }).locator('button:has-text("Reprendre")').click();
      await expectText(page, 'h2', '3. Questions');
      await visible(page, 'fieldset#fievre_elevee_ou_persistante');
      if (!(await page.isChecked('input[name=fievre][value=true]'))) throw new Error('la réponse donnée est perdue à la reprise');
      await accessible(page, '12-reprise-demande');
      await page.click('button:has-text("Annuler la demande")');
      await expectText(page, '.error', 'Indiquez pourquoi');
      await page.fill('input[name^=cancel-reason]', 'Les parents préfèrent attendre le médecin');
      await page.click('button:has-text("Annuler la demande")');
      await expectText(page, '.notice', 'Demande annulée');
      await page.click('button:has-text("Retour au tableau de bord")');
      await expectText(page, 'td', 'Demande annulée');
      if (await page.locator('tr', { hasText: 'PERROT EMMA' }).locator('button:has-text("Reprendre")').count())
        throw new Error('une demande annulée est encore à reprendre');
    }],
  ];
};

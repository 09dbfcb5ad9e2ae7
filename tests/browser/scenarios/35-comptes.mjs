// 35-comptes.mjs — browser scenarios of accounts that belong to people: the coordinator creates
// Léa Garnier's account without a password (a wrong identifier refused next to its field, the
// one-time activation code shown once with how to hand it over); Léa opens the link carrying
// the code, is refused two different passwords then a short one, chooses hers, signs in and
// changes it (a wrong current password refused); the coordinator disables her account (her
// sign-in is then refused with a clear message), enables it, gives it an end date and a new
// code (her old password stops working).
//
// Leaves for the files that follow: a professional Léa Garnier and her account lea.garnier
// (secretariat, pending a new activation code).
export default ({ base, accessible, expectText, signIn, apiAs }) => {
  const accounts = (page) => page.locator('section.card', { has: page.locator('h2', { hasText: 'Comptes' }) });
  let code = null;

  const signInAs = async (page, login, password) => {
    await page.goto(base + '/');
    await page.fill('#login', login);
    await page.fill('#password', password);
    await page.click('button:has-text("Se connecter")');
  };

  return [
    ['comptes : la coordination crée un compte sans mot de passe et obtient son code d\u2019activation', async (page) => {
      const call = await apiAs('coordination');
      await call('POST', '/api/v1/professionals', { last_name: 'Garnier', first_names: 'Léa',
        profession: 'infirmier', sex: 'female', rpps: '10000000066' });
      await signIn(page, 'coordination');
      const section = accounts(page);
      await section.waitFor({ timeout: 5000 });
      await expectText(page, 'section.card p.help', 'créé sans mot de passe');
      await page.fill('#new-display-name', 'Léa Garnier, infirmière');
      await page.fill('#new-login', 'Léa');
      await page.selectOption('#new-professional', { label: 'Léa Garnier (Infirmière)' });
      await page.check('#new-role-secretary');
      await page.click('button:has-text("Créer le compte et obtenir son code")');
      await expectText(page, '.field:has(#new-login) .error', 'lettres minuscules sans accent');
      if ((await page.inputValue('#new-display-name')) !== 'Léa Garnier, infirmière') throw new Error('nom saisi perdu après le refus');
      await page.fill('#new-login', 'lea.garnier');
      await page.click('button:has-text("Créer le compte et obtenir son code")');
      await expectText(page, '#account-code', 'Code d\u2019activation du compte « lea.garnier »');
      await expectText(page, '#account-code', 'Il ne sera plus jamais affiché');
      code = (await page.locator('#account-code p.code').first().textContent()).trim();
      if (!/^[A-Z2-9]{4}(-[A-Z2-9]{4}){3}$/.test(code)) throw new Error(`code d'activation inattendu : ${code}`);
      await expectText(page, 'tr', 'En attente d\u2019activation (code valable jusqu\u2019au 02/12/2026)');
      await accessible(page, '35-comptes-code-d-activation');
      // no clinical role can be given here: the form offers only secretariat and coordination
      if (await page.locator('input[name=roles][value=delegue]').count()) throw new Error('rôle de délégué proposé');
    }],
    ['comptes : la titulaire active son compte avec le lien, se connecte et change son mot de passe', async (page) => {
      await page.goto(`${base}/#/activation/${code}`);
      await expectText(page, 'h1', 'Activer mon compte');
      if ((await page.inputValue('#activation-code')) !== code) throw new Error('le code du lien n\u2019est pas repris');
      await expectText(page, '#password-new-help', 'Au moins 10 caractères');
      await page.fill('#password-new', 'le chat dort sous le tilleul');
      await page.fill('#password-again', 'le chat dort sous le tilleuL');
      await page.click('button:has-text("Activer mon compte")');
      await expectText(page, '.error', 'Les deux mots de passe saisis sont différents');
      await page.fill('#password-new', 'court');
      await page.fill('#password-again', 'court');
      await page.click('button:has-text("Activer mon compte")');
      await expectText(page, '.field:has(#password-new) .error', 'au moins 10 caractères');
      await accessible(page, '35-comptes-activation-refusee');
      await page.fill('#password-new', 'le chat dort sous le tilleul');
      await page.fill('#password-again', 'le chat dort sous le tilleul');
      await page.click('button:has-text("Activer mon compte")');
      await expectText(page, '.ok', 'Votre compte « lea.garnier » est activé');
      if ((await page.inputValue('#login')) !== 'lea.garnier') throw new Error('identifiant non repris');
      await accessible(page, '35-comptes-active');
      await page.fill('#password', 'le chat dort sous le tilleul');
      await page.click('button:has-text("Se connecter")');
      await expectText(page, 'h1', 'Tableau de bord');
      // the code died with its use
      const again = await fetch(`${base}/api/v1/activation`, { method: 'POST',
        headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ code, password: 'un autre mot de passe' }) });
      if (again.status !== 400) throw new Error(`code réutilisable : ${again.status}`);
      await page.click('button:has-text("Changer mon mot de passe")');
      await expectText(page, 'h1', 'Changer mon mot de passe');
      await page.fill('#current-password', 'pas le bon mot de passe');
      await page.fill('#new_password-new', 'la pluie tombe sur les tilleuls');
      await page.fill('#new_password-again', 'la pluie tombe sur les tilleuls');
      await page.click('button[type=submit]:has-text("Changer mon mot de passe")');
      await expectText(page, '.field:has(#current-password) .error', "Le mot de passe actuel n'est pas le bon");
      await page.fill('#current-password', 'le chat dort sous le tilleul');
      await page.click('button[type=submit]:has-text("Changer mon mot de passe")');
      await expectText(page, '.ok', 'Mot de passe changé');
      await accessible(page, '35-comptes-mot-de-passe-change');
    }],
    ['comptes : désactiver, réactiver, date de fin et nouveau code', async (page) => {
      page.on('dialog', (d) => d.accept());
      await signIn(page, 'coordination');
      const row = () => accounts(page).locator('tr', { hasText: 'lea.garnier' });
      await row().waitFor({ timeout: 5000 });
      await row().locator('button:has-text("Désactiver")').click();
      await expectText(page, '#main .ok', 'Compte de Léa Garnier, infirmière désactivé');
      await expectText(page, 'tr', 'Désactivé');
      const other = await page.context().browser().newContext({ locale: 'fr-FR' });
      const lea = await other.newPage();
      await signInAs(lea, 'lea.garnier', 'la pluie tombe sur les tilleuls');
      await expectText(lea, '.error', 'Ce compte a été désactivé par le coordinateur');
      await row().locator('button:has-text("Réactiver")').click();
      await expectText(page, '#main .ok', 'réactivé');
      await row().locator('summary:has-text("Date de fin")').click();
      await row().locator('input[type=date]').fill('2026-12-31');
      await row().locator('button:has-text("Enregistrer la date de fin")').click();
      await expectText(page, '#main .ok', 'fonctionnera jusqu\u2019au 31/12/2026 inclus');
      await expectText(page, 'tr', 'Actif jusqu\u2019au 31/12/2026 inclus');
      await row().locator('button:has-text("Nouveau code")').click();
      await expectText(page, '#account-code', 'Code d\u2019activation du compte « lea.garnier »');
      await accessible(page, '35-comptes-nouveau-code');
      // her old password stops at once
      await signInAs(lea, 'lea.garnier', 'la pluie tombe sur les tilleuls');
      await expectText(lea, '.error', 'Identifiant ou mot de passe incorrect');
      await other.close();
      // her own account: no action offered to the coordinator
      await expectText(page, 'tr', 'Votre compte');
    }],
  ];
};

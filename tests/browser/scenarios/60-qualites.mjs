// 60-qualites.mjs — qualities the whole interface must keep: the first screen weighs less than
// 200 KB transferred, with no request leaving the server; a network drop loses nothing typed
// (the message says so, the form keeps its values, sending again works once back online); every
// screen fits a tablet's width, and a phone's (390 px) with no table wider than the screen.
export default ({ base, accessible, expectText, signIn }) => [
  ['premier écran : moins de 200 Ko transférés, aucune requête hors du serveur', async (page) => {
    let bytes = 0;
    const foreign = [];
    page.on('requestfinished', async (request) => {
      if (!request.url().startsWith(base)) foreign.push(request.url());
      const sizes = await request.sizes();
      bytes += sizes.responseBodySize + sizes.responseHeadersSize;
    });
    await page.goto(base + '/', { waitUntil: 'networkidle' });
    await expectText(page, 'h1', 'Connexion');
    if (foreign.length) throw new Error(`requête hors du serveur : ${foreign[0]}`);
    if (bytes === 0 || bytes >= 200 * 1024) throw new Error(`premier écran : ${bytes} octets transférés`);
    console.log(`     premier écran : ${(bytes / 1024).toFixed(1).replace('.', ',')} Ko transférés`);
  }],
  ['coupure du réseau : rien de ce qui est saisi n\u2019est perdu', async (page) => {
    await signIn(page, 'accueil');
    await page.click('button:has-text("Nouvelle demande")');
    await page.fill('#birth_name', 'Moreau');
    await page.fill('#first_names', 'Jules');
    await page.fill('#birth_date', '1979-03-08');
    await page.selectOption('#sex', 'male');
    await page.context().setOffline(true);
    await page.click('button:has-text("Créer le patient")');
    await expectText(page, '.error', 'Le serveur ne répond pas');
    await expectText(page, '#offline', 'Connexion perdue');
    for (const [id, want] of [['#birth_name', 'Moreau'], ['#first_names', 'Jules'], ['#birth_date', '1979-03-08']])
      if ((await page.inputValue(id)) !== want) throw new Error(`${id} perdu pendant la coupure`);
    await accessible(page, '60-coupure-reseau');
    await page.context().setOffline(false);
    await page.click('button:has-text("Créer le patient")');
    await expectText(page, 'h2', '2. Protocole pour MOREAU JULES');
    if (await page.locator('#offline').isVisible()) throw new Error('le bandeau « connexion perdue » reste affiché');
  }],
  ['tablette (768 × 1024) : chaque écran tient dans la largeur, sans défilement horizontal', async (page) => {
    await page.setViewportSize({ width: 768, height: 1024 });
    const fits = async (name) => {
      const over = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      if (over > 0) throw new Error(`${name} : ${over} px de trop en largeur sur une tablette`);
      await accessible(page, name);
    };
    for (const login of ['accueil', 'infirmiere', 'medecin', 'coordination']) {
      await signIn(page, login);
      await fits(`61-tablette-${login}`);
      await page.click('#logout');
    }
    await signIn(page, 'infirmiere');
    await page.locator('button:has-text("Ouvrir")').first().click();
    await expectText(page, 'h2', 'Historique');
    await fits('62-tablette-prise-en-charge');
  }],
  ['téléphone (390 × 844) : aucun tableau ni écran plus large que l’écran', async (page) => {
    await page.setViewportSize({ width: 390, height: 844 });
    const fits = async (name) => {
      const wide = await page.evaluate(() => {
        const out = [...document.querySelectorAll('main table')]
          .filter((t) => t.getBoundingClientRect().right > window.innerWidth + 0.5 || t.scrollWidth > t.clientWidth + 0.5)
          .map((t) => (t.querySelector('caption') || t).textContent.trim().slice(0, 60));
        const over = document.documentElement.scrollWidth - window.innerWidth;
        return { out, over };
      });
      if (wide.out.length) throw new Error(`${name} : tableau plus large que le téléphone : ${wide.out.join(' ; ')}`);
      if (wide.over > 0) throw new Error(`${name} : ${wide.over} px de trop en largeur sur un téléphone`);
      await accessible(page, name);
    };
    let tables = 0;
    for (const login of ['accueil', 'infirmiere', 'medecin', 'coordination']) {
      await signIn(page, login);
      tables += await page.locator('main table').count();
      await fits(`63-telephone-${login}`);
      await page.click('#logout');
    }
    if (tables < 4) throw new Error(`seulement ${tables} tableaux vérifiés sur les tableaux de bord`);
    await signIn(page, 'infirmiere');
    await page.locator('button:has-text("Ouvrir")').first().click();
    await expectText(page, 'h2', 'Historique');
    await fits('64-telephone-prise-en-charge');
  }],
];

// 19-recherche-pages.mjs — browser scenario of a patient search with more results than a page
// (issue 11): the first 50 are shown with « Afficher plus », which adds the next ones after them
// and then disappears; the keyboard goes on from the first patient added.
export default ({ base, accessible, expectText, signIn, apiAs }) => [

  ['recherche de patients : « Afficher plus » ajoute la page suivante', async (page) => {
    const call = await apiAs('accueil');
    const letters = 'abcdefghijklmnopqrstuvwxyz';
    for (let i = 0; i < 53; i++) {
      await call('POST', '/api/v1/patients', { birth_name: 'Paginé',
        first_names: `Anne ${letters[Math.floor(i / 26)]}${letters[i % 26]}elle`,
        birth_date: `19${50 + (i % 40)}-0${1 + (i % 9)}-1${i % 9}`, sex: 'female' });
    }
    await signIn(page, 'accueil');
    await page.click('button:has-text("Nouvelle demande")');
    await page.fill('#search-name', 'pagine');
    await page.click('button:has-text("Rechercher")');
    await expectText(page, 'ul.results li', 'PAGINÉ ANNE AAELLE');
    const items = page.locator('ul.results > li');
    if ((await items.count()) !== 50) throw new Error(`première page : ${await items.count()} patients au lieu de 50`);
    await expectText(page, 'p.help', '50 patients affichés');
    await accessible(page, '19-recherche-pages');
    await page.click('button:has-text("Afficher plus")');
    await page.waitForFunction(() => document.querySelectorAll('ul.results > li').length === 53);
    const last = await items.nth(52).innerText();
    if (!last.includes('PAGINÉ ANNE CAELLE')) throw new Error(`dernier patient : ${last}`);
    if (await page.locator('button:has-text("Afficher plus")').count()) throw new Error('« Afficher plus » après la dernière page');
    const focused = await page.evaluate(() => document.activeElement.closest('li')?.textContent || '');
    if (!focused.includes('PAGINÉ ANNE BYELLE')) throw new Error(`focus après « Afficher plus » : ${focused}`);
  }],
];

// 15-plusieurs-structures.mjs — browser scenario of a secretary who works for the maison de
// santé and for the CPTS: after signing in she chooses the structure, sees its name at the
// top, and switches to the other one without signing in again.
export default ({ base, accessible, expectText }) => [
  ['secrétariat de deux structures : choix de la structure puis changement', async (page) => {
    await page.goto(base + '/');
    await page.fill('#login', 'accueil2');
    await page.fill('#password', 'demo-accueil2-2026');
    await page.click('button:has-text("Se connecter")');
    await expectText(page, 'h2', 'Choix de la structure');
    await expectText(page, 'label', 'CPTS du Val de Sèvre');
    await accessible(page, '16-choix-structure');
    await page.check('label:has-text("CPTS du Val de Sèvre") input');
    await page.click('button:has-text("Continuer")');
    await expectText(page, 'h1', 'Tableau de bord');
    await expectText(page, '#who', 'CPTS du Val de Sèvre');
    await expectText(page, '.empty', 'Aucun patient aujourd\u2019hui');
    await page.click('#switch');
    await expectText(page, 'h2', 'Choix de la structure');
    await page.check('label:has-text("Tilleuls") input');
    await page.click('button:has-text("Continuer")');
    await expectText(page, '#who', 'Tilleuls');
    await expectText(page, 'td', 'LEFEBVRE CAMILLE');
    await accessible(page, '17-structure-changee');
  }],
];

// 45-injoignable.mjs — no délégant reachable: the only délégant (Dr Anne Durand) removes her
// Wednesday slot; on Wednesday 25/11/2026 at 10:00 the délégué sees, before starting, that nobody
// can be reached, when the next délégant can be ("jeudi 26/11/2026 à 08:00") and that the
// assessment cannot start. The slot is then put back (through the same screen) for the files
// that follow. Each user signs in once (the server counts sign-ins); switching user swaps the
// session cookies, without signing out.
export default ({ base, accessible, expectText, signIn, consentedEpisode }) => [
  ['aucun délégant joignable : l\u2019évaluation ne peut pas commencer', async (page) => {
    await consentedEpisode('Mercier', 'Ines', '1990-06-14');
    const context = page.context();
    const slots = () => page.locator('section.card', { has: page.locator('h2', { hasText: 'Mes disponibilités' }) });
    const become = async (cookies) => {
      await context.clearCookies();
      await context.addCookies(cookies);
      await page.goto(base + '/');
      await expectText(page, 'h1', 'Tableau de bord');
    };
    let medecin = null;
    try {
      await signIn(page, 'medecin');
      medecin = await context.cookies();
      await slots().locator('button[aria-label="Supprimer le créneau du mercredi 08:00–19:00"]').click();
      await expectText(page, '.ok', 'Créneau du mercredi 08:00–19:00 supprimé.');

      await context.clearCookies();
      await signIn(page, 'infirmiere');
      const infirmiere = await context.cookies();
      const open = () => page.locator('tr', { hasText: 'MERCIER INES' }).locator('button:has-text("Ouvrir")').first().click();
      await open();
      await expectText(page, 'h2', 'Avant l\u2019évaluation');
      await expectText(page, '.warning', 'Aucun délégant joignable maintenant ; prochain : Dr Anne Durand, jeudi 26/11/2026 à 08:00');
      await expectText(page, 'td.no', 'Non');
      await expectText(page, '.error', 'Le protocole ne peut pas être appliqué maintenant : Évaluation impossible : aucun délégant joignable maintenant');
      if (await page.locator('button:has-text("Commencer l\u2019évaluation")').count())
        throw new Error('« Commencer l\u2019évaluation » est proposé sans délégant joignable');
      await accessible(page, '47-aucun-delegant-joignable');

      // the slot put back through the délégant's screen
      await become(medecin);
      await page.selectOption('#avail-weekday', { label: 'mercredi' });
      await page.fill('#avail-start', '08:00');
      await page.fill('#avail-end', '19:00');
      await page.fill('#avail-how', '01 23 45 67 01 (ligne directe)');
      await page.click('button:has-text("Ajouter le créneau")');
      await expectText(page, '.ok', 'Créneau ajouté : mercredi 08:00–19:00.');

      await become(infirmiere);
      await open();
      await expectText(page, '.ok', 'Délégant joignable maintenant : Dr Anne Durand');
      await page.locator('button:has-text("Commencer l\u2019évaluation")').waitFor({ timeout: 5000 });
    } finally {
      // whatever happened above, later files find the Wednesday slot
      if (medecin) {
        await context.clearCookies();
        await context.addCookies(medecin);
        const session = await page.request.get(base + '/api/v1/session');
        const { csrf_token: csrf } = await session.json();
        const { items } = await (await page.request.get(base + '/api/v1/availability')).json();
        if (!items.some((s) => s.weekday === 2 && s.start_minute <= 600 && s.end_minute > 600)) {
          const r = await page.request.post(base + '/api/v1/availability', { headers: { 'X-CSRF-Token': csrf },
            data: { weekday: 2, start_minute: 480, end_minute: 1140, how: '01 23 45 67 01 (ligne directe)' } });
          if (!r.ok()) throw new Error(`créneau du mercredi non rétabli : ${r.status()}`);
        }
      }
    }
  }],
];

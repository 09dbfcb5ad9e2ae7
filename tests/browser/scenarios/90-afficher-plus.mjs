// 90-afficher-plus.mjs — a dashboard list longer than a page: the secretariat's « Toutes les
// prises en charge » shows the API's first page (50 rows), then « Afficher plus » adds the next
// page below, in the API's order, until the last page (the button then goes away). Run last: it
// adds enough requests to push older ones off the first page of the lists the other files read.
export default ({ accessible, expectText, signIn, apiAs }) => {
  const section = (page, title) => page.locator('section.card', { has: page.locator('h2', { hasText: title }) });
  return [
    ['tableau de bord : « Afficher plus » ajoute la page suivante d\u2019une liste', async (page) => {
      const desk = await apiAs('accueil');
      const first = await desk('GET', '/api/v1/episodes?list=all');
      // enough new requests for a second page (each patient once, one request each)
      const letters = 'abcdefghijklmnopqrstuvwxyz';
      const missing = first.next ? 0 : 51 - first.items.length;
      for (let i = 0; i < missing; i++) {
        const patient = await desk('POST', '/api/v1/patients', { birth_name: `Page${letters[Math.floor(i / 26)]}${letters[i % 26]}`,
          first_names: 'Lina', birth_date: '1990-01-01', sex: 'female' });
        await desk('POST', '/api/v1/episodes', { patient_id: patient.id, protocol_id: 'snp-cystite' });
      }
      const total = (await desk('GET', '/api/v1/episodes?list=all&limit=200')).items.length;
      await signIn(page, 'accueil');
      const all = section(page, 'Toutes les prises en charge');
      const rows = all.locator('tbody tr');
      await rows.first().waitFor({ timeout: 5000 });
      if ((await rows.count()) !== 50) throw new Error(`première page : ${await rows.count()} lignes au lieu de 50`);
      const firstRow = await rows.first().textContent();
      const more = all.locator('button', { hasText: 'Afficher plus' });
      await accessible(page, '90-afficher-plus');
      await more.click();
      await all.locator('tbody tr').nth(50).waitFor({ timeout: 5000 });
      const shown = await rows.count();
      if (shown !== Math.min(total, 100)) throw new Error(`après « Afficher plus » : ${shown} lignes au lieu de ${Math.min(total, 100)}`);
      if ((await rows.first().textContent()) !== firstRow) throw new Error('la première page a changé d\u2019ordre');
      while (await more.isVisible()) { // one page at a time: each click waits for its rows
        const before = await rows.count();
        await more.click();
        await all.locator('tbody tr').nth(before).waitFor({ timeout: 5000 });
      }
      await expectText(page, 'p[role=status]', 'Toute la liste est affichée.');
      if ((await rows.count()) < total) throw new Error(`liste incomplète : ${await rows.count()} lignes sur ${total}`);
    }],
  ];
};

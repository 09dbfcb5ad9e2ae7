// 17-identite.mjs — browser scenario of identity vigilance at the secretariat: an accented name
// stored and shown in capitals with its accents, found without them; invisible characters and
// a NIR that contradicts the sex refused next to their field; a double shown and chosen instead
// of created; a close resemblance confirmed as another person; two records merged; a record
// corrected.
export default ({ base, accessible, expectText, signIn }) => [

  ['identités : accents, doublons montrés, fusion et correction', async (page) => {
    const newRequest = async () => {
      await page.click('button:has-text("Retour au tableau de bord")');
      await page.click('button:has-text("Nouvelle demande")');
      await expectText(page, 'h1', 'Nouvelle demande');
    };
    const create = async (birthName, first, nir = '') => {
      await page.fill('#birth_name', birthName);
      await page.fill('#first_names', first);
      await page.fill('#birth_date', '1980-02-14');
      await page.selectOption('#sex', 'female');
      await page.fill('#nir', nir);
      await page.click('button:has-text("Créer le patient")');
    };
    await signIn(page, 'accueil');
    await page.click('button:has-text("Nouvelle demande")');

    // the accented name is kept in capitals with its accents (was "LEFèVRE INèS")
    await create('Lefèvre', 'Inès');
    await expectText(page, 'h2', '2. Protocole pour LEFÈVRE INÈS');

    // found without accents nor capitals
    await newRequest();
    await page.fill('#search-name', 'lefe');
    await page.click('button:has-text("Rechercher")');
    await expectText(page, 'ul.results li', 'LEFÈVRE INÈS, née le 14/02/1980');

    // an invisible character copied with the name is refused, next to the name
    await create('Lef\u200bvre', 'Inès');
    await expectText(page, '#birth_name-error', 'caractère invisible');
    // a NIR of a man for a woman
    await create('Mercier', 'Inès', '1 80 02 75 112 001 85');
    await expectText(page, '#nir-error', 'sexe');
    await accessible(page, '17-nir-contredit-le-sexe');

    // the same person typed without accents: the existing record is shown and chosen
    await create('LEFEVRE', 'ines');
    await expectText(page, '.duplicates', 'Un dossier existe déjà');
    if (await page.locator('button:has-text("autre personne")').count())
      throw new Error('des traits identiques ne doivent pas pouvoir être confirmés comme une autre personne');
    await accessible(page, '17-doublon-montre');
    await page.click('button:has-text("Choisir ce dossier")');
    await expectText(page, 'h2', '2. Protocole pour LEFÈVRE INÈS');

    // a close resemblance: the user may confirm another person
    await newRequest();
    await create('Lefèvre', 'Inès Claire');
    await expectText(page, '.duplicates', 'Un dossier proche existe déjà');
    await page.click('button:has-text("C\u2019est une autre personne")');
    await expectText(page, 'h2', '2. Protocole pour LEFÈVRE INÈS CLAIRE');

    // both found; the secretariat merges the second into the first
    await newRequest();
    await page.fill('#search-name', 'LEFÈVRE');
    await page.click('button:has-text("Rechercher")');
    await expectText(page, 'ul.results li', 'LEFÈVRE INÈS CLAIRE');
    if ((await page.locator('ul.results li').count()) !== 2) throw new Error('deux dossiers attendus');
    await page.selectOption('#merge-kept', '0');
    await page.selectOption('#merge-duplicate', '1');
    await page.click('button:has-text("Fusionner")');
    await expectText(page, '.error', 'Cochez la case');
    await page.check('#merge-checked');
    await accessible(page, '17-fusion');
    await page.click('button:has-text("Fusionner")');
    await expectText(page, '.notice', 'Dossiers fusionnés');
    if ((await page.locator('ul.results li').count()) !== 1) throw new Error('le doublon fusionné apparaît encore');

    // a correction: the used name, shown at once
    await page.click('button:has-text("Corriger")');
    await expectText(page, 'h3', 'Corriger le dossier de LEFÈVRE INÈS');
    await page.fill('#fix-used_name', 'Martin-Lefèvre');
    await accessible(page, '17-correction');
    await page.click('button:has-text("Enregistrer la correction")');
    await expectText(page, '.notice', 'Dossier corrigé');
    await expectText(page, 'ul.results li', 'MARTIN-LEFÈVRE INÈS');
  }],
];

import { describe, expect, it } from 'vitest';
import {
  checkAuthor,
  checkLinks,
  checkPromotion,
  checkShape,
  checkUserAgent,
  obfuscatedLink,
  spintax,
} from '../../../src/spam/checks';
import { promotionCategories } from '../../../src/spam/promotion';
import { context, features, settings } from './fixtures';

/** Rules for French at parity with English (#18), and the metadata of WordPress-style spam. */

const total = (signals: Array<{ score: number }>) => signals.reduce((sum, s) => sum + s.score, 0);
const categories = (content: string) => [...promotionCategories(features({ content })).keys()];

describe('French in the same promotion categories as English', () => {
  it.each<[string, string, string]>([
    ['Check out my channel', 'Allez voir ma chaîne, il y a des vidéos tous les jours', 'self-promotion'],
    ['Please subscribe to me', 'Abonne-toi et active la cloche', 'subscription begging'],
    ['click here', 'Cliquez sur le lien dans ma bio', 'call to click'],
    ['Make money from home', 'Gagnez 3 000 € par mois depuis chez vous', 'money offer'],
    ['work from home', 'Du travail à domicile, aucune expérience requise', 'money offer'],
    ['online casino', 'Le meilleur casino en ligne, bonus de bienvenue', 'commercial spam'],
    ['viagra', 'Viagra sans ordonnance, livraison discrète', 'commercial spam'],
    ['buy now', 'Commandez dès maintenant, stock limité', 'call to buy'],
    ['promo code', 'Code promo SPORT100 pour 100 € offerts', 'call to buy'],
    ['personal loan offer', 'Prêt rapide sans justificatif, même fiché', 'scam services'],
    ['get your ex back', "Faire revenir l'être aimé en 7 jours", 'scam services'],
    ['funds recovery expert', 'Nos experts récupèrent 100 % de vos fonds', 'scam services'],
    ['contact me on WhatsApp', 'Contactez-moi par WhatsApp au +33 6 12 34 56 78', 'contact solicitation'],
    ['Telegram @handle', 'Écrivez-nous sur Telegram @RecupFondsExpert', 'contact solicitation'],
    ['Join my group: t.me/pronos_vip', 'Rejoignez le groupe : t.me/pronos_vip', 'contact solicitation'],
    ['go to my channel', 'Passez sur ma chaîne YouTube', 'self-promotion'],
    ['subscribe to me', 'Lâchez un abonnement, ça m’aiderait', 'subscription begging'],
    ['make money from home', 'Je touche 800 € par semaine de rendement', 'money offer'],
    ['online casino', 'Je gagne ma vie avec les paris sur le foot et des matchs sûrs', 'commercial spam'],
    ['contact me on WhatsApp', 'Demandez-moi son contact en commentaire', 'contact solicitation'],
    ['Thanks to Dr Ekpen the great spell caster', 'Je tiens à remercier publiquement M. Bernard', 'scam services'],
    [
      'I found your blog via google while searching',
      'Je suis tombée sur votre blog en cherchant sur Google',
      'comment template',
    ],
  ])('%s → %j', (english, french, category) => {
    expect(categories(french)).toContain(category);
    expect(categories(english)).toContain(category);
  });

  it.each([
    // What readers of a French news site write, on the same subjects.
    'Les paris sportifs en ligne font des ravages chez les jeunes, il faudrait interdire la pub.',
    'Le maire a répondu sur WhatsApp, puis par écrit',
    'Ma mère reçoit des messages WhatsApp d’un « conseiller » qui promet de doubler son épargne.',
    'Appelez la mairie, l’arrêté interdit les travaux avant 8 h.',
    'Je gagne moins que le smic une fois les frais payés.',
    'Le prêt à taux zéro est une bonne chose pour les primo-accédants.',
    'Mon fils a fait un prêt immobilier à 4,2 %, il regrette.',
    'Pour ceux que ça intéresse, la CNIL a publié un guide complet.',
    'Je reviendrai sur ce point quand le rapport sera publié.',
    // A reader giving her address is no call to action (the address itself weighs, in the shape rule).
    'Mon avis. Écrivez-moi : marie.curie@exemple.fr',
    // The same for the wording added without an English twin.
    "J'ai récupéré 300 € grâce à la médiation de ma banque, ça vaut le coup d'insister.",
    'Je ne peux que recommander ce roman, lu en deux nuits.',
    'Nos clients ne viennent plus depuis les travaux de la rue Nationale.',
    'Cherchez « rapport de la Cour des comptes 2023 » sur Google, tout y est.',
    "Je suis à l'étranger et je n'ai pas pu voter, la procuration est trop compliquée.",
    'Le marketing de réseau, c’est une pyramide, ma cousine y a laissé 3 000 €.',
    'Mon avis. Écris-moi : paul.dumas@exemple.fr',
    "Je suis nouveau dans la région et j'aime beaucoup votre rubrique sur les marchés.",
    'Allez écouter son dernier album, il est magnifique.',
    'Le smic à Abidjan, c’est 75 000 FCFA par mois, pas plus.',
    "J'ai perdu 8 kg en six mois en marchant tous les jours, sans rien acheter.",
    'La consultation gratuite de l’avocat en mairie, le samedi, m’a bien aidé.',
    'La préfecture promet une réponse sous 48 h, on attend toujours.',
    "Mon garagiste est un artisan très sérieux qui ne facture pas ce qu'il ne fait pas.",
    'Je suis en mission à l’étranger jusqu’en mars et je lis le journal en ligne.',
    'Mon voisin reçoit des colis chez lui tous les jours, le livreur connaît son prénom.',
    'Le livret A est à 2,4 % depuis février, garanti par l’État.',
    'Les aides pour la pompe à chaleur ont baissé, le reste à charge a doublé pour nous.',
    'Le logiciel anti-plagiat de la fac a signalé ma citation de Molière, c’est absurde.',
    'Les aimbots pourrissent les parties classées, l’anticheat ne sert à rien.',
    'Elle est passée de 2 000 à 50 000 abonnés en un an, sans rien acheter.',
    "J'ai ajouté la recette à mes favoris, merci !",
    "J'attends avec impatience votre prochain article sur les retraites.",
    'Le poste de blog de la mairie n’est plus mis à jour depuis mars.',
  ])('%j is at most one topic, never a call', (content) => {
    expect(total(checkPromotion(features({ content }), context(), settings))).toBeLessThanOrEqual(
      settings.weightSpamTopic,
    );
  });
});

describe('spam quoted by a reader', () => {
  it.each<[string, string, string]>([
    [
      'Marre des annonces "travail à domicile" qu’on reçoit par SMS, un vrai job c’est un contrat.',
      'Du travail à domicile, aucune expérience requise',
      'money offer',
    ],
    [
      'Les commentaires sont envahis par les bots « prêt entre particuliers » et « retour affectif ».',
      'Prêt entre particuliers sérieux, fonds en 48 h',
      'scam services',
    ],
    [
      'Marre de ces “j’ai gagné 5 000 € grâce à Mme Machin” sous chaque article.',
      'J’ai gagné 5 000 € grâce à Mme Machin, contactez-la',
      'money offer',
    ],
  ])('%j is not the pitch that %j is (%s)', (quoting, pitching, category) => {
    expect(categories(quoting)).not.toContain(category);
    expect(categories(pitching)).toContain(category);
  });

  it('still reads a pitch that quotes only its keyword', () => {
    expect(categories('Envoie "INFO" sur WhatsApp au +33 7 56 48 21 93')).toContain('contact solicitation');
    expect(categories('Le "meilleur" casino en ligne, bonus de bienvenue')).toContain('commercial spam');
  });
});

describe('French spam wording without an English twin', () => {
  it.each<[string, string]>([
    ["J'ai empoché 2 300 € grâce aux pronos de Sam, foncez", 'money offer'],
    ['Je gagne aujourd’hui trois fois mon ancien salaire, tout le monde peut le faire', 'money offer'],
    ['Je recrute 5 personnes motivées, pas de patron, revenus résiduels', 'money offer'],
    ['Cote de 3.10 validée hier, prochain prono ce soir', 'money offer'],
    ['Le CBD et les compléments naturels pour dormir', 'commercial spam'],
    ['Défiscalisation : avec le dispositif Pinel, réduisez vos impôts', 'commercial spam'],
    ['Un Galaxy S24 à prix cassé chez un déstockeur', 'call to buy'],
    ['Prenez rendez-vous pour un bilan gratuit.', 'call to buy'],
    ['Essayez, vous ne le regretterez pas', 'call to buy'],
    ['Ils font -60 % cette semaine', 'call to buy'],
    ['Je ne peux que vous le recommander', 'call to buy'],
    ['Tapez "meubles destock nord" sur Google', 'call to click'],
    ['Toutes les infos sont dans ma bio', 'call to click'],
    ['Un héritage de 1 200 000 € sans héritier, répondez-moi en toute confidentialité', 'scam services'],
    ['Les clés vous seront envoyées par la poste après le dépôt de la caution', 'scam services'],
    ['Envoie "GO" en message et je t’explique', 'contact solicitation'],
    ['Il a tout vu venir, suivez @PronoKing sur insta', 'contact solicitation'],
    ['Un vrai pro, écrivez-lui : martin.finance@exemple.fr', 'contact solicitation'],
    ['Merci de me contacter par mail uniquement', 'contact solicitation'],
    ['Pour le devis, me contacter au 06 12 34 56 78', 'contact solicitation'],
    ['Je poste tout sur mon canal Telegram', 'self-promotion'],
    ["J'aime beaucoup votre façon d'écrire.", 'comment template'],
    ['Allez écouter mon dernier morceau sur SoundCloud', 'self-promotion'],
    ['Likez si vous êtes d’accord', 'engagement begging'],
    ['Nos partenaires touchent 250 000 FCFA par mois depuis leur téléphone', 'money offer'],
    ['Rejoins une équipe de partenaires motivés', 'money offer'],
    ['Écris "JE VEUX" au +237 6 77 20 49 13', 'contact solicitation'],
    ['Je suis nouvelle sur votre site et je vais revenir souvent.', 'comment template'],
    ["J'ai perdu 11 kg sans régime avec ces gummies", 'commercial spam'],
    ['Les gélules minceur du Dr Morel', 'commercial spam'],
    ['Consultation vidéo gratuite avec nos médecins francophones', 'call to buy'],
    ['Étude de sol offerte.', 'call to buy'],
    ['Premier rendez-vous gratuit, honoraires au résultat', 'call to buy'],
    ['Faites votre carte grise en ligne en 5 minutes', 'call to buy'],
    ['Une entreprise super sérieuse qui a tout réglé, je vous mets leur site', 'call to click'],
    ['Je suis actuellement en mission à l’étranger, livraison par transporteur', 'scam services'],
    ['Je la cède à 4 500 €, contact par mail uniquement', 'scam services'],
    ['Avec mon code parrainage vous avez 100€ de bons offerts', 'call to buy'],
    ['Avec mon code parrainage vous avez 100€ de bons offerts', 'money offer'],
    ['I run a network of high DA sites and would like a paid guest post', 'commercial spam'],
    ['Je souhaiterais publier un article invité dans votre rubrique', 'commercial spam'],
    ['Quel est votre tarif ? Merci de me répondre directement par mail.', 'contact solicitation'],
    ['On reçoit des colis chez soi et on les réexpédie, 30 € par colis', 'money offer'],
    ['Des livrets à taux fixe garanti à 6,5 % net', 'money offer'],
    ["J'ai commencé l'an dernier et je suis déjà à +18 %", 'money offer'],
    ['Une pompe à chaleur pour 1 € (reste à charge zéro)', 'commercial spam'],
    ['Nos rédacteurs rédigent votre mémoire, anti-plagiat garanti', 'commercial spam'],
    ["Une appli pour lire leurs messages sans qu'ils le sachent", 'commercial spam'],
    ['Je m’ennuie le soir, viens voir mes photos', 'commercial spam'],
    ['Il suffit de laisser votre numéro ici', 'contact solicitation'],
    ['Écrivez-moi pour photos et vidéos', 'contact solicitation'],
    ['Aimbot et ESP indétectables pour tous les FPS, 7 jours pour 5 €', 'commercial spam'],
    ['Générateur de V-Bucks qui marche encore', 'commercial spam'],
    ['500 abonnés réels pour 3 € sur votre compte', 'commercial spam'],
    ["J'ai ajouté votre site à mes signets", 'comment template'],
    ["J'attendrai avec une grande impatience votre prochain poste", 'comment template'],
    ['Merci de partager cette information de valeur.', 'comment template'],
  ])('%j → %s', (content, category) => {
    expect(categories(content)).toContain(category);
  });
});

describe('obfuscated links', () => {
  it.each([
    ['Inscrivez-vous sur hxxp://casino-bonus-fr . net', true],
    ['Rendez-vous sur www . pret-urgent-fiche . com', true],
    ['www[.]credit-express-facile[.]fr', true],
    ['allez sur w w w . foot-gratuit . tv', true],
    ['pharmacie-discrete . com', true],
    ['cherchez ventes-saisies point fr', true],
    ['La bulle des start-up, en 2000, a tout emporté au point de ruiner des milliers de gens.', false],
    ['cheap-pills(dot)com', true],
    ['viens voir sur r e n c o n t r e - c h a u d e . c o m (enlève les espaces)', true],
    ['Les groupes A B C D E. Fr Dupont a gagné.', false],
    ['Plus d’infos : forage-puits-eco(point)fr', true],
    ['credit-facile[point]com', true],
    ['Le site officiel est www.festival-avignon.com pour le programme.', false],
    ['Fin de la phrase. Com ça on verra.', false],
    ['Il a dit non . Je ne sais pas pourquoi.', false],
    ['La version 2.0 . Ensuite la 3.1', false],
  ])('%j → %s', (content, found) => {
    expect(obfuscatedLink(content) !== null).toBe(found);
    const signals = checkLinks(features({ content }), context(), settings).filter((s) => s.rule === 'obfuscated_link');
    expect(total(signals)).toBe(found ? settings.weightObfuscatedLink : 0);
  });
});

describe('spintax', () => {
  it.each([
    ['{Super|Génial|Excellent} article, {merci|je vous remercie} pour {ce partage|ces informations}.', 3],
    ['{Great|Awesome} post!', 1],
    [`Template: {{ name | upper }} and \${a|b}`, 0],
    ['In the shell, {a,b} expands; in regex (a|b) alternates.', 0],
    ['{1|2}', 0],
  ])('%j → %d groups', (content, groups) => {
    expect(spintax(content)).toBe(groups);
    const signals = checkShape(features({ content }), context(), settings).filter((s) => s.rule === 'spintax');
    expect(total(signals)).toBe(Math.min(2, groups) * settings.weightSpintax);
  });
});

describe('metadata of campaigns', () => {
  it.each<[string, number]>([
    ['Voyance Médium Sarah', settings.weightAuthorSpamWords],
    ['Serrurier Urgence', settings.weightAuthorSpamWords],
    ['Maillots Pas Cher', settings.weightAuthorSpamWords],
    ['Paris Sportifs Gagnants', settings.weightAuthorSpamWords],
    ['xanax online', settings.weightAuthorSpamWords],
    ['Jean-Paul', 0],
    ['Rédaction Culture', 0],
    ['Héritage International', settings.weightAuthorSpamWords],
    ['Expert Défiscalisation', settings.weightAuthorSpamWords],
    ['Bourse Facile', settings.weightAuthorSpamWords],
    ['Opportunité 2025', settings.weightAuthorSpamWords],
    ['Vitalité Naturelle', settings.weightAuthorSpamWords],
    ['Pierre de Paris', 0],
    ['Fred du 13', 0],
  ])('name %j → %d', (author, score) => {
    expect(total(checkAuthor(features({ author }), context(), settings))).toBe(score);
  });

  it.each<[string, string, number]>([
    ['camille.martin@orange.fr', 'https://camille-martin.example', 0],
    ['joseph@josephphoto.fr', 'https://josephphoto.fr', 0],
    ['dan@danwrites.net', 'https://danwrites.net', 0],
    ['x@gmail.com', 'https://best-essay-writing-service.top', settings.weightAuthorSpamWords],
    ['x@gmail.com', 'https://toronto-locksmith-24-hours.ca', settings.weightAuthorSpamWords],
    // Three words or more that name neither Camille nor her address: an address bought for its keywords.
    ['x@gmail.com', 'https://my-very-own-garden.example', settings.weightAuthorSpamWords],
    ['x@gmail.com', 'https://robes-soiree-mariage.example', settings.weightAuthorSpamWords],
    // Her own: named after her (four words, still a string of keywords), or a title of two words.
    ['x@gmail.com', 'https://camille-my-own-garden.example', settings.weightKeywordMetadata],
    ['camille.petit@gmail.com', 'https://petit-potager-urbain.example', 0],
    ['x@gmail.com', 'https://carnets-de-voyage.example', 0],
    ['x@gmail.com', 'https://amis-du-vieux-port.over-blog.com', 0],
    ['x@gmail.com', 'https://www.meilleurs-aspirateurs-avis.fr', settings.weightAuthorSpamWords],
    ['x@gmail.com', 'https://cbd-shop-lyon.fr', settings.weightAuthorSpamWords],
    ['x@gmail.com', 'https://www.estimation-maison-gratuite.net', settings.weightAuthorSpamWords],
    ['x@gmail.com', 'https://formation-anglais-cpf.fr', settings.weightAuthorSpamWords],
    ['x@gmail.com', 'https://www.sejours-bretagne-location.com', settings.weightAuthorSpamWords],
    ['x@gmail.com', 'https://avocat-divorce-rapide.fr', settings.weightAuthorSpamWords],
    ['x@gmail.com', 'https://coques-iphone-discount.shop', settings.weightAuthorSpamWords],
    ['x@gmail.com', 'https://comparateur-assurance-chien-chat.com', settings.weightAuthorSpamWords],
    ['x@gmail.com', 'https://artcollect-invest.com', settings.weightAuthorSpamWords],
    ['x@gmail.com', 'https://carnets-de-julie.fr', 0],
    ['x@gmail.com', 'https://serrurier-nantes-urgence.fr', settings.weightAuthorSpamWords],
    ['x@gmail.com', 'https://depannage-chaudiere-rapide.be', settings.weightAuthorSpamWords],
    ['x@gmail.com', 'https://sneakers-pas-cher.fr', settings.weightAuthorSpamWords],
    ['x@gmail.com', 'https://free-robux-generator.io', settings.weightAuthorSpamWords],
    ['x@gmail.com', 'https://reparation-tablette-toulouse.fr', settings.weightAuthorSpamWords],
    ['x@gmail.com', 'https://hackaday.example', 0],
    ['x@gmail.com', 'https://dealabs-fan.example', 0],
    [
      'pretentreparticulier@gmail.com',
      'http://pret-entre-particulier-serieux.fr',
      settings.weightAuthorSpamWords + settings.weightKeywordMetadata,
    ],
  ])('email %j, website %j → %d', (email, website, score) => {
    expect(total(checkAuthor(features({ author: 'Camille', email, website }), context(), settings))).toBe(score);
  });

  it.each<[string, string | null, number]>([
    [
      'Très bon article, merci pour le partage !',
      'https://renovation-toiture-pro.example',
      settings.weightKeywordMetadata,
    ],
    ['Great post, thanks for sharing. Bookmarked!', 'https://kitchen-remodel.example', settings.weightKeywordMetadata],
    [
      "Merci pour cet article très complet ! J'ai appris beaucoup de choses. Je vais partager avec mes amies",
      'https://www.deco-cuisine-tendance.fr',
      settings.weightKeywordMetadata,
    ],
    ['Très bon article, merci pour le partage !', null, 0],
    ['Très bon article, mais le chiffre du chômage date de 2022.', 'https://camille-martin.example', 0],
  ])('%j with the website %j → %d', (content, website, score) => {
    const signals = checkAuthor(features({ author: 'Camille', content, website }), context(), settings);
    expect(total(signals.filter((s) => s.detail.startsWith('praise')))).toBe(score);
  });

  it.each<[string, number]>([
    ['Mozilla/5.0 (Windows NT 6.1; WOW64; rv:40.0) Gecko/20100101 Firefox/40.1', settings.weightUserAgentOutdated],
    [
      'Mozilla/5.0 (Windows NT 6.1; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/58.0.3029.110 Safari/537.36',
      settings.weightUserAgentOutdated,
    ],
    ['Mozilla/5.0 (compatible; MSIE 9.0; Windows NT 6.1; Trident/5.0)', settings.weightUserAgentOutdated],
    ['Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0', 0],
    [
      'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36',
      0,
    ],
  ])('user agent %j → %d', (userAgent, score) => {
    expect(total(checkUserAgent(features({ userAgent }), context(), settings))).toBe(score);
  });

  it('never judges an ordinary reader spam for one of these alone', () => {
    expect(settings.weightKeywordMetadata).toBeLessThan(settings.holdThreshold);
    expect(settings.weightUserAgentOutdated).toBeLessThan(settings.holdThreshold);
    expect(settings.weightAuthorSpamWords).toBeLessThan(settings.holdThreshold);
  });
});

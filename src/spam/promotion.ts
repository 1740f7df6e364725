import { analyze, foldConfusables, perSubmission } from './analyze';
import type { Features } from './types';

// Self-promotion and commercial spam, in general terms (English and French), by category. Calls to
// action (go to my channel, subscribe, click here, buy now) add weightPromotion per category; spam
// topics (casino, pills, easy money), which honest comments can discuss, add weightSpamTopic.
// The total stops at promotionCap. The patterns read the text folded by foldConfusables: lower
// case, without diacritics ('ecrivez' for 'écrivez'), look-alike letters read as Latin ('ᴠɪᴀɢʀᴀ').
// Hence no `i` flag, and no capital letter in a pattern: case-insensitive matching would find
// nothing more in folded text, and it doubles what the table costs (npm run bench:spam).
type Strength = 'call' | 'topic';
const PROMOTION: Array<[string, RegExp, Strength?]> = [
  [
    'self-promotion',
    /\b(?:check(?:ing)?|visit|watch|see|view|go\s+to|look\s+at|listen\s+to|hear)\b[^.!?\n]{0,30}\b(?:my|our)\s+(?:\w+\s+)?(?:channel|chanel|page|blog|site|website|videos?|vids?|music|songs?|tracks?|profile|playlist|account|stuff|covers?|art|shop|store|app|game|rap|album|mixtape)\b/u,
  ],
  // Naming one's own channel or page without asking anything ("I shared it on my Facebook", "ma
  // chaîne préférée") weighs as a topic: on a news site or a blog, people mention theirs in passing.
  [
    'self-promotion',
    /\b(?:my|our)\s+(?:new\s+|youtube\s+|own\s+)?(?:channel|chanel|blog|website|vids?|playlist|mixtape|soundcloud|instagram|insta|facebook|fb\s+page|twitter|tiktok|twitch)\b/u,
    'topic',
  ],
  [
    'self-promotion',
    /\bcheck\s+(?:it\s+)?out\s+(?:this|these|my|our|the\s+link|this\s+link)\b|\bcheck\s+(?:this|it)\s+out\b/u,
  ],
  [
    'subscription begging',
    /\b(?:sub4sub|sub\s*back|sub\s+(?:to\s+)?(?:me|my))\b|\bsubscrib(?:e|ing)\s+(?:to\s+)?(?:me|my|us|our|back|plz|pls|please|guys)\b|\b(?:please|plz|pls|pleas|plzz|pleace|plez|and|&)\s+subscrib(?:e|ing)\b|\bsubscribe\s{0,3}[!:)]|(?:^|[.!?\n])[\s"'*(]{0,3}(?:come\s+|go\s+|pls\s+|plz\s+|now\s+)?subscrib(?:e|ing)\b|\b(?:i|we|me|us)\b[^.!?\n]{0,15}\b(?:get|reach|need|want|hit|gain|getting|reaching)\b[^.!?\n]{0,20}\b(?:subs|subscribers|followers)\b/u,
  ],
  // "Subscribe" alone is a topic: readers of a paper discuss their subscription ("I won't subscribe again").
  ['subscription begging', /\b(?:subscribe|subscribing)\b/u, 'topic'],
  [
    'engagement begging',
    /\b(?:please|plz|pls|plse|plzz)\b[^.!?\n]{0,25}\b(?:like|share|subscribe|sub|follow)\s*(?:(?:me|my|us|our|back|it|and)\b|this\s+(?:comment|video|post|page|channel)\b|[!.,:)]|$)/u,
  ],
  [
    'engagement begging',
    /\b(?:like|thumbs\s+up)\s+(?:this|my)\s+(?:comment|post|video|pic|page)\b|\b(?:like|thumbs\s+up)\s+if\b|\bgive\s+(?:it|this|me)\s+a\s+(?:like|thumbs)\b|\bfollow\s+me\s+(?:on|at)\b|\badd\s+me\s+on\b/u,
  ],
  [
    'call to click',
    /\b(?:click|tap)\s+(?:here|this|the\s+link|on\s+(?:the|this|my)\s+link|below)\b|\blink\s+(?:below|in\s+(?:my|the)\s+(?:bio|profile|description))\b/u,
  ],
  [
    'money offer',
    /\b(?:free|cheap|discount(?:ed)?|cheapest)\s+(?:\w+\s+)?(?:money|cash|gifts?|gift\s*cards?|iphones?|followers|subscribers|views|likes|downloads?|trial|shipping|coins|gems|robux|v-?bucks|psn|xbox|itunes|amazon|paypal)\b/u,
    'topic',
  ],
  [
    'money offer',
    /\b(?:make|earn|making|earning)\s+(?:real\s+|extra\s+|easy\s+|some\s+)?(?:money|cash|\$\s?\d|\d+\s?(?:\$|dollars|euros?|€))|\bwork(?:ing)?\s+from\s+home\b|\bgofundme\b/u,
    'topic',
  ],
  [
    'commercial spam',
    /\b(?:viagra|cialis|levitra|casino|poker\s+online|porn|escorts?|payday\s+loans?|forex|bitcoins?|crypto(?:currency)?|nft|airdrop|backlinks?|seo\s+services?|guest\s+posts?|link\s+(?:exchange|insertion)s?|high\s+(?:da|dr)\s+(?:sites?|blogs?|websites?)|domain\s+authority|replica|(?:online|canadian|discount|cheap)\s+pharmacy|pharmacy\s+online|weight\s+loss|diet\s+pills)\b/u,
    'topic',
  ],
  [
    'call to buy',
    /\b(?:buy|order|shop)\s+(?:\w+\s+)?(?:now|online|today|here)\b|\b(?:limited|special|exclusive)\s+offer\b|\bact\s+now\b|\b(?:promo|discount|coupon)\s+code\b/u,
  ],
  // French, at parity with the English above: the same categories, so that a site's lessons (and the
  // learner's prior) about a category hold in both languages. Read without diacritics.
  [
    'self-promotion',
    /(?<![\p{L}\p{N}])(?:(?:va|allez|venez|passez|passe|viens|faites\s+un\s+tour|fais\s+un\s+tour|rendez-vous)\s+(?:voir|visiter|ecouter|sur|faire\s+un\s+tour\s+sur|jeter\s+un\s+(?:oeil|coup\s+d['’]oeil)\s+(?:a|sur))|visitez|visite|decouvrez|decouvre|matez|mate|regardez|consultez|(?:n['’]hesitez\s+pas\s+a|vous\s+pouvez)\s+(?:voir|visiter|consulter|decouvrir))\s+(?:ma|mon|mes|notre|nos)\s+(?:\p{L}+\s+)?(?:chaine|page|site|blog|boutique|profil|videos?|compte|insta(?:gram)?|musique|album|tiktok|sons?|morceaux?|titres?|clips?|single|podcast)(?![\p{L}\p{N}])/u,
  ],
  [
    'self-promotion',
    /(?<![\p{L}\p{N}])(?:ma|mon|notre)\s+(?:nouvelle\s+|nouveau\s+|propre\s+)?(?:chaine|blog|boutique|page\s+(?:facebook|insta(?:gram)?|fb)|insta|tiktok|site\s+(?:web|internet)|(?:canal|groupe)\s+(?:telegram|whatsapp|snap\p{L}*|prive|vip))(?![\p{L}\p{N}])/u,
    'topic',
  ],
  [
    'subscription begging',
    /(?<![\p{L}\p{N}])(?:abonnez[- ]vous|abonne[- ]toi|abonnez[- ]moi|activez\s+la\s+cloche|(?:lachez|lache|laissez|laisse|mettez|mets)[- ](?:moi\s+)?(?:un|une)\s+(?:abonnement|abo|like|pouce\s+bleu|follow)|(?:likez|likes|partagez)\s+(?:et|&)\s+(?:abonnez|partagez|commentez))(?![\p{L}\p{N}])/u,
  ],
  [
    'engagement begging',
    /(?<![\p{L}\p{N}])(?:(?:likez|like|partagez|partage)\s+(?:ce|mon|ma|cette)\s+(?:commentaire|video|post|publication|page)|likez\s+si|(?:ajoute|ajoutez|suivez|suis)[- ]moi\s+(?:sur|en)|envoie[- ]moi\s+un\s+dm)(?![\p{L}\p{N}])/u,
  ],
  [
    'call to click',
    /(?<![\p{L}\p{N}])(?:cliquez|clique|cliquer)\s+(?:ici|sur\s+(?:le|ce|mon|notre)\s+lien|ci-dessous)|(?:le\s+)?(?:lien|infos?|details|contact)\s+(?:ci-dessous|(?:est\s+|sont\s+)?(?:dans|sur|en)\s+(?:ma|mon|notre)\s+(?:bio|profil|description))|(?:rendez-vous|inscrivez-vous|inscris-toi)\s+(?:sur|via)\s+(?:notre|mon|le)\s+(?:site|lien|appli)/u,
  ],
  // Words to type into a search engine ('tapez "destock phone" sur Google'): a link no filter sees,
  // but also how a reader points to a report by its title, so a topic.
  [
    'call to click',
    /(?<![\p{L}\p{N}])(?:tape[rz]?|cherche[rz]?|recherche[rz]?|type|search(?:\s+for)?|google)\s+["«“]\s?[^"»”\n]{3,60}["»”]\s{0,3}(?:sur|dans|on|in|into)\s+(?:google|bing|qwant|youtube)(?![\p{L}\p{N}])/u,
    'topic',
  ],
  [
    'money offer',
    /(?<![\p{L}\p{N}])(?:gagn(?:er|e|ez|ais|ons)\s+(?:de\s+l['’]argent|(?:jusqu['’]a\s+|plus\s+de\s+)?\d[\d\s.,]{0,12}(?:€|euros?|\$|k)\s+(?:par|chaque)\s+(?:jour|semaine|mois|heure))|\d[\d\s.,]{0,12}(?:€|euros?|f?cfa|francs?(?:\s+cfa)?|chf|\$|dollars?)\s+par\s+(?:jour|semaine|mois)\s+(?:en|depuis|sans|grace)|(?:touche|touchez|gagne|gagnez|genere|generez|rapporte|empoche)\s+(?:\p{L}+\s+){0,2}\d[\d\s.,]{0,12}(?:€|euros?|\$)\s+(?:par|chaque)\s+(?:jour|semaine|heure)|(?:travail|emploi|job|revenus?|saisie)\s+(?:a|depuis)\s+(?:la\s+)?(?:domicile|maison|chez\s+(?:moi|toi|vous|soi))|depuis\s+(?:chez\s+(?:moi|toi|vous)|mon\s+canape)|argent\s+facile|liberte\s+financiere|revenus?\s+(?:passifs?|complementaires?)|aucun(?:e)?\s+(?:diplome|experience)\s+(?:requise?|necessaire)|sans\s+experience|arrondir\s+(?:vos|tes|leurs|mes|ses)\s+fins\s+de\s+mois|(?:cadeaux?|iphones?|bons?\s+de\s+reduction|abonnes|followers|vues|ecoutes)\s+(?:gratuits?|offerts?)|\d{1,6}\s?€\s+(?:de\s+(?:bons?|credits?)\s+)?offerts)(?![\p{L}\p{N}])/u,
    'topic',
  ],
  // Slimming products sold by testimony ("j'ai perdu 11 kg sans régime avec les gummies…"): the
  // weight lost without effort or in days, and the products' own names. A topic: a reader may tell
  // of weight lost too.
  [
    'commercial spam',
    /(?<![\p{L}\p{N}])(?:perdu\s+\d{1,2}\s?(?:kg|kilos?)\s+(?:sans\s+(?:regime|sport|effort|me\s+priver|privation|faire\s+de\s+regime)|en\s+(?:\d{1,2}|deux|trois|quatre)\s+(?:jours|semaines))|(?:gummies|gelules|capsules|patchs?)\s+(?:minceur|keto|brule[- ]graisse|amincissante?s?)|keto\s+(?:gummies|slim|diet))(?![\p{L}\p{N}])/u,
    'topic',
  ],
  // What a business says of itself: a free first consultation or study ('consultation vidéo gratuite
  // avec nos médecins', 'étude de sol offerte'), fees on results, a file handled within the day, a
  // procedure done online in minutes. Readers quote such offers too, so a topic.
  [
    'call to buy',
    /(?<![\p{L}\p{N}])(?:(?:consultation|visio|etude|expertise|estimation|evaluation|diagnostic)\s+(?:\p{L}+\s+){0,2}(?:gratuite?s?|offerte?s?)\s*(?:[.!,]|$|(?:avec|par)\s+(?:nos|notre))|premier\s+rendez-vous\s+(?:gratuit|offert)|honoraires\s+au\s+resultat|(?:traitement|intervention|reponse)\s+(?:en|sous)\s+(?:24|48|72)\s?h|(?:faites|obtenez|demandez|refaites)\s+votre\s+(?:\p{L}+\s+){1,3}en\s+ligne\s+en\s+\d+\s+minutes)(?![\p{L}\p{N}])/u,
    'topic',
  ],
  // A company praised and its site given ('une entreprise super sérieuse qui… Je vous mets leur
  // site'): the testimonial that carries a link in the website field. A topic.
  [
    'call to click',
    /(?<![\p{L}\p{N}])(?:je\s+vous\s+(?:mets|laisse|donne)\s+(?:leur|son)\s+(?:site|lien|numero|contact|adresse)|(?:entreprise|societe|artisan|agence|cabinet|prestataire)\s+(?:super|tres|vraiment|hyper)\s+(?:serieuse?|serieux|fiable|honnete|competente?|reactive?|efficace)\s+qui)(?![\p{L}\p{N}])/u,
    'topic',
  ],
  // What quiet spam sells under a magazine's finance, family and home pages (outlet F): parcels to
  // receive and send on at home, a return "guaranteed" or already reached, the heat pump "for 1 €",
  // essays written for students, an app that reads a child's messages unseen, a dating come-on.
  // Topics: readers talk of each.
  [
    'money offer',
    /(?<![\p{L}\p{N}])(?:(?:recevoir|recoit|recois|recevez)\s+des\s+colis\s+chez\s+(?:soi|vous|toi|moi)|reexpedi\p{L}*\s+(?:des\s+|les\s+)?colis|\d{1,4}\s?€\s+par\s+colis|taux\s+(?:fixe\s+)?garanti\s+a\s+\d|(?:je\s+suis\s+)?deja\s+a\s+\+\s?\d{1,3}\s?%)(?![\p{L}\p{N}])/u,
    'topic',
  ],
  [
    'commercial spam',
    /(?<![\p{L}\p{N}])(?:(?:pompe\s+a\s+chaleur|isolation|panneaux\s+solaires?)\s+(?:pour|a)\s+1\s?€|reste\s+a\s+charge\s+(?:zero|0\s?€?)|testez\s+(?:gratuitement\s+)?votre\s+eligibilite|anti-?plagiat|redigent\s+(?:votre|vos)\s+(?:memoires?|theses?|dissertations?)|sans\s+qu['’](?:ils|elles?|il)\s+(?:le\s+)?sach\p{L}+|viens\s+voir\s+mes\s+photos|mes\s+photos\s+(?:privees|coquines|sexy|intimes))(?![\p{L}\p{N}])/u,
    'topic',
  ],
  // Testimonies of gains and income ("j'ai pris 1 240 € grâce au pronostic de…", "je gagne trois
  // fois mon ancien salaire") and the recruiting of network marketing ("je cherche 3 personnes
  // motivées", "deviens ton propre patron").
  [
    'money offer',
    /(?<![\p{L}\p{N}])(?:j['’]?ai\s+(?:gagne|pris|empoche|touche|encaisse|recupere|fait|genere)\s+(?:plus\s+de\s+|pres\s+de\s+)?\d[\d\s.,]{0,10}\s?(?:€|euros?|k€|\$)\s+(?:\p{L}+\s+){0,4}grace\s+(?:a|au|aux)|je\s+gagne\s+(?:aujourd['’]hui\s+|maintenant\s+|desormais\s+|en\s+moyenne\s+)?(?:\d[\d\s.,]{0,8}\s?(?:€|euros?)|deux|trois|quatre|cinq|dix)\s+(?:fois|par\s+(?:jour|semaine|mois))|tout\s+le\s+monde\s+peut\s+le\s+faire|(?:cherche|recherche|recrute)\s+(?:\d{1,3}|quelques|des)\s+(?:personnes?|partenaires|associee?s?|ambassadeurs?|ambassadrices?)\s+(?:motivee?s?|serieuses?|dynamiques?|ambitieuses?|pour\s+(?:developper|rejoindre|lancer))|personnes?\s+motivee?s?\s+pour\s+(?:rejoindre|travailler|gagner)|rejoindre\s+(?:mon|notre)\s+equipe\s+(?:dans|de|en|100)|(?:sans|pas\s+de)\s+patron|marketing\s+de\s+reseau|equipe\s+de\s+partenaires|revenus?\s+residuels?|pas\s+serieux\s+s['’]abstenir|(?:cote|cotes)\s+(?:de\s+)?\d+[.,]\d+\s+(?:validee?s?|passee?s?)|(?:prochain|mon|nos|mes)\s+(?:pick|coupon|ticket|prono)s?\s+(?:ce\s+soir|demain|du\s+jour|gagnants?|valides?)|(?:devenez|deviens|etre)\s+(?:votre|ton|son|mon)\s+propre\s+patron)(?![\p{L}\p{N}])/u,
    'topic',
  ],
  [
    'commercial spam',
    /(?<![\p{L}\p{N}])(?:casinos?\s+en\s+ligne|paris\s+sportifs|pronos(?:tics)?\s+(?:foot|vip|gratuits?|fiables?|surs?)|bonus\s+(?:de\s+bienvenue|sans\s+depot)|tours?\s+gratuits|sans\s+ordonnance|pharmacie\s+(?:en\s+ligne|discount|discrete)|repliques?|contrefacons?|copies?\s+parfaites|qualite\s+1:1|dofollow|articles?\s+(?:sponsorises?|invites?)|referencement\s+(?:naturel|google)|premiere\s+page\s+de\s+google|iptv|streaming\s+(?:gratuit|vf|hd)|(?:abonnes|followers)\s+(?:instagram|tiktok|youtube)|brule[- ]graisse|perdez\s+\d+\s?kg|rencontres?\s+(?:coquines?|discretes?|sans\s+(?:engagement|lendemain))|celibataires\s+(?:de\s+votre|pres\s+de)|steroides|anabolisants|comptes?\s+(?:netflix|spotify)|licences?\s+windows|massages?\s+(?:a\s+domicile|discrets?)|matchs?\s+(?:truques?|surs|fixes|garantis)|tipsters?|paris\s+(?:sur\s+le\s+foot|foot|en\s+ligne)|robot\s+de\s+trading|trading\s+automatique|crypto[- ]?monnaies?|avis\s+positifs|cbd|complements?\s+(?:alimentaires|naturels)|defiscalisation|dispositif\s+pinel|lmnp|reduire\s+(?:vos|votre|ton|tes)\s+impots?|nos\s+clients|vehicules?\s+saisis|aimbots?|wallhacks?|(?:cheats?|triches?|hacks?)\s+(?:indetectables?|undetected|gratuits?)|(?:generateur|generator)\s+(?:de\s+)?(?:v-?bucks|robux|gemmes|pieces|coins)|(?:v-?bucks|robux)\s+gratuits?|\d[\d\s.,]{0,9}\s?k?\s+(?:abonnes|followers|likes|vues|viewers|j['’]aime)\s+(?:reels|actifs|garantis|francais|organiques|pour\s+\d)|ventes?\s+(?:aux\s+encheres\s+)?(?:de\s+)?(?:vehicules?|voitures?)\s+saisi\p{L}*|destockage|a\s+prix\s+d['’]usine)(?![\p{L}\p{N}])/u,
    'topic',
  ],
  [
    'call to buy',
    /(?<![\p{L}\p{N}])(?:(?:achetez|commandez|reservez|profitez[- ]en|inscrivez[- ]vous|jouez|pariez|telechargez|telecharge[- ]la)\s+(?:\p{L}+\s+)?(?:maintenant|vite|des\s+maintenant|des\s+aujourd['’]hui|en\s+ligne|ici|aujourd['’]hui)|depechez[- ]vous|offre\s+(?:speciale|limitee|exclusive|de\s+lancement)|stock\s+limite|quantites?\s+limitees|places\s+limitees|code\s+(?:promo|parrain(?:age)?|bonus)|(?:devis|audit|essai|test)\s+gratuits?\s*(?:[.!]|$|au|par|sur|en\s+ligne)|satisfaite?\s+ou\s+rembourse|(?:resultats?|gains?|reussite|discretion)\s+(?:garantis?|assures?|assuree)|garantis?\s+ou\s+rembourses?|livraison\s+(?:gratuite|offerte|discrete|rapide\s+et\s+discrete|instantanee)|prix\s+(?:imbattables?|casses?|d['’](?:usine|atelier)|soldes)|(?:bilan|diagnostic|estimation|consultation|simulation)\s+gratuite?s?\s*(?:[.!:]|$|au|par|sur|en\s+ligne|et\s+sans)|prenez\s+rendez-vous\s+(?:des\s+maintenant|en\s+ligne|pour\s+(?:un|une|votre)\s+(?:bilan|diagnostic|estimation|consultation|devis))|vous\s+ne\s+(?:le\s+|la\s+|les\s+)?regretterez\s+pas|vous\s+ne\s+serez\s+pas\s+dec\p{L}+|inscription\s+gratuite|premiere\s+(?:consultation|question)\s+(?:offerte|gratuite))(?![\p{L}\p{N}])|(?:a|jusqu['’]a)\s+-\d{2}\s?%|(?<![\p{L}\p{N}])(?:font|fait)\s+-\d{2}\s?%/u,
  ],
  // A reader's recommendation in the words of a testimonial: honest readers use them too, so a topic.
  [
    'call to buy',
    /(?<![\p{L}\p{N}])(?:je\s+ne\s+peux\s+que\s+(?:vous\s+|te\s+)?(?:le\s+|la\s+|les\s+)?recommander|je\s+(?:vous\s+|te\s+)?(?:le\s+|la\s+|les\s+)?recommande\s+(?:vivement|les\s+yeux\s+fermes)|si\s+(?:quelqu['’]un|vous|tu)\s+(?:cherche[sz]?|recherche[sz]?)\s+(?:un|une|des|du)\s+(?:\p{L}+\s+){0,4}(?:pas\s+cher|moins\s+cher|a\s+bas\s+prix|neuf|neuve|discount))(?![\p{L}\p{N}])/u,
    'topic',
  ],
  // The "services" of blog comment spam: loans between individuals, spell casters and psychics,
  // fund-recovery hackers and investment managers, always with a number to write to. Only their
  // sales wording: a comment about a mortgage offer, a hacked hospital or a crypto platform is not.
  [
    'scam services',
    /\b(?:(?:personal|private|urgent|genuine|legit)\s+loans?\s+(?:offers?|lenders?)|spell\s*casters?|love\s+spells?|get\s+(?:my|your|his|her)\s+ex\s+back|bring\s+back\s+(?:my|your|his|her)\s+(?:lover|ex|husband|wife)|(?:bitcoin|crypto|forex|binary\s+options?)\s+(?:investment|trading)\s+(?:expert|manager|account\s+manager)s?|(?:genuine|legit|certified|professional)\s+hackers?|(?:funds?|crypto|bitcoin|scam)\s+recovery\s+(?:expert|hacker|agent|specialist)s?)\b/u,
    'topic',
  ],
  [
    'scam services',
    /(?<![\p{L}\p{N}])(?:pr[eê]ts?\s+entre\s+particuliers|(?:grand|puissant|celebre)\s+marabout|marabout\s+(?:africain|serieux|voyant|puissant|competent)|retour\s+(?:de\s+l['’][eê]tre\s+aim[eé]e?|affectif)|voyante?s?\s+m[eé]diums?|d[eé]senvo[uû]tements?|pr[eê]ts?\s+(?:rapides?|urgents?|sans\s+(?:frais|justificatifs?)|serieux|honnetes?)|credits?\s+(?:rapides?|sans\s+justificatifs?|immediats?|express)|meme\s+fiches?|(?:faire\s+)?revenir\s+l['’]etre\s+aime|voyance\s+(?:gratuite|serieuse|par\s+(?:telephone|tchat|sms|mail))|voyants?\s+et\s+mediums?|mediums?\s+voyante?s?|grande?\s+voyante?|(?:recuper\p{L}*|recouvr\p{L}*)\s+(?:de\s+)?(?:vos|tes|des|mes|100\s?%\s+de\s+vos)\s+fonds|hackers?\s+(?:ethiques?|professionnels?|certifies?)|rendements?\s+garantis?|permis\s+(?:de\s+conduire\s+)?sans\s+(?:passer\s+)?(?:l['’])?examen|western\s+union|cartes?\s+pcs|sans\s+beneficiaire|vous\s+avez\s+gagne|je\s+voulais\s+temoigner|remercier\s+publiquement|(?:fait|faire|a\s+fait)\s+fructifier\s+(?:mes|mon|vos|votre|ton|tes)|(?:grace|merci)\s+a\s+(?:mr|mme|madame|monsieur|dr|docteur|maitre|professeur|(?:le|la)\s+(?:grande?\s+)?(?:maitre|marabout|voyante?|dr|docteur|professeur))\s+\p{L}+|je\s+vous\s+(?:le|la)\s+recommande\s+(?:vivement|a\s+100)|sans\s+heritiers?|en\s+toute\s+confidentialite|(?:heritage|succession|legs|fonds)\s+de\s+\d[\d\s.,]{2,12}\s?(?:€|euros?|\$|dollars|millions)|meme\s+nom\s+de\s+famille\s+que\s+vous|(?:avocat|notaire|banquier|huissier)\s+(?:au\s+barreau\s+)?(?:de|a)\s+(?:lome|cotonou|abidjan|dakar|lagos|accra|ouagadougou|douala|yaounde|bamako|niamey|conakry|porto-novo|libreville)|(?:je\s+)?pars\s+(?:vivre|travailler|m['’]installer)\s+a\s+l['’]etranger|(?:vehicule|voiture)\s+(?:deja\s+)?chez\s+(?:un|le|notre|mon)\s+transporteur|cles?\s+(?:vous\s+)?(?:seront|sera)\s+(?:envoyees?|expediees?|remises?)\s+(?:par\s+(?:la\s+)?poste|par\s+courrier|apres)|apres\s+(?:le\s+)?(?:depot|versement)\s+(?:de\s+(?:la\s+)?caution|du\s+premier\s+loyer))(?![\p{L}\p{N}])/u,
    'topic',
  ],
  // The seller abroad of advance-fee fraud: a car or a flat offered cheap by someone 'en mission à
  // l'étranger', delivered by a carrier, reached by mail only. A topic.
  [
    'scam services',
    /(?<![\p{L}\p{N}])(?:(?:je\s+suis|etant|me\s+trouve)\s+(?:actuellement\s+|presentement\s+)?en\s+mission\s+(?:a\s+l['’]etranger|humanitaire|professionnelle)|livraison\s+par\s+transporteur|(?:contact|reponse)\s+par\s+(?:mail|e-?mail|courriel)\s+uniquement|je\s+(?:la|le|les)\s+cede\s+(?:a|pour)\s+\d)(?![\p{L}\p{N}])/u,
    'topic',
  ],
  [
    // The stock sentences of spun blog comment spam: flattery that fits any post, sent by the
    // thousand with a link in the website field, and the signature that points to it. Only these
    // set phrases, not praise in general ("Great post, keep up the good work" is left alone).
    'comment template',
    new RegExp(
      `\\b(?:${[
        String.raw`i(?:\s+have|['’]ve)\s+been\s+(?:surfing|browsing)\s+(?:online|the\s+web)\s+(?:more\s+than|over)\b`,
        String.raw`i\s+found\s+your\s+(?:blog|site|website|web\s+site|weblog)\s+(?:via|through|using)\s+(?:google|bing|yahoo)\s+while\s+(?:searching|looking)\b`,
        String.raw`(?:loving|like|love)\s+the\s+(?:template|theme|layout)(?:\s?\/\s?(?:template|theme|layout))?\s+of\s+this\s+(?:blog|site|website|weblog)\b`,
        String.raw`(?:fantastic|awesome|superb|wonderful|incredible|marvelous|amazing)\s+(?:blog|weblog)\s+(?:layout|format|structure)\b`,
        String.raw`(?:would|do)\s+you\s+mind\s+if\s+i\s+(?:share\s+your\s+(?:blog|site|website)\s+with\s+my|quote\s+a\s+(?:couple|few)\s+of\s+your)\b`,
        String.raw`which\s+(?:web\s*host|hosting\s+(?:company|provider)|blog\s+platform)\s+you['’]?re\s+(?:using|working\s+with)\b`,
        String.raw`may\s+you\s+be\s+rich\s+and\s+continue\s+to\s+help\b`,
        String.raw`(?:this|your)\s+(?:blog|site|website|web\s+site|weblog)\s+(?:definitely|certainly)\s+has\s+all\s+(?:of\s+)?the\s+(?:information|info)\s+i\s+(?:needed|wanted)\b`,
        String.raw`i['’]?ll\s+right\s+away\s+(?:grab|take|seize)\s+your\s+(?:rss|feed)\b`,
        String.raw`just\s+wanted\s+to\s+give\s+you\s+a\s+quick\s+heads\s+up\b`,
        String.raw`heya\s+i['’]?m\s+for\s+the\s+(?:first|primary)\s+time\s+here\b`,
        String.raw`(?:feel\s+free\s+to\s+(?:surf|visit|look)\s+(?:to\s+|at\s+)?|also\s+visit\s+|here\s+is\s+|take\s+a\s+look\s+at\s+|stop\s+by\s+)my\s+(?:homepage|web\s*page|web-?\s?site|weblog|web\s+log|blog\s+post|site|blog)\b`,
        String.raw`(?:post|article|paragraph|piece\s+of\s+writing)\s+(?:couldn['’]?t|could\s+not)\s+be\s+(?:written|composed)\s+(?:any|much)\s+better\b`,
        String.raw`reminds\s+me\s+of\s+my\s+(?:good\s+old|previous|old)\s+room\s*mate\b`,
        String.raw`i\s+saw\s+you\s+visited\s+my\s+(?:web\s*site|blog|site|weblog)\s+(?:so|thus)\s+i\s+came\s+to\b`,
        String.raw`i\s+suppose\s+it['’]?s\s+ok\s+to\s+use\s+(?:a\s+few|some)\s+of\s+your\s+ideas\b`,
        String.raw`where\s+you['’]?(?:re|\s+are)\s+getting\s+your\s+(?:info|information),?\s+(?:but|however)\s+(?:good|great)\s+topic\b`,
        String.raw`i\s+needs?\s+to\s+spend\s+some\s+time\s+learning\s+(?:much\s+)?more\s+or\s+understanding\s+more\b`,
        String.raw`(?:looking|searching)\s+for\s+this\s+(?:info|information)\s+for\s+my\s+mission\b`,
        String.raw`like\s+you\s+wrote\s+the\s+book\s+in\s+it\s+or\s+something\b`,
        String.raw`(?:pics|pictures|images)\s+to\s+drive\s+the\s+message\s+home\b`,
        String.raw`you\s+make\s+(?:blogging|running\s+a\s+blog)\s+(?:look|glance)\s+easy\b`,
        String.raw`(?:whole|overall|entire|full|total)\s+(?:look|glance)\s+of\s+your\s+(?:site|web\s*site)\s+is\s+(?:great|excellent|magnificent|fantastic|wonderful)\b`,
        String.raw`did\s+you\s+hire\s+out\s+a\s+designer\b|is\s+this\s+a\s+paid\s+theme\s+or\s+did\s+you\b`,
        String.raw`impressed\s+with\s+your\s+writing\s+skills\s+(?:as\s+well\s+as|and\s+also)\s+with\s+the\s+layout\b`,
        String.raw`long\s+comment\s+but\s+after\s+i\s+clicked\s+submit\b`,
        String.raw`in\s+accession\s+capital\s+to\s+assert\b`,
        String.raw`(?:something|one\s+thing)\s+to\s+(?:do|accomplish)\s+with\s+(?:lady|woman|girl)\s+gaga\b`,
        String.raw`hermit\s+crab\s+inside\s+and\s+it\s+pinched\b`,
        String.raw`see\s+if\s+it\s+can\s+survive\s+a\s+\w+(?:\s+\w+)?\s+(?:foot|feet|ft)\s+drop\b`,
        String.raw`awful\s+lot\s+of\s+text\s+for\s+only\s+having\s+(?:1|one)\s+or\s+(?:2|two)\s+(?:images|pictures|pics)\b`,
        String.raw`do\s+you\s+ever\s+run\s+into\s+any\s+(?:problems|issues)\s+(?:of|with)\s+plag[io]{1,2}r?ism\b`,
        String.raw`bored\s+(?:to\s+tears|to\s+death)\s+at\s+work\s+so\s+i\s+decided\s+to\b`,
        String.raw`interested\s+in\s+(?:exchanging|trading)\s+links\b`,
        String.raw`do\s+you\s+know\s+if\s+they\s+make\s+any\s+plugins\s+to\b`,
        String.raw`(?:incorporated|added|included)\s+you\s+guys\s+to\s+(?:my|our)\s+(?:own\s+)?blogroll\b`,
        String.raw`you\s+command\s+get\s+(?:got|bought)\b`,
        String.raw`i\s+stumbledupon\s+it\b`,
        String.raw`digg\s+it\s+and\s+(?:personally|for\s+my\s+part|individually)\s+(?:recommend|suggest)\b`,
        String.raw`notify\s+me\s+when\s+new\s+comments\s+are\s+added\W{0,3}\s?check\s*box\b`,
        String.raw`ended\s+my\s+(?:4|four)\s+day\s+long\s+hunt\b`,
        String.raw`get\s+that\s+(?:kind|type)\s+of\s+(?:information|info)\s+in\s+such\s+an?\s+(?:perfect|ideal)\s+(?:way|approach|means|method|manner)\s+of\s+writing\b`,
        String.raw`fastidious\s+(?:article|piece\s+of\s+writing|paragraph|post|blog|weblog|site|web\s*site|replies|answers?|discussion)\b`,
        String.raw`i\s+(?:got|have)\s+this\s+(?:web\s*site|site|web\s*page)\s+from\s+my\s+(?:friend|pal|buddy)\s+who\s+(?:told|informed|shared\s+with)\s+me\b`,
        String.raw`every\s+once\s+in\s+a\s+while\s+that\s+isn['’]?t\s+the\s+same\s+(?:old|unwanted|outdated)\s+rehashed\b`,
        String.raw`your\s+(?:site|blog|website|weblog)\s+ate\s+my\s+first\s+comment\b`,
        String.raw`trying\s+to\s+(?:persuade|convince)\s+me\s+to\s+move\s+to\s+\.?net\s+from\s+php\b`,
        String.raw`not\s+(?:operating|working)\s+correctly\s+in\s+explorer\s+but\s+looks\s+great\s+in\b`,
        String.raw`you['’]?(?:re|\s+are)\s+going\s+to\s+a\s+famous\s+blogger\b`,
        String.raw`(?:leave|depart|go\s+away)\s+your\s+(?:site|web\s*site|blog)\s+(?:prior\s+to|before)\s+suggesting\b`,
        String.raw`you\s+(?:obviously|certainly|most\s+certainly|definitely)\s+know\s+how\s+to\s+keep\s+a\s+reader\s+(?:entertained|amused)\b`,
        String.raw`i['’]?m\s+new\s+to\s+this,?\s+i\s+stumbled\s+upon\s+this\b`,
        String.raw`(?:other|different)\s+(?:users|customers)\s+like\s+its\s+(?:helped|aided)\s+me\b`,
      ].join('|')})`,
      'u',
    ),
  ],
  [
    // The stock sentences of French comment spam, spun like the English ones.
    'comment template',
    /(?<![\p{L}\p{N}])(?:je\s+suis\s+tombee?\s+sur\s+(?:votre|ton)\s+(?:blog|site|article|page)\s+(?:par\s+hasard|en\s+cherchant)|ajoute\s+(?:votre|ton)\s+(?:site|blog|page)\s+a\s+mes\s+favoris|(?:c['’]est|ceci\s+est)\s+le\s+meilleur\s+(?:article|site|blog)\s+(?:que\s+j['’]ai\s+(?:lu|trouve|vu)\s+)?sur\s+(?:le\s+sujet|internet)|je\s+(?:reviendrai|repasserai)\s+(?:\p{L}+\s+)?(?:sur|lire)\s+(?:votre|ton|vos)\s+(?:site|blog|articles?)|echanger\s+des\s+liens|(?:ajoute|mis|enregistre)e?\s+(?:\p{L}+\s+){0,2}(?:a|dans)\s+mes\s+(?:signets|marque-?pages)|(?:votre|ce|cet|mon)\s+(?:poste|post)\s+de\s+blog|j['’]attendrai\s+(?:\p{L}+\s+){0,4}(?:votre|vos)\s+prochains?\s+postes?|merci\s+de\s+partager\s+(?:cette|ces)\s+informations?\s+(?:de\s+(?:grande\s+)?valeur|precieuses?)|j['’]aime\s+(?:beaucoup|bien|vraiment)\s+(?:votre|ta)\s+(?:facon|maniere)\s+d['’]ecrire|je\s+suis\s+(?:nouveau|nouvelle)\s+(?:sur|ici|dans)\s+(?:\p{L}+\s+){0,3}(?:votre|ton|ce)\s+(?:site|blog))/u,
  ],
  [
    // Asking to be written to on a messenger, or giving its number. Only in the first person: a
    // comment telling how scammers asked "to contact them on Telegram" is not one. Quantifiers are
    // bounded: a long run of spaces must not make the match cost grow with its cube.
    'contact solicitation',
    /\b(?:contact|text|message|write\s+to|reach)\s+(?:me|us)\s+(?:on|via|through|at)\s+(?:whatsapp|telegram|viber|signal|wechat)\b|(?<![\p{L}\p{N}])(?:contactez|ecrivez)[- ](?:moi|nous)\s+(?:sur|par|via)\s+(?:whatsapp|telegram|viber|signal)\b|\b(?:whatsapp|telegram)(?:\s{0,3}(?:number|num[eé]ro))?\s{0,3}[:(]?\s{0,3}\+\s?\d/u,
  ],
  [
    // The same in French, and a messenger's handle or link given to be written to (@name, t.me/…,
    // wa.me/…) in either language: a number or handle to write to, not a messenger named in passing.
    'contact solicitation',
    /(?<![\p{L}\p{N}])(?:(?:contactez|ecrivez|contacte|ecris)[- ](?:moi|nous)\s+(?:(?:sur|par|via)\s+(?:whatsapp|telegram|viber|signal|snap\p{L}*|sms|dm|mp)|en\s+(?:prive|mp)|au\s+(?:\+|0)\d)|contactez[- ](?:le|la)\s+(?:au|sur|par|via)|(?:appelez|contactez|joignez)(?:[- ](?:moi|nous))?\s+(?:le|au)\s+(?:\+|0)\d|(?:envoyez|envoie)[- ](?:moi|nous)\s+(?:un\s+)?(?:message|mail|e-?mail|sms|dm|mp)|(?:par|sur|via)\s+(?:whatsapp|telegram)\s{0,3}(?:au|:)\s{0,3}(?:\+|0)\d|(?:son|leur|notre|mon)\s+(?:whatsapp|telegram|numero|e-?mail|mail|adresse(?:\s+e?-?mail)?|contact|courriel)\s{0,3}:|demandez[- ]moi\s+(?:son|le|mon|leur)\s+(?:contact|numero|whatsapp|adresse)|(?:rejoins|rejoignez|rejoindre)\s+(?:notre|mon|le|mon)\s+(?:groupe|canal|chaine)\s+(?:telegram|whatsapp|snap|prive)|(?:contact|tel|telephone)\s{0,3}(?:\/\s{0,3}whatsapp)?\s{0,3}:\s{0,3}(?:\+|0)\d)|(?<![\p{L}\p{N}])(?:whatsapp|telegram|snap(?:chat)?|kik|wickr|viber|signal|insta)\s{0,3}(?:uniquement\s{0,3}|only\s{0,3})?[:(]?\s{0,3}@[\p{L}\p{N}_.]{3,}|(?<![\p{L}\p{N}.])(?:t\.me|wa\.me|telegram\.me)\/[\p{L}\p{N}_+]/u,
  ],
  [
    // A word to send to get the offer ('envoie "INFO" en message'), a handle to find on a network
    // ('@ParisMaster sur insta'), a mailbox or number to write to ('me contacter par mail uniquement').
    'contact solicitation',
    /(?<![\p{L}\p{N}])(?:(?:envoie|envoyez|ecris|ecrivez|tape|tapez|mets|mettez|commente|commentez)(?:[- ](?:moi|nous))?\s+["«“]\s?\p{L}{2,15}(?:\s\p{L}{1,15}){0,2}\s?["»”]\s+(?:en\s+(?:message|mp|prive|dm|commentaire)|par\s+(?:sms|message|mail|e-?mail)|sur\s+(?:whatsapp|telegram|insta\p{L}*|messenger)|au\s+(?:\+|0)\d+)|(?:ecrivez|ecris|contactez|contacte|joignez)[- ](?:lui|leur|la|le)\s{0,3}:|(?:cherchez|cherche|suivez|rejoignez|ajoutez)\s+@[\p{L}\p{N}_.]{3,30}|laisse[rz]?\s+(?:ici\s+)?(?:votre|ton)\s+(?:numero|mail|e-?mail|whatsapp)(?:\s+ici)?|ecrivez[- ]moi\s+pour\s+(?:les\s+|des\s+|plus\s+de\s+)?(?:photos|videos|infos|details)|me\s+contacter\s+(?:uniquement\s+)?(?:par|au|sur|via)\s+(?:mail|e-?mail|whatsapp|telegram|sms|message|telephone|tel|\+\d+|0\d+)|(?:merci\s+de|veuillez)\s+(?:me|nous)\s+(?:repondre|contacter|recontacter|ecrire)\s+(?:directement\s+)?(?:en\s+(?:prive|toute\s+confidentialite)|par\s+(?:mail|e-?mail|whatsapp)|sur\s+(?:whatsapp|telegram)|au\s+(?:\+|0)\d+))(?![\p{L}\p{N}])|@[\p{L}\p{N}_.]{3,30}\s+(?:sur|on)\s+(?:insta(?:gram)?|telegram|tiktok|snap(?:chat)?|whatsapp)(?![\p{L}\p{N}])/u,
  ],
];

/** What most patterns start their words with: no letter or digit of any script just before. */
const WORD_START = String.raw`(?<![\p{L}\p{N}])`;

/**
 * The table with, for each pattern, its global twin, which looks at every match of a text that
 * quotes something, and a quick twin: the pattern with its word starts loosened to ASCII
 * (`(?<![a-z0-9])`, the text being folded to lower case). The quick twin matches wherever the pattern
 * does (a looser guard, never inside a negation: tests/unit/spam/checks.test.ts) and V8 runs it about
 * twice as fast (a guard on Unicode classes keeps it from skipping ahead: `npm run bench:spam` times
 * the table both ways).
 * Most texts match no pattern, so the exact one runs only where its quick twin matched.
 */
const CATEGORIES = PROMOTION.map(([label, pattern, strength = 'call']) => ({
  label,
  strength,
  pattern,
  quick: new RegExp(pattern.source.split(WORD_START).join('(?<![a-z0-9])'), pattern.flags),
  everyMatch: new RegExp(pattern.source, `${pattern.flags}g`),
}));

/** The table's patterns and their quick twins, which read folded text (tests/unit/spam/checks.test.ts checks their flags and letters). */
export const promotionPatterns = (): readonly { pattern: RegExp; quick: RegExp }[] => CATEGORIES;

/**
 * The promotion categories a submission falls in (outside its links), with their strength (a call
 * when any of the category's call patterns matched, else a topic), in table order. Shared by the
 * promotion rule (which adds points) and the learner (which gets one token per category and so
 * learns, per site, how much each category really tells). Computed once per Features object, like
 * analyze().
 */
export const promotionCategories = perSubmission((features: Features): ReadonlyMap<string, Strength> => {
  const text = foldConfusables(analyze(features).textWithoutLinks);
  const quoted = quotedSpans(text);
  const found = new Map<string, Strength>();
  for (const category of CATEGORIES) {
    const { label, strength } = category;
    // A call pattern can still raise a category found as a topic; a topic pattern only adds one.
    const had = found.get(label);
    if ((strength === 'call' ? had !== 'call' : !had) && saysItself(text, category, quoted)) found.set(label, strength);
  }
  return found;
});

/**
 * Spans between quotation marks ("…", «…», “…”, at most 150 characters): what a comment quotes. A
 * reader who complains of the spam under the articles quotes it ('les annonces "travail à domicile"',
 * 'les bots « récupération crypto »'); a pitch is written in the commenter's own voice.
 */
function quotedSpans(text: string): Array<[number, number]> {
  if (!/["«“]/.test(text)) return [];
  return [...text.matchAll(/"[^"\n]{1,150}"|«[^»\n]{1,150}»|“[^”\n]{1,150}”/g)].map((m) => [
    m.index,
    m.index + m[0].length,
  ]);
}

/** Whether the pattern matches the text outside what it quotes (a match that starts or ends outside counts). */
function saysItself(
  text: string,
  { pattern, quick, everyMatch }: { pattern: RegExp; quick: RegExp; everyMatch: RegExp },
  quoted: Array<[number, number]>,
): boolean {
  if (!quick.test(text) || !pattern.test(text)) return false;
  if (quoted.length === 0) return true;
  for (const match of text.matchAll(everyMatch)) {
    const start = match.index;
    const end = start + match[0].length;
    if (!quoted.some(([open, close]) => open < start && end < close)) return true;
  }
  return false;
}

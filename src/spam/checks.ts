import { disposableEmailBlocklistSet } from 'disposable-email-domains-js';
import { webHost } from '../links';
import { agentOf, analyze, foldConfusables, perSubmission, type Link } from './analyze';
import { matchEntry } from './lists';
import { promotionCategories } from './promotion';
import { domainProblem, inDomainSet } from './net';
import type { SpamSettings } from '../settings/spam';
import type { CheckContext, Features, InvisibleCharacters, Signal } from './types';
import type { DECISIVE_RULES } from './verdict';

/**
 * The rules. Each is a pure function of the submission, the context the service gathered and the
 * settings; it returns the signals it raises (none when the submission looks fine). No rule reads
 * the clock or a database: what they need (form token age, history, lists) comes in `context`.
 */
export type Check = (features: Features, context: CheckContext, settings: SpamSettings) => Signal[];

const signal = (rule: string, score: number, detail: string): Signal => ({ rule, score, detail });

/** A signal of a rule that decides on its own (DECISIVE_RULES in verdict.ts); a weight of 0 turns the rule off. */
const decisive = (rule: keyof typeof DECISIVE_RULES, weight: number, detail: string): Signal[] =>
  weight > 0 ? [{ rule, score: weight, detail }] : [];

/** Shortens user-provided text quoted in a detail (details are shown to moderators, not to the public). */
const quote = (text: string, max = 40) => JSON.stringify(text.length > max ? `${text.slice(0, max)}…` : text);

// 1. Honeypot ------------------------------------------------------------------------------------

export const checkHoneypot: Check = (features, _context, settings) =>
  features.honeypot && features.honeypot.trim() !== ''
    ? decisive('honeypot', settings.weightHoneypot, `hidden field '${settings.honeypotField}' was filled in`)
    : [];

// 2. Form token ----------------------------------------------------------------------------------

export const checkFormToken: Check = (_features, { formToken }, settings) => {
  switch (formToken.state) {
    case 'skipped':
      return [];
    case 'missing':
      return [signal('form_token', settings.weightFormTokenMissing, 'no form token')];
    case 'invalid':
      return [signal('form_token', settings.weightFormTokenInvalid, 'form token forged or for another form')];
    case 'used':
      // Weighs as a forged one: a reader who posts twice from one page is not refused, a replay gains nothing.
      return [signal('form_token', settings.weightFormTokenInvalid, 'form token already used by another comment')];
    case 'shared':
    case 'ok': {
      if (formToken.ageMs < settings.minSeconds * 1000) {
        const seconds = (Math.max(0, formToken.ageMs) / 1000).toFixed(1);
        return decisive(
          'form_too_fast',
          settings.weightFormTokenTooFast,
          `form sent ${seconds} s after the page was served`,
        );
      }
      if (formToken.ageMs > settings.formTokenMaxAgeSeconds * 1000) {
        const hours = Math.round(formToken.ageMs / 3_600_000);
        return [signal('form_token', settings.weightFormTokenExpired, `form token ${hours} h old`)];
      }
      if (formToken.state === 'shared')
        return [signal('form_token', settings.weightFormTokenShared, 'shared token of a form without JavaScript')];
      return [];
    }
  }
};

// 3. Links ---------------------------------------------------------------------------------------

// Query parameters of referral and affiliate programmes: someone is paid for the click.
const REFERRAL =
  /[?&](?:ref|r|aff|aff_?id|affiliate|referr?al|refer|invite|invite_?code|ref_?id|partner|promo)=[^&#\s]+/i;

// Common URL shorteners: they hide where a link leads, and some (adf.ly, shorte.st, ouo.io…) pay
// their users per click. A platform's short form of its own addresses (youtu.be, lnkd.in) is not one.
const SHORTENERS = new Set(
  (
    'bit.ly bitly.com adf.ly j.gs q.gs ow.ly goo.gl tinyurl.com is.gd v.gd buff.ly cutt.ly shorte.st sh.st ' +
    'ouo.io bc.vc tiny.cc rebrand.ly rb.gy shorturl.at s.id t.ly clck.ru u.to x.co linkvertise.com ' +
    'shrinkme.io exe.io soo.gd po.st qr.net 1url.com tr.im'
  ).split(' '),
);

// Sites readers cite as sources: public institutions (parliaments, ministries, public services) of
// the French-speaking countries and of Europe, and the reference works. A link to one of them is a
// source, not an advertisement: the link rules do not count it (the learner reads it as 'm:ref').
// Matched by registrable domain and its subdomains only, so 'impots-gouv.fr' or
// 'gouv.fr.example.com' are not sources.
const REFERENCE_SITES = new Set(
  (
    'gouv.fr service-public.fr info-retraite.fr ameli.fr caf.fr urssaf.fr francetravail.fr pole-emploi.fr ' +
    'insee.fr assemblee-nationale.fr senat.fr vie-publique.fr conseil-constitutionnel.fr conseil-etat.fr ' +
    'cour-des-comptes.fr banque-france.fr cnil.fr has-sante.fr sante.fr meteofrance.com bnf.fr ' +
    'belgium.be belgique.be fgov.be lachambre.be senate.be wallonie.be ' +
    'admin.ch ch.ch parlament.ch ' +
    'gc.ca canada.ca parl.ca noscommunes.ca quebec.ca gouv.qc.ca assnat.qc.ca ' +
    'gouv.lu public.lu chd.lu europa.eu coe.int who.int un.org oecd.org imf.org ' +
    'wikipedia.org wikimedia.org wiktionary.org wikisource.org wikidata.org doi.org arxiv.org'
  ).split(' '),
);

/** A link written in the text to a source (REFERENCE_SITES); markup links and the website are never one. */
const isReference = (link: Link) =>
  link.kind !== 'website' &&
  link.kind !== 'html' &&
  link.kind !== 'bbcode' &&
  link.host !== null &&
  inDomainSet(link.host, REFERENCE_SITES);

/**
 * A submission's links apart from its sources (what the link rules count and the learner reads as
 * links), and how many sources it cites. Once per submission: the link rule and the learner ask.
 */
export const countedLinks = perSubmission((features: Features) => {
  const { links } = analyze(features);
  const counted = links.filter((link) => !isReference(link));
  return { counted, sources: links.length - counted.length };
});

// Top-level domains as an obfuscated address spells them ('site . com', 'site[.]fr').
const OBFUSCATED_TLDS =
  'com|net|org|fr|info|biz|io|co|ru|de|be|ch|ca|eu|xyz|top|online|site|club|shop|store|live|tv|me|app|pro|icu|vip|win|link';
/** The start of a host label, read from the start of its word only (not from every letter inside it). */
const LABEL = String.raw`(?<![\p{L}\p{N}-])[\p{L}\p{N}][\p{L}\p{N}-]`;
/**
 * A web address written so that nothing reads it as a link (and no filter sees its host): 'hxxp://',
 * 'www[.]site', 'site . com', 'site(dot)com', 'site(point)fr', 'w w w . site'. Read in the text
 * outside real links, case-sensitively for the spaced dot (a sentence that ends before 'Com…' is no
 * address). Linear: each alternative is bounded or anchored on a literal.
 */
const OBFUSCATED = new RegExp(
  [
    String.raw`\bh\s?x\s?x\s?ps?\s?:\s?\/\/`,
    String.raw`\bw\s?w\s?w\s?(?:\[\.\]|\(\.\)|\[dot\]|\(dot\)|\s+dot\s+|\s\.\s?|\s?\.\s)\s?[\p{L}\p{N}]`,
    String.raw`\bw\s+w\s+w\b`,
    // Spelled out letter by letter ('r e n c o n t r e - c h a u d e . c o m').
    String.raw`(?<![\p{L}\p{N}])(?:[\p{L}\p{N}-]\s){4,62}\.\s?(?:c\s+o\s+m|n\s+e\s+t|o\s+r\s+g|f\s+r|b\s+e|c\s+h|i\s+o)(?![\p{L}\p{N}])`,
    String.raw`${LABEL}{1,62}\s?(?:\[\.\]|\(\.\)|\{\.\}|\[dot\]|\(dot\)|\[point\]|\(point\)|\s+dot\s+)\s?(?:${OBFUSCATED_TLDS})(?![\p{L}\p{N}])`,
    // 'site point fr', spelled in French; only the domains that no French word after "point" spells ('au point de').
    String.raw`${LABEL}{1,62}\s+point\s+(?:com|fr|net|org|be|ch|eu|biz|io|xyz|shop|online)(?![\p{L}\p{N}])`,
    String.raw`${LABEL}{2,62}(?:\s\.\s?|\.\s)(?:${OBFUSCATED_TLDS})(?![\p{L}\p{N}.-])`,
  ].join('|'),
  'u',
);

/** The first obfuscated web address of a text (as written), or null. */
export function obfuscatedLink(text: string): string | null {
  return OBFUSCATED.exec(text)?.[0] ?? null;
}

export const checkLinks: Check = (features, { memory }, settings) => {
  const { links } = analyze(features);
  const out: Signal[] = [];
  const referral = links.find((link) => REFERRAL.test(link.target));
  if (referral)
    out.push(
      signal('referral_link', settings.weightReferralLink, `referral code in a link to ${referral.host ?? 'a site'}`),
    );
  const shortened = links.find((link) => link.host !== null && inDomainSet(link.host, SHORTENERS));
  if (shortened)
    out.push(
      signal('shortened_link', settings.weightShortenedLink, `link through the URL shortener ${shortened.host}`),
    );
  const obfuscated = obfuscatedLink(analyze(features).textWithoutLinks);
  if (obfuscated)
    out.push(
      signal(
        'obfuscated_link',
        settings.weightObfuscatedLink,
        `web address written to dodge filters: ${quote(obfuscated, 30)}`,
      ),
    );
  const markup = links.filter((link) => link.kind === 'html' || link.kind === 'bbcode');
  if (markup.length > 0) {
    const kinds = [...new Set(markup.map((link) => (link.kind === 'html' ? 'HTML <a href>' : 'BBCode [url]')))];
    out.push(...decisive('link_markup', settings.weightLinkMarkup, `${kinds.join(' and ')} link markup`));
  }
  const { counted } = countedLinks(features);
  if (counted.length >= settings.maxLinks) {
    out.push(
      ...decisive('too_many_links', settings.weightManyLinks, `${counted.length} links (limit ${settings.maxLinks})`),
    );
  } else if (counted.length > 0 && settings.weightLink > 0) {
    out.push(
      signal('links', settings.weightLink * counted.length, `${counted.length} link${counted.length > 1 ? 's' : ''}`),
    );
  }
  if (counted.length > 0 && memory.approvedByEmail === 0 && settings.weightNewcomerLink > 0)
    out.push(signal('links', settings.weightNewcomerLink, 'a link from an address with no comment approved before'));
  return out;
};

// 4. Lists ---------------------------------------------------------------------------------------

export const checkLists: Check = (features, { lists }, settings) => {
  const out: Signal[] = [];
  for (const list of ['disallowed', 'moderation'] as const) {
    const hits: string[] = [];
    for (const entry of lists) {
      if (entry.list !== list) continue;
      const where = matchEntry(entry, features);
      if (where) hits.push(`${entry.kind} ${quote(entry.value)} in ${where}`);
      if (hits.length >= 3) break; // enough to explain the decision
    }
    if (hits.length > 0) {
      const weight = list === 'disallowed' ? settings.weightDisallowedList : settings.weightModerationList;
      out.push(...decisive(`${list}_list`, weight, hits.join('; ')));
    }
  }
  return out;
};

// 5. Local memory --------------------------------------------------------------------------------

export const checkMemory: Check = (_features, { memory }, settings) => {
  const out: Signal[] = [];
  const plural = (n: number) => (n > 1 ? `${n} comments` : 'a comment');
  if (memory.spamByIp > 0)
    out.push(signal('memory', settings.weightSpamByIp, `${plural(memory.spamByIp)} from this IP marked spam`));
  if (memory.spamByEmail > 0)
    out.push(signal('memory', settings.weightSpamByEmail, `${plural(memory.spamByEmail)} with this email marked spam`));
  if (memory.spamByWebsiteHost > 0) {
    out.push(
      signal(
        'memory',
        settings.weightSpamByWebsiteHost,
        `${plural(memory.spamByWebsiteHost)} linking this website marked spam`,
      ),
    );
  }
  if (memory.approvedByEmail > 0) {
    // Capped: trust lowers weak signals, and decisive signals stay decisive (see verdict.ts).
    const bonus = Math.min(settings.trustedCap, settings.weightTrustedPerApproved * memory.approvedByEmail);
    if (bonus > 0)
      out.push(signal('trusted', -bonus, `${plural(memory.approvedByEmail)} with this email approved before`));
  }
  return out;
};

// 6. Content shape -------------------------------------------------------------------------------

// Zero-width characters that have no business inside a word of any script.
// Not the soft hyphen (U+00AD): hyphenation points inside words are what it is for, and text pasted
// from a web page carries them.
const INVISIBLE_IN_WORD = /[\p{L}\p{N}][\u034F\u180E\u200B\u2060-\u2064\uFEFF]+[\p{L}\p{N}]/u;
// Joiners are legitimate in Arabic, Persian and Indic scripts and in emoji, not between Latin letters.
const JOINER_IN_LATIN = /\p{Script=Latin}[\u200C\u200D]+\p{Script=Latin}/u;
// Left out of the count: the joiners (U+200C, U+200D: three make one family emoji or one Persian
// sentence), the soft hyphen, and the direction marks, embeddings and isolates that Arabic and
// Hebrew text carries. The overrides (U+202D, U+202E), which show text reversed, count.
const INVISIBLE_ANY = /[\u034F\u180E\u200B\u202D\u202E\u2060-\u2064\uFEFF]/gu;
const MIXED_WORD = /[\p{L}\p{M}]+/gu;
const LATIN = /\p{Script=Latin}/u;
const LOOKALIKE = /[\p{Script=Cyrillic}\p{Script=Greek}]/u;
// Mathematical alphanumerics (𝐟𝐫𝐞𝐞), enclosed (ⓕⓡⓔⓔ) and squared/negative letters (🅵🆁🅴🅴): styled to dodge filters.
const STYLED = /[\u{1D400}-\u{1D7FF}\u24B6-\u24E9\u{1F130}-\u{1F189}]/gu;
const PHONE =
  /(?<![\p{L}\p{N}+])(?:\+\d{1,3}[\s.-]?)?(?:\(\d{1,4}\)[\s.-]?)?\d{1,4}(?:[\s.-]?\d{2,4}){2,5}(?![\p{L}\p{N}])/gu;
const THOUSANDS = /^\d{1,3}(?:([.,\s])\d{3})(?:\1\d{3})*$/;

/** Phone numbers of a text (9 to 15 digits, not a count with thousands separators nor a bare id). */
export function phoneNumbers(text: string): string[] {
  return (text.match(PHONE) ?? []).filter((candidate) => {
    const digits = candidate.replace(/\D/g, '').length;
    if (digits < 9 || digits > 15) return false;
    if (THOUSANDS.test(candidate.trim())) return false; // 1.234.567 views
    if (/^\d+$/.test(candidate) && !candidate.startsWith('0')) return false; // a bare long number: an id, a count
    return true;
  });
}

// A spintax group: '{Super|Génial|Excellent}', alternatives of words that a spinner was meant to
// pick from, left unexpanded. Not '${a|b}' nor '{{ a | b }}' (templates), nor '{a,b}' (shell).
const SPINTAX = /(?<![{$\p{L}\p{N}])\{[^{}|\n]{1,60}(?:\|[^{}|\n]{1,60}){1,12}\}(?!\})/gu;

/** How many spintax groups a text holds (each alternative with a letter in it). */
export function spintax(text: string): number {
  return (text.match(SPINTAX) ?? []).filter((group) =>
    group
      .slice(1, -1)
      .split('|')
      .every((alternative) => /\p{L}/u.test(alternative)),
  ).length;
}

/**
 * Invisible characters of a text. The service applies it to the content as submitted, before
 * normalization removes them (see Features.invisible).
 */
export function invisibleCharacters(text: string): InvisibleCharacters {
  return {
    count: (text.match(INVISIBLE_ANY) ?? []).length,
    insideWords: INVISIBLE_IN_WORD.test(text) || JOINER_IN_LATIN.test(text),
  };
}

export const checkShape: Check = (features, _context, settings) => {
  const { links, words, textWithoutLinks, emails, letters } = analyze(features);
  const content = features.content;
  const out: Signal[] = [];

  const contentLinks = links.filter((link) => link.kind !== 'website');
  if (contentLinks.length > 0 && words.length <= 2) {
    out.push(signal('shape', settings.weightLinkOnly, 'nothing but a link'));
  }

  const { upper, lower } = letters;
  if (upper + lower >= 20 && upper / (upper + lower) >= 0.7) {
    out.push(
      signal('shape', settings.weightMostlyCapitals, `${Math.round((100 * upper) / (upper + lower))} % capitals`),
    );
  }

  const run = /([^\s\d])\1{7,}/u.exec(textWithoutLinks);
  if (run) out.push(signal('shape', settings.weightCharacterRun, `run of ${run[0].length} × ${quote(run[1] ?? '')}`));

  const invisible = features.invisible ?? invisibleCharacters(content);
  if (invisible.insideWords || invisible.count >= 3) {
    out.push(signal('shape', settings.weightInvisible, `invisible characters (${invisible.count}) hiding words`));
  }

  const mixed = (content.match(MIXED_WORD) ?? []).filter((word) => LATIN.test(word) && LOOKALIKE.test(word));
  const styled = (content.match(STYLED) ?? []).length;
  if (mixed.length > 0) {
    out.push(
      signal('shape', settings.weightMixedScript, `Latin mixed with Cyrillic or Greek in ${quote(mixed[0] ?? '')}`),
    );
  } else if (styled >= 3) {
    out.push(signal('shape', settings.weightMixedScript, `${styled} styled look-alike letters`));
  }

  const spun = spintax(content);
  if (spun > 0)
    out.push(
      signal(
        'spintax',
        Math.min(2, spun) * settings.weightSpintax,
        `${spun} unexpanded spintax group${spun > 1 ? 's' : ''} ({a|b})`,
      ),
    );

  const phones = phoneNumbers(textWithoutLinks);
  if (emails.length > 0 || phones.length > 0) {
    const what = [emails.length > 0 ? 'an email address' : '', phones.length > 0 ? 'a phone number' : ''].filter(
      Boolean,
    );
    out.push(signal('shape', settings.weightContactInText, `${what.join(' and ')} in the text`));
  }

  return out;
};

// 6b. Promotion: calls to action and spam topics (the patterns are in promotion.ts) -------------

export const checkPromotion: Check = (features, _context, settings) => {
  const found = promotionCategories(features);
  if (found.size === 0) return [];
  const weights = [...found.values()].map((s) => (s === 'call' ? settings.weightPromotion : settings.weightSpamTopic));
  const score = Math.min(
    settings.promotionCap,
    weights.reduce((a, b) => a + b, 0),
  );
  return [signal('promotion', score, [...found.keys()].join(', '))];
};

// 8. Email domain --------------------------------------------------------------------------------

let disposable: Set<string> | undefined;
/** The disposable-email-domains list (≈9,000 domains), loaded into a Set on first use. */
function isDisposableDomain(domain: string): boolean {
  disposable ??= disposableEmailBlocklistSet();
  return inDomainSet(domain.trim().toLowerCase(), disposable);
}

export const checkEmailDomain: Check = (features, _context, settings) => {
  const email = features.email.trim();
  if (!email) return []; // optional on some sites: whether it is required is the form's business
  const { emailDomain } = analyze(features);
  const local = email.slice(0, email.lastIndexOf('@'));
  if (emailDomain === null || !local) {
    return [signal('email', settings.weightInvalidEmailDomain, 'email address without a domain')];
  }
  const problem = domainProblem(emailDomain);
  if (problem) return [signal('email', settings.weightInvalidEmailDomain, `${problem} in the email address`)];
  if (isDisposableDomain(emailDomain))
    return [signal('email', settings.weightDisposableEmail, 'disposable email domain')];
  return [];
};

// 9. Cross-posting -------------------------------------------------------------------------------

export const checkCrossPosts: Check = (_features, { crossPosts }, settings) =>
  crossPosts > 0
    ? decisive(
        'cross_post',
        settings.weightCrossPost,
        `same text on ${crossPosts} other article${crossPosts > 1 ? 's' : ''} in 24 h`,
      )
    : [];

// 10. Author name --------------------------------------------------------------------------------

/**
 * Words of a product, a trade or a scam where a person's name belongs ("Best Plumbing Services
 * Toronto", "Cheap Jerseys", "Marabout Dossou"): how SEO spam signs its comments.
 */
const NAME_SPAM_WORDS =
  /(?<![\p{L}\p{N}])(?:seo|casinos?|viagra|cialis|xanax|loans?|lenders?|payday|porn|sex|sexy|xxx|escorts?|dating|forex|crypto|bitcoin|trading|replica|pharmacy|pills|cheap|buy|discount|essays?|writers|insurance|mortgage|backlinks?|marketing|agency|promo|outlet|coupons?|followers|download|free|online|jerseys|handbags|sneakers|louboutin|vuitton|rolex|vpn|iptv|hosting|locksmiths?|plumbing|movers|roofing|hackers|recovery|services|reviews|marabout|voyance|voyante?s?|m[eé]diums?|astrologie|horoscope|pr[eê]ts?|cr[eé]dits?|pas\s+cher|gratuite?s?|serruriers?|plombiers?|d[eé]pannages?|d[eé]m[eé]nagements?|[eé]lagages?|nettoyages?|paris\s+sportifs?|pronos(?:tics)?|streaming|abonn[eé]s|pharmacie|boutique|immo|rachat|rencontres?|coquines?|recrutement|investissements?|r[eé]cup[eé]ration|recouvrement|astuces|maillots?|chaussures|sacs|parfums|bijoux|montres|st[eé]ro[iï]des|nutrition|loterie|permis|licences?|logiciels?|outsourcing|photographe|humanitaire|bonus|fan\s+club|emploi|shop|store|cbd|minceur|d[eé]fiscalisation|fiscal|patrimoine|h[eé]ritages?|bien[- ]?[eê]tre|vitalit[eé]|coaching|formations?|travail|jobs?|destockage|international|facile|academy|acad[eé]mie|opportunit[eé]s?)(?![\p{L}\p{N}])/iu;

/**
 * The same trades in the address of the author's website, where a comment form puts the link that
 * blog spam is written for ("cheap-jerseys-outlet.example", "bestpaydayloans.example"). Fewer
 * words than for names, as a website names a business more often than a name does: a word between
 * separators, or one of the unambiguous ones run together with others. The trades that buy links
 * for their local search ranking ("serrurier-lyon-24h", "reparation-ecran-…") are among them: a
 * craftsman reader is held until a moderator approves one of their comments, never judged spam.
 */
const WEBSITE_SPAM_WORDS =
  /(?<!\p{L})(?:poker|loans?|porn|xxx|escorts?|pills|cheap|essays?|seo|followers|handbags|marabout|voyance|voyant|medium|pret|credit|rencontres?|sexy|pharmacie|streaming|iptv|pronos?|dating|locksmith|plumbing|weight-?loss|replicas?|avis|shop|promos?|destock\p{L}*|defisc\p{L}*|dropshipping|meilleure?s?|achat|bons?-?plans?|comparatifs?|cbd|minceur|gratuite?s?|rapides?|devis|tarifs?|estimations?|cpf|formations?|locations?|discount|comparateurs?|eligibilite|invest\p{L}*|redaction|premium|serruri\p{L}*|plombi\p{L}*|depannages?|demenage\p{L}*|nettoyages?|renovations?|toitures?|couvreurs?|vitriers?|elagages?|debouchages?|chauffagistes?|climatisations?|reparations?|massages?|tantriques?|unblocked|cheats?|hacks?|aimbots?|boosting|generat(?:eu|o)r|deals?|soldes|outlets?|bon-?marche|moins-?cher|pas-?cher|abonnes|vues|viewers)(?!\p{L})|viagra|cialis|levitra|xanax|casinos?|payday|replica|louboutin|vuitton|jerseys|backlinks?|pascher|retouraffectif|entreparticuliers?|parissportifs?/iu;

/** The words of a host label made of words run together with hyphens ('best-essay-writing-service'), or null. */
const hyphenWords = (label: string) => (/^[\p{L}\p{N}]+(?:-[\p{L}\p{N}]+)+$/u.test(label) ? label.split('-') : null);

const letters = (text: string) => text.replace(/[^\p{L}]/gu, '');

/**
 * Three words or more of a host label ('serrurier-bruxelles-24h', 'robes-de-soiree-pas-cher'; 'de'
 * and 'a' do not count) of which none spells a word of the commenter's name or email (folded):
 * 'ludo-budget-malin' for Ludo, 'arnaud-coaching-…' for arnaud@… are their own. An address bought
 * for its keywords. A blog on a platform ('….over-blog.com') is read by its platform's label, one
 * word. Readers' own sites are mostly their name, one word or a title of two ('carnets-de-julie').
 */
function namesNobody(words: readonly string[], name: string, localPart: string): boolean {
  if (words.filter((word) => word.length >= 3).length < 3) return false;
  const host = words.join('');
  return !(`${name} ${localPart}`.match(/\p{L}{3,}/gu) ?? []).some((part) => host.includes(part));
}

/**
 * The words of praise that fits any article, in French and English ("Très bon article, merci pour
 * le partage !", "Great post, thanks for sharing"): the stock text of comments written for the link
 * in their website field. Read folded (lower case, no diacritics).
 */
const PRAISE_WORDS = new Set(
  (
    'tres vraiment super excellent excellente excellents bon bonne bons bel beau belle magnifique ' +
    'superbe joli jolie chouette genial geniale top bravo merci mille beaucoup infiniment pour le la ' +
    'les l ce cet cette ces votre vos ton tes article articles billet post partage partager partages ' +
    'sujet analyse explication explications info infos information informations contenu texte ' +
    'travail blog site lecture conseils conseil clair claire claires clairs interessant interessante ' +
    'interessants interessantes utile utiles instructif instructive enrichissant passionnant de du ' +
    'des d un une et a au aux je j ai appris plein choses continuez continue ainsi comme ca c est ' +
    'mes collegues amis favoris lu plaisir qualite bien ecrit documente redige quel quelle toujours ' +
    'agreable sympa complet complete vais avec amies great nice good awesome amazing wonderful ' +
    'fantastic informative useful helpful thanks thank you for sharing the this an keep it up work ' +
    'really very much so i learned lot love read well written content and of your my friends bookmarked share appreciate posts cool'
  ).split(' '),
);
const PRAISE_ANCHOR =
  /\b(?:merci|bravo|super|excellente?|magnifique|superbe|genial|top|tres\s+bon|bel|thanks?|great|nice|awesome|amazing|wonderful|fantastic)\b/;

/** A comment of up to 25 words, all of them words of praise that fits any article. */
function praiseOnly(text: string): boolean {
  const words = foldConfusables(text).match(/\p{L}+/gu) ?? [];
  return (
    words.length > 0 &&
    words.length <= 25 &&
    PRAISE_ANCHOR.test(words.join(' ')) &&
    words.every((word) => PRAISE_WORDS.has(word))
  );
}

/**
 * The website's address as the author rule reads it: its host (look-alike letters folded,
 * 'ᴄʜᴇᴀᴘ-jerseys', 'vi%61gra'), the spam keyword in it, and the string of words it is made of when
 * it names the commenter's own blog or site nowhere in the text.
 */
const addressOf = perSubmission((features: Features) => {
  const name = foldConfusables(features.author);
  const host = features.website ? webHost(foldConfusables(features.website)) : null;
  const bare = host ? host.replace(/^www\d*\./, '') : '';
  const label = bare.slice(0, bare.lastIndexOf('.'));
  const inHost = label ? WEBSITE_SPAM_WORDS.exec(label) : null;
  const email = features.email.trim();
  const localPart = foldConfusables(email.slice(0, Math.max(0, email.lastIndexOf('@'))));
  // A string of keywords as the address counts unless the text names the commenter's own blog or
  // site: the address is then that blog's, which the self-promotion rule has counted already.
  const words = inHost ? null : hyphenWords(label.split('.').pop() ?? '');
  const keywords = words && !promotionCategories(features).has('self-promotion') ? words : null;
  return {
    name,
    host,
    label,
    inHost,
    localPart,
    keywords,
    namesNoOne: !!keywords && namesNobody(keywords, name, localPart),
  };
});

/**
 * Whether the website's address was bought for its keywords: a spam keyword in it, or a string of
 * keywords that names neither the commenter nor their email (the author rule's two strong signals).
 */
export const keywordAddress = (features: Features) => {
  const address = addressOf(features);
  return address.inHost !== null || address.namesNoOne;
};

export const checkAuthor: Check = (features, _context, settings) => {
  const { name, host, label, inHost, localPart, keywords, namesNoOne } = addressOf(features);
  const out: Signal[] = [];
  if (/(?:https?:\/\/|www\.|\.(?:com|net|org|info|biz|ru|xyz|top|online|site|shop|io)(?![\p{L}\p{N}]))/iu.test(name)) {
    out.push(signal('author', settings.weightAuthorUrl, 'web address in the name'));
  }
  const word = NAME_SPAM_WORDS.exec(name);
  if (word) out.push(signal('author', settings.weightAuthorSpamWords, `spam keyword ${quote(word[0])} in the name`));
  if (inHost)
    out.push(
      signal('author', settings.weightAuthorSpamWords, `spam keyword ${quote(inHost[0])} in the website's address`),
    );
  else if (namesNoOne)
    out.push(
      signal(
        'author',
        settings.weightAuthorSpamWords,
        "a string of keywords as the website's address, naming neither the commenter nor their email",
      ),
    );
  else if (keywords && keywords.length >= 4)
    out.push(signal('author', settings.weightKeywordMetadata, "a string of keywords as the website's address"));
  // The email's local part spelling the website's keywords ('plumbingservices@…' for
  // plumbingservices.example, 'pretentreparticulier@…' for pret-entre-particulier-serieux.example):
  // a mailbox made for the campaign. Only where the name or the address names a trade: a person's
  // own site ('camille.martin@…' for camille-martin.example) is left alone.
  const local = letters(localPart);
  if (local.length >= 6 && letters(label).includes(local) && (word || inHost || WEBSITE_SPAM_WORDS.test(local)))
    out.push(signal('author', settings.weightKeywordMetadata, "the email's local part spells the website's keywords"));
  // A website, and a text that would fit under any article: the comment was written for its link.
  if (host && praiseOnly(analyze(features).textWithoutLinks))
    out.push(signal('author', settings.weightKeywordMetadata, 'praise that fits any article, with a website'));
  return out;
};

// 11. User agent ---------------------------------------------------------------------------------

/**
 * Major versions below which a browser is years out of date (all from 2020 or before): what the
 * user agents that comment bots copy once and keep say (Firefox 40, Chrome 58, Internet Explorer).
 * Fixed numbers, not the clock: they only ever get more lenient as time passes.
 */
const OUTDATED: Record<string, number> = {
  chrome: 80,
  firefox: 72,
  edge: 80,
  opera: 66,
  samsung: 10,
  safari: 13,
  msie: 1000,
};

const outdated = (browser: string) => {
  const [name = '', version = ''] = browser.split('/');
  const major = Number.parseInt(version, 10);
  return Number.isFinite(major) && major < (OUTDATED[name] ?? 0);
};

export const checkUserAgent: Check = (features, _context, settings) => {
  const { agent } = agentOf(features);
  if (!agent) return []; // unknown (a dry run, a corpus without it): no opinion
  if (!agent.sent) return [signal('user_agent', settings.weightUserAgentMissing, 'no user agent')];
  if (agent.library)
    return [signal('user_agent', settings.weightUserAgentLibrary, `sent by ${quote(agent.library)}, not a browser`)];
  if (agent.browser && outdated(agent.browser))
    return [signal('user_agent', settings.weightUserAgentOutdated, `a browser no one still runs (${agent.browser})`)];
  return [];
};

import { describe, expect, it } from 'vitest';
import { setup } from '@harness';
import { adminCall, comment, post } from '../harness/client';

/**
 * #18 through the real stack: comments posted as a browser posts them (form token, browser user
 * agent) under a French article, nothing trained; the verdict read back as a moderator.
 */
type T = Awaited<ReturnType<typeof setup>>;

async function posted(t: T, body: Record<string, unknown>) {
  const res = await post(t, 'fr-1', comment(body));
  expect(res.status).toBe(201);
  const { comment: answer } = (await res.json()) as { comment: { id: string; status: string } };
  const stored = (await adminCall(t, 'GET', `/comments/${answer.id}`)).body.comment;
  return { answer, stored };
}

describe('a French site at cold start', () => {
  it.each([
    ['loans', 'Prêt entre particuliers sérieux et rapide, contactez-moi sur WhatsApp au +33 6 12 34 56 78'],
    ['psychics', 'Grand marabout africain, retour de l’être aimé en 7 jours. WhatsApp : +229 97 45 12 33'],
    ['spintax', '{Super|Génial|Excellent} article, {merci|je vous remercie} pour {ce partage|ces informations}.'],
    [
      'casino',
      'Le meilleur casino en ligne : bonus de bienvenue et tours gratuits, inscrivez-vous maintenant sur hxxp://casino-bonus . net',
    ],
    [
      'recovery',
      'Victime d’une arnaque crypto ? Nos experts récupèrent vos fonds en 48 h, écrivez-nous sur Telegram @RecupFonds',
    ],
  ])('%s spam is not published, and its author is told only that it waits', async (_family, content) => {
    const t = await setup();
    const { answer, stored } = await posted(t, { content });
    expect(stored.verdict).not.toBe('approve');
    // Judged spam or held, the public answer is the same: pending (nothing to learn from it).
    expect(answer.status).toBe('pending');
  });

  it.each([
    'Petite précision : le texte a été adopté par 289 voix contre 256, pas 298. Source : https://www.assemblee-nationale.fr/dyn/16/scrutins',
    'Bonjour, quelqu’un sait si la mesure s’applique aussi aux contrats signés avant janvier ?',
    'Great article, shared it with my team. The part about open source licences is spot on.',
    'Ma mère reçoit des messages WhatsApp d’un « conseiller » qui promet de doubler son épargne. Merci pour cet article.',
  ])('a reader is published: %j', async (content) => {
    const t = await setup();
    const { answer, stored } = await posted(t, { content });
    expect(answer.status).toBe('approved');
    expect(stored.verdict).toBe('approve');
  });

  it('never judges spam a reader discussing what spam sells (held at worst, for a moderator)', async () => {
    const t = await setup();
    for (const content of [
      'Les paris sportifs en ligne font des ravages chez les jeunes, il faudrait interdire la pub pendant les matchs.',
      'Le bitcoin a perdu 20 % cette semaine, les crypto-monnaies restent une bulle spéculative.',
      'Mon frère s’est fait arnaquer par un faux site de trading, puis par des « experts en récupération ».',
    ]) {
      expect((await posted(t, { content })).stored.verdict, content).not.toBe('spam');
    }
  });

  it('holds, never judges spam, a reader who links a source and the blog they name', async () => {
    const t = await setup();
    const reader = {
      author: 'Véronique',
      email: 'vero.b@exemple.be',
      website: 'https://balades-en-ardenne-belge.example',
      content:
        'Le tracé complet du nouveau sentier est sur le site de la commune : https://www.bouillon.be/sentiers . J’en ai fait le tour samedi, je raconte tout sur mon blog avec les photos.',
    };
    // Two links (hold), her blog named (self-promotion, a topic), and the blog's address, a string of
    // keywords: one fact counted once, by the self-promotion rule, and the prior adds nothing for it.
    const { answer, stored } = await posted(t, reader);
    expect(stored.verdict).toBe('hold');
    expect(answer.status).toBe('pending');
    const rules = (stored.reasons as { rule: string; detail: string }[]).map((r) => `${r.rule}: ${r.detail}`);
    expect(rules).toContainEqual(expect.stringMatching(/^too_many_links/));
    expect(rules).toContainEqual('promotion: self-promotion');
    expect(rules.filter((r) => r.startsWith('author'))).toEqual([]);
    // Without naming her blog, the same address of keywords that do not name her weighs (and holds).
    const quiet = await posted(t, { ...reader, email: 'vero.b2@exemple.be', content: 'Très juste, merci.' });
    expect(quiet.stored.verdict).toBe('hold');
    expect(quiet.stored.reasons.map((r: { detail: string }) => r.detail)).toContainEqual(
      "a string of keywords as the website's address, naming neither the commenter nor their email",
    );
  });

  it('says when the prior spoke, and the setting turns it off', async () => {
    const t = await setup();
    const content = 'Gagnez 3 000 € par mois depuis chez vous, aucune expérience requise, écrivez-moi en privé';
    const first = (await posted(t, { content })).stored;
    expect(first.reasons.find((r: { rule: string }) => r.rule === 'learner')?.detail).toMatch(/\(prior\)/);
    expect((await adminCall(t, 'PATCH', '/settings', { spam: { learnerPrior: false } })).status).toBe(200);
    expect((await adminCall(t, 'GET', '/settings')).body.settings.spam.learnerPrior).toBe(false);
    const second = (await posted(t, { content: `${content}.` })).stored;
    expect(second.reasons.map((r: { rule: string }) => r.rule)).not.toContain('learner');
  });
});

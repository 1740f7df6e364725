/** Messages for people: English, or French when the client prefers it. */

export type Lang = 'en' | 'fr';

/** Picks `fr` when the highest-ranked language of Accept-Language is French, `en` otherwise. */
export function pickLanguage(acceptLanguage: string | undefined): Lang {
  if (!acceptLanguage) return 'en';
  let best: { tag: string; q: number } | null = null;
  for (const part of acceptLanguage.split(',')) {
    const [tagRaw, ...params] = part.trim().split(';');
    const tag = (tagRaw ?? '').trim().toLowerCase();
    if (!tag) continue;
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    if (!Number.isFinite(q) || q <= 0) continue;
    if (!best || q > best.q) best = { tag, q };
  }
  return best && (best.tag === 'fr' || best.tag.startsWith('fr-')) ? 'fr' : 'en';
}

type Params = Record<string, string | number>;
type Messages = Record<string, string>;

/** Field messages, keyed by a stable message key. */
const fieldMessages: Record<Lang, Messages> = {
  en: {
    required: 'This field is required.',
    too_long: 'Must be at most {max} characters.',
    too_short: 'Must be at least {min} characters.',
    too_small: 'Must be at least {min}.',
    too_big: 'Must be at most {max}.',
    invalid_email: 'Enter a valid email address.',
    invalid_url: 'Enter a valid web address starting with http:// or https://.',
    invalid_type: 'This value has the wrong type.',
    invalid_value: 'This value is not allowed.',
    invalid_cursor: 'This cursor is not valid; start again from the first page.',
    invalid_continuation: 'This continuation token is not valid; send the request again from the start.',
    invalid_id: 'This identifier is not valid.',
    unknown_field: 'This field is not recognised.',
    too_many: 'At most {max} values.',
    invalid_ip: 'Enter an IPv4 address (four decimal numbers) or an IPv6 address.',
    invalid_cidr: 'Enter a network as address/bits, e.g. 203.0.113.0/24 or 2001:db8::/32.',
    invalid_domain: 'Enter a domain name such as example.com, without http:// or a path.',
    invalid_word: 'Enter a word or a phrase of at most 100 characters.',
  },
  fr: {
    required: 'Ce champ est obligatoire.',
    too_long: '{max} caractères au maximum.',
    too_short: '{min} caractères au minimum.',
    too_small: 'La valeur minimale est {min}.',
    too_big: 'La valeur maximale est {max}.',
    invalid_email: 'Saisissez une adresse e-mail valide.',
    invalid_url: 'Saisissez une adresse web valide commençant par http:// ou https://.',
    invalid_type: "Le type de cette valeur n'est pas valide.",
    invalid_value: "Cette valeur n'est pas autorisée.",
    invalid_cursor: "Ce curseur n'est pas valide ; repartez de la première page.",
    invalid_continuation: "Ce jeton de suite n'est pas valide ; renvoyez la requête depuis le début.",
    invalid_id: "Cet identifiant n'est pas valide.",
    unknown_field: "Ce champ n'est pas reconnu.",
    too_many: '{max} valeurs au maximum.',
    invalid_ip: 'Saisissez une adresse IPv4 (quatre nombres décimaux) ou IPv6.',
    invalid_cidr: 'Saisissez un réseau sous la forme adresse/bits, par exemple 203.0.113.0/24 ou 2001:db8::/32.',
    invalid_domain: 'Saisissez un nom de domaine comme example.com, sans http:// ni chemin.',
    invalid_word: "Saisissez un mot ou une expression d'au plus 100 caractères.",
  },
};

/** Problem titles, keyed by the problem's stable code. */
const titles: Record<Lang, Messages> = {
  en: {
    validation_failed: 'Some fields are not valid.',
    malformed_body: 'The request body could not be read.',
    malformed_url: 'The address of the request is not valid.',
    payload_too_large: 'The request body is too large.',
    unsupported_media_type: 'Send the body as application/json or application/x-www-form-urlencoded.',
    not_found: 'Not found.',
    parent_not_found: 'The comment you are replying to does not exist.',
    comment_not_found: 'This comment does not exist.',
    comments_closed: 'Comments are closed on this article.',
    duplicate_comment: 'You have already posted this comment.',
    too_many_requests: 'You are commenting too quickly. Please wait a moment.',
    unauthorized: 'Authentication is required.',
    forbidden: 'You are not allowed to do this.',
    origin_not_allowed: 'Comments are not accepted from this page.',
    form_token_used: 'This form was already sent. Reload the page to write another comment.',
    edit_window_closed: 'This comment can no longer be changed.',
    not_editable: 'This comment can no longer be changed.',
    method_not_allowed: 'This method is not allowed here.',
    conflict: 'This change conflicts with the current state.',
    invalid_transition: 'This status change is not possible.',
    parent_not_approved: 'The comment you are replying to is not approved.',
    article_not_found: 'This article has no comments or settings yet.',
    token_not_found: 'This token does not exist.',
    token_name_taken: 'A live token already has this name.',
    already_revoked: 'This token is already revoked.',
    last_token: 'The last live token cannot be revoked.',
    entry_not_found: 'This list entry does not exist.',
    duplicate_entry: 'This entry is already in the list.',
    internal_error: 'Something went wrong on our side.',
    unavailable: 'The service is unavailable.',
  },
  fr: {
    validation_failed: 'Certains champs ne sont pas valides.',
    malformed_body: 'Le corps de la requête est illisible.',
    malformed_url: "L'adresse de la requête n'est pas valide.",
    payload_too_large: 'Le corps de la requête est trop volumineux.',
    unsupported_media_type: 'Envoyez le corps en application/json ou application/x-www-form-urlencoded.',
    not_found: 'Introuvable.',
    parent_not_found: "Le commentaire auquel vous répondez n'existe pas.",
    comment_not_found: "Ce commentaire n'existe pas.",
    comments_closed: 'Les commentaires sont fermés pour cet article.',
    duplicate_comment: 'Vous avez déjà publié ce commentaire.',
    too_many_requests: 'Vous commentez trop vite. Patientez un instant.',
    unauthorized: 'Une authentification est requise.',
    forbidden: "Vous n'êtes pas autorisé à faire cela.",
    origin_not_allowed: 'Les commentaires ne sont pas acceptés depuis cette page.',
    form_token_used: 'Ce formulaire a déjà été envoyé. Rechargez la page pour écrire un autre commentaire.',
    edit_window_closed: 'Ce commentaire ne peut plus être modifié.',
    not_editable: 'Ce commentaire ne peut plus être modifié.',
    method_not_allowed: "Cette méthode n'est pas autorisée ici.",
    conflict: "Cette modification est en conflit avec l'état actuel.",
    invalid_transition: "Ce changement de statut n'est pas possible.",
    parent_not_approved: "Le commentaire auquel vous répondez n'est pas approuvé.",
    article_not_found: "Cet article n'a encore ni commentaire ni réglage.",
    token_not_found: "Ce jeton n'existe pas.",
    token_name_taken: 'Un jeton actif porte déjà ce nom.',
    already_revoked: 'Ce jeton est déjà révoqué.',
    last_token: 'Le dernier jeton actif ne peut pas être révoqué.',
    entry_not_found: "Cette entrée de liste n'existe pas.",
    duplicate_entry: 'Cette entrée figure déjà dans la liste.',
    internal_error: 'Une erreur est survenue de notre côté.',
    unavailable: 'Le service est indisponible.',
  },
};

function fill(template: string, params: Params | undefined): string {
  return template.replace(/\{(\w+)\}/g, (_, k: string) => String(params?.[k] ?? `{${k}}`));
}

export function fieldMessage(lang: Lang, key: string, params?: Params): string {
  return fill(fieldMessages[lang][key] ?? fieldMessages[lang].invalid_value!, params);
}

export function problemTitle(lang: Lang, code: string): string {
  return titles[lang][code] ?? titles.en[code] ?? code.replace(/_/g, ' ');
}

import { invalid, type FieldIssue } from '../errors';
import type { SiteSettings } from '../settings';

/**
 * The site's length limits (settings maxAuthorLength and maxContentLength) on texts that the route
 * has normalized and checked against LENGTH_CAPS. Over its limit, a text is refused with the 422 the
 * route gives a text over its cap, naming the site's limit.
 */
export type LengthLimit = 'maxAuthorLength' | 'maxContentLength';
type Limits = Pick<SiteSettings, LengthLimit>;

/** A text, the setting that limits it, and the field a 422 names. */
export interface LimitedText {
  field: string;
  text: string | undefined;
  limit: LengthLimit;
}

export const authorText = (text: string | undefined, field = 'author'): LimitedText => ({
  field,
  text,
  limit: 'maxAuthorLength',
});
export const contentText = (text: string | undefined, field = 'content'): LimitedText => ({
  field,
  text,
  limit: 'maxContentLength',
});

/** The issue of a text over the site's limit. */
export const tooLong = (settings: Limits, limit: LengthLimit): FieldIssue => ({
  key: 'too_long',
  params: { max: settings[limit] },
});

/** Each text over its limit, by field. */
export function lengthIssues(settings: Limits, texts: LimitedText[]): Record<string, FieldIssue> {
  const issues: Record<string, FieldIssue> = {};
  for (const { field, text, limit } of texts)
    if (text !== undefined && text.length > settings[limit]) issues[field] = tooLong(settings, limit);
  return issues;
}

/** 422 when a text is over the site's limit. */
export function checkLengths(settings: Limits, texts: LimitedText[]) {
  const issues = lengthIssues(settings, texts);
  if (Object.keys(issues).length) throw invalid(issues);
}

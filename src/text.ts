/**
 * Text as stored: Unicode NFC, well-formed, no control, bidi or zero-width characters,
 * trimmed; multi-line text keeps single blank lines between paragraphs.
 */

// Zero-width and invisible formatting characters (ZWJ is handled apart: it builds emoji).
const INVISIBLE =
  // biome-ignore lint/suspicious/noMisleadingCharacterClass: single invisible code points, each to be removed alone
  /[\u00AD\u034F\u061C\u115F\u1160\u17B4\u17B5\u180B-\u180F\u200B\u200C\u200E\u200F\u202A-\u202E\u2060-\u206F\u3164\uFE00-\uFE0E\uFEFF\uFFA0\uFFF0-\uFFF8]/g;
// ZWJ is kept only inside an emoji sequence (👩‍💻); anywhere else it hides words from filters.
const STRAY_ZWJ = /(?<!\p{Extended_Pictographic}\uFE0F?)\u200D|\u200D(?!\p{Extended_Pictographic})/gu;
// C0 and C1 controls except tab and line feed.
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it removes
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g;

function clean(input: string): string {
  return input
    .toWellFormed()
    .replace(/\r\n?|\u2028|\u2029|\u0085/g, '\n')
    .normalize('NFC')
    .replace(INVISIBLE, '')
    .replace(STRAY_ZWJ, '')
    .replace(CONTROL, '')
    .replace(/\t/g, ' ');
}

/** One-line text (names, identifiers): runs of white space become one space. */
export function normalizeLine(input: string): string {
  return clean(input).replace(/\s+/gu, ' ').trim();
}

/**
 * Multi-line text (comments): lines trimmed at the end, at most one blank line in a row.
 * Every step is one pass over the text: a line is trimmed with trimEnd (the same white space as
 * /\s/), never with /\s+$/, which starts a match at each space of a run and scans the run to its end
 * when the line goes on after it ('x' + 65,000 spaces + 'x' took seconds).
 */
export function normalizeMultiline(input: string): string {
  return clean(input)
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** Folded form for comparing texts (duplicates, cross-posting): case and spacing ignored. */
export function foldForComparison(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/\s+/gu, ' ').trim();
}

/** True when the string holds no control characters (a printable identifier). */
export function isPrintable(input: string): boolean {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it looks for
  return !/[\u0000-\u001F\u007F-\u009F]/.test(input) && input.isWellFormed();
}

/** An address as it is compared, hashed and stored for look-ups: trimmed, lower case. */
export const normalizeEmail = (email: string) => email.trim().toLowerCase();

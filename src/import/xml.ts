import { SaxesParser } from 'saxes';
import { NAMED_ENTITIES } from './html-text';
import { textOf, type ByteSource, type ErrorRecord, type ImportRecord } from './records';

/**
 * Streams an XML file through saxes (a SAX parser in plain JavaScript: the same on Node and
 * Workers, and never the whole document in memory). The reader sees each element as it closes,
 * with its text when it asked for it (`wants`), its attributes and its path; what it returns is
 * handed on after each chunk of the file. A well-formedness error is reported with its line and
 * the parse goes on, so one broken line costs what it holds and no more.
 */

export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  /** Names of the open ancestors, the document's root first. */
  path: readonly string[];
  /** The line where the element opens. */
  line: number;
  text: string;
}

export interface XmlReader {
  /** Whether an element's text is wanted (the others' text is not kept). */
  wants(name: string, path: readonly string[]): boolean;
  open?(element: Omit<XmlElement, 'text'>): ImportRecord[] | undefined;
  close(element: XmlElement): ImportRecord[] | undefined;
  end?(): ImportRecord[] | undefined;
}

/** A bare "&" (not a character reference): an error for XML, and a common one in exports. */
const BARE_AMPERSAND = /&(?!(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9._-]{0,31});)/g;
/** The longest text a chunk's end may cut that the repair must see whole: a character reference, "<![CDATA[". */
const HELD = 40;

/**
 * Writes a bare "&" outside CDATA sections as "&amp;", chunk by chunk (a chunk's last characters
 * wait for the next one when they could be part of a reference or of a CDATA marker). Without it,
 * a single "AT&T" in a title would make the parser read the rest of the file as an entity name.
 */
export function ampersandRepair() {
  let inCdata = false;
  let held = '';
  return (chunk: string, last = false): string => {
    const text = held + chunk;
    held = '';
    let out = '';
    let i = 0;
    while (i < text.length) {
      if (inCdata) {
        const end = text.indexOf(']]>', i);
        if (end < 0) {
          const keep = last ? text.length : Math.max(i, text.length - 2);
          out += text.slice(i, keep);
          held = text.slice(keep);
          return out;
        }
        out += text.slice(i, end + 3);
        i = end + 3;
        inCdata = false;
        continue;
      }
      const start = text.indexOf('<![CDATA[', i);
      let stop = start < 0 ? text.length : start;
      if (start < 0 && !last) {
        // Keep back what could begin a reference or a CDATA marker cut by the chunk's end.
        const tail = text.length - HELD;
        const cut = Math.max(text.lastIndexOf('&'), text.lastIndexOf('<'));
        if (cut >= Math.max(i, tail)) stop = cut;
      }
      out += text.slice(i, stop).replace(BARE_AMPERSAND, '&amp;');
      if (start >= 0) {
        out += '<![CDATA[';
        i = start + 9;
        inCdata = true;
      } else {
        held = text.slice(stop);
        return out;
      }
    }
    return out;
  };
}

export async function* readXml(
  source: ByteSource,
  reader: XmlReader,
  onBytes?: (n: number) => void,
): AsyncGenerator<ImportRecord> {
  const parser = new SaxesParser({ position: true });
  // HTML's common named entities, which some exports leave outside CDATA (&eacute; in a title).
  Object.assign(parser.ENTITIES, NAMED_ENTITIES);
  const out: ImportRecord[] = [];
  const stack: { name: string; attributes: Record<string, string>; line: number; text: string | null }[] = [];
  const names: string[] = [];
  let lastErrorLine = -1;
  const push = (records: ImportRecord[] | undefined) => {
    if (records) out.push(...records);
  };
  parser.on('error', (error) => {
    // One report per line: a broken line often makes several errors.
    if (parser.line === lastErrorLine) return;
    lastErrorLine = parser.line;
    const message = error.message.replace(/^(?:[^:]*:)?\d+:\d+: /, '');
    out.push({ kind: 'error', line: parser.line, message: `XML: ${message}` } satisfies ErrorRecord);
  });
  parser.on('opentag', (node) => {
    const attributes = node.attributes as Record<string, string>;
    const path = [...names];
    push(reader.open?.({ name: node.name, attributes, path, line: parser.line }));
    stack.push({ name: node.name, attributes, line: parser.line, text: reader.wants(node.name, path) ? '' : null });
    names.push(node.name);
  });
  const text = (t: string) => {
    const top = stack.at(-1);
    if (top && top.text !== null) top.text += t;
  };
  parser.on('text', text);
  parser.on('cdata', text);
  parser.on('closetag', () => {
    const top = stack.pop();
    names.pop();
    if (!top) return;
    push(
      reader.close({ name: top.name, attributes: top.attributes, path: names, line: top.line, text: top.text ?? '' }),
    );
  });
  const repair = ampersandRepair();
  for await (const chunk of textOf(source, onBytes)) {
    parser.write(repair(chunk));
    yield* out.splice(0);
  }
  parser.write(repair('', true));
  parser.close();
  push(reader.end?.());
  yield* out.splice(0);
}

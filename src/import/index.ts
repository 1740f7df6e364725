import { readDisqus } from './disqus';
import type { ByteSource, ImportRecord, ImportSource } from './records';
import { readTamis } from './tamis';
import { readWordPress } from './wordpress';

export * from './records';
export { htmlToText } from './html-text';
export { EXPORT_FORMAT, EXPORT_VERSION } from './tamis';

/** The reader of each kind of file. */
export const READERS: Record<
  ImportSource,
  (source: ByteSource, onBytes?: (n: number) => void) => AsyncGenerator<ImportRecord>
> = { wordpress: readWordPress, disqus: readDisqus, tamis: readTamis };

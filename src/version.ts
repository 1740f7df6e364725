import { version } from '../package.json';

/** The release, from package.json: bundled into the Node and Workers builds alike. */
export const VERSION: string = version;

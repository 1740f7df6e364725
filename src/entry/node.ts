import { ConfigError, parseConfig } from '../config';
import { loadDotEnv } from './node-env';
import { serveNode } from './node-server';

/** The server's entry (`npm start`, `node dist/entry/node.js`): `.env`, then the configuration, then serve. */
async function main() {
  loadDotEnv();
  await serveNode(parseConfig(process.env));
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof ConfigError ? error.message : error instanceof Error ? error.stack : String(error)}\n`,
  );
  process.exit(1);
});

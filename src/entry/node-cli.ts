#!/usr/bin/env node
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { version } from '../../package.json';
import { ConfigError, parseConfig, type Config } from '../config';
import { normalizeLine } from '../text';
import { CommandError } from './command-error';
import { loadDotEnv } from './node-env';

/**
 * The `tamis` command (package.json `bin`, bundled from src/entry/node-cli.ts to dist/entry/cli.js by `npm run build`): the
 * server and the operator's tasks on its database. Settings come from the environment, as for the
 * server, after `.env` in the working directory (the environment wins). Exit codes: 0 done, 1
 * failed, 2 a command line it does not understand. Each command loads what it needs when it runs
 * (the bundle is split), so that --help and a mistyped command answer at once.
 */

const ENVIRONMENT = `Settings come from the environment (DATABASE_URL, SECRET, SECRET_FILE…: see the README), and from
a .env file in the working directory when there is one; a variable set in the environment wins
over the file.`;

const HELP = `Usage: tamis <command> [options]

Commands:
  serve                 start the server (what npm start runs)
  migrate               apply the database migrations to DATABASE_URL, and exit
  token create <name>   create an admin token and print it, once
  rotate-secret         encrypt the stored emails and IPs again under a new secret
  backup <file>         copy the database file, consistently, while the server runs
  import <file> --from wordpress|disqus|tamis
                        import comments from WordPress, Disqus or a Tamis export
  export                write everything (settings, lists, articles, comments) as NDJSON to standard output

Options:
  -h, --help            this help; "tamis <command> --help" for a command's
  -v, --version         the version

${ENVIRONMENT}
`;

/** Thrown for a command line that cannot be run as written: the message, a pointer to the help, exit 2. */
class UsageError extends Error {
  constructor(
    message: string,
    readonly helpFor = 'tamis',
  ) {
    super(message);
  }
}

type Options = NonNullable<ParseArgsConfig['options']>;

interface Command {
  help: string;
  options?: Options;
  /** The names of the positional arguments it requires (and takes no others). */
  positionals?: string[];
  run(config: Config, args: { positionals: string[]; values: Record<string, unknown> }): Promise<number | 'serving'>;
}

const print = (text: string) => process.stdout.write(`${text.trimEnd()}\n`);
const tell = (text: string) => process.stderr.write(`${text.trimEnd()}\n`);

const COMMANDS: Record<string, Command> = {
  serve: {
    help: `Usage: tamis serve

Starts the server on HOST:PORT (default 127.0.0.1:8787) with the database at DATABASE_URL, after
applying its migrations; on a first start it prints an admin token and creates the key file (see the
README). It runs until SIGTERM or SIGINT, lets requests in flight finish, and exits 0. The same as
"node dist/entry/node.js"; give Node the heap limits npm start uses with
NODE_OPTIONS='--max-old-space-size=96 --max-semi-space-size=4'. Under a process manager, start
"node dist/entry/cli.js serve" rather than "npx tamis serve": npx does not pass SIGTERM on.

${ENVIRONMENT}
`,
    async run(config) {
      const { serveNode } = await import('./node-server');
      await serveNode(config);
      return 'serving';
    },
  },

  migrate: {
    help: `Usage: tamis migrate

Applies the migrations the database at DATABASE_URL has not had yet, and exits. The server also
applies them when it starts; this is for applying them first (a deployment step, a remote database).

${ENVIRONMENT}
`,
    async run(config) {
      const { migrateCommand } = await import('./cli-tasks');
      const { applied, total } = await migrateCommand(config);
      print(`${applied} migration(s) applied: the database has all ${total} (${redacted(config.DATABASE_URL)}).`);
      return 0;
    },
  },

  'token create': {
    positionals: ['name'],
    help: `Usage: tamis token create <name>

Creates an admin token for /api/v1/admin/* named <name> (who holds it: the audit log records each
of its actions under that name, so names are unique among live tokens) and prints it on standard
output, this once: only its hash is stored. The audit log records the creation under the actor
"command line". Works while the server runs, and on a database whose every token is lost.

${ENVIRONMENT}
`,
    async run(config, { positionals }) {
      const name = normalizeLine(positionals[0]!);
      if (name.length < 1 || name.length > 100)
        throw new UsageError('the name must be 1 to 100 characters.', 'tamis token create');
      const { createTokenCommand } = await import('./cli-tasks');
      const { id, token, createdAt } = await createTokenCommand(config, name);
      print(token);
      tell(
        `Admin token "${name}" created (id ${id}, ${new Date(createdAt).toISOString()}). It is shown only this once: only its hash is stored.`,
      );
      tell('Use it as "Authorization: Bearer <token>" on /api/v1/admin/*.');
      return 0;
    },
  },

  'rotate-secret': {
    options: { 'dry-run': { type: 'boolean' } },
    help: `Usage: tamis rotate-secret [--dry-run]

Encrypts every stored email and IP again under a new secret and computes every keyed hash again, in
one batch (all old or all new). Stop the server first, and start it again afterwards.

  --dry-run    say what would change; change nothing

Without SECRET in the server's environment, the secret is its key file's (SECRET_FILE, default
secret.key beside the database file): the new one is generated and written there (NEW_SECRET to
choose it). With SECRET from the environment, give OLD_SECRET and NEW_SECRET (at least 32
characters), then start the server with SECRET=NEW_SECRET. A rotation stopped midway is finished by
running it again. Open form and edit tokens become invalid; admin tokens do not.
See docs/reliability.md, "Key rotation".

${ENVIRONMENT}
`,
    async run(config, { values }) {
      const { rotateSecretCommand } = await import('./rotate-secret');
      const env = process.env;
      await rotateSecretCommand(
        config,
        { oldSecret: env.OLD_SECRET, newSecret: env.NEW_SECRET, dryRun: values['dry-run'] === true },
        print,
      );
      return 0;
    },
  },

  backup: {
    positionals: ['file'],
    help: `Usage: tamis backup <file>

Writes a consistent copy of the database file (DATABASE_URL, a local file) to <file>, which must not
exist, with VACUUM INTO: safe while the server runs, which goes on reading and writing meanwhile.
The copy is checked (PRAGMA quick_check) and created with mode 0600.

The secret is NOT in the copy: not the key file (./data/secret.key by default, SECRET_FILE), nor
SECRET. The emails and IPs in a backup cannot be read without it: keep a copy of the key file (or of
SECRET) apart from the backups. To restore, stop the server and put the copy in place of the
database file (and remove its -wal and -shm files), with the key file it was written under.

${ENVIRONMENT}
`,
    async run(config, { positionals }) {
      const { backupDatabase } = await import('./node-backup');
      const backup = await backupDatabase(config, positionals[0]!);
      print(
        `Copied ${redacted(config.DATABASE_URL)} to ${backup.file} (${backup.bytes} bytes, check ${backup.check}).`,
      );
      print(
        backup.keyFile
          ? `The key file ${backup.keyFile} is not in the copy, which cannot be read without it: keep a copy of the key file apart from the backups.`
          : 'The secret the server runs with (SECRET, or its key file) is not in the copy, which cannot be read without it: keep it apart from the backups.',
      );
      return 0;
    },
  },

  import: {
    positionals: ['file'],
    options: {
      from: { type: 'string' },
      'dry-run': { type: 'boolean' },
      'article-id': { type: 'string' },
    },
    help: `Usage: tamis import <file> --from wordpress|disqus|tamis [--dry-run] [--article-id=path|slug|id|url]

Imports the comments of <file> into the database at DATABASE_URL, as it reads it (a file of several
hundred MB takes little memory):

  --from wordpress   a WordPress export (Tools → Export, WXR): every post with comments
  --from disqus      a Disqus XML export: every thread with posts
  --from tamis       a Tamis export (tamis export, GET /api/v1/admin/export): everything, as it was
  --dry-run          read and check everything, write nothing
  --article-id=K     how article ids are made from WordPress posts and Disqus threads: the
                     permalink's path (path, the default: "/2019/03/my-post/"), the slug, the post or
                     thread id, or the full URL. Set the widget's data-article the same way.

Comments keep their status, date, author, thread and text (HTML made plain text, links with their
address); emails and IPs are encrypted like new comments', and IPs older than the retention period
are dropped. Pingbacks and trackbacks are skipped. A reply whose parent is not in the file becomes a
top-level comment. Imported spam and approved comments train the spam learner. No webhook fires.
Running the same import again changes nothing (each comment remembers its source id): an import
stopped half way is finished by running it again. A progress bar on a terminal; a JSON summary on
standard output at the end (articles, comments by status, replies, skipped by reason, errors by line).
The audit log records the run under "command line".

${ENVIRONMENT}
`,
    async run(config, { positionals, values }) {
      const from = values.from;
      if (from !== 'wordpress' && from !== 'disqus' && from !== 'tamis')
        throw new UsageError('--from must be wordpress, disqus or tamis.', 'tamis import');
      const articleId = values['article-id'];
      if (articleId !== undefined && !['path', 'slug', 'id', 'url'].includes(articleId as string))
        throw new UsageError('--article-id must be path, slug, id or url.', 'tamis import');
      const { importCommand } = await import('./node-transfer');
      const summary = await importCommand(
        config,
        positionals[0]!,
        { from, articleId: articleId as 'path' | undefined, dryRun: values['dry-run'] === true },
        tell,
        process.stderr.isTTY ? (text) => process.stderr.write(text) : undefined,
      );
      print(JSON.stringify(summary, null, 2));
      return 0;
    },
  },

  export: {
    help: `Usage: tamis export > backup.ndjson

Writes everything the database at DATABASE_URL holds to standard output as NDJSON: a line for the
site (its settings and lists), one per article, one per comment with every field the admin API shows
(emails and IPs in clear: keep the file as safe as the database and its key). The same as GET
/api/v1/admin/export; read back with "tamis import <file> --from tamis". Safe while the server runs:
comments written meanwhile are left for the next export.

${ENVIRONMENT}
`,
    async run(config) {
      const { exportCommand } = await import('./node-transfer');
      const { lines } = await exportCommand(config, process.stdout, tell);
      tell(`Exported ${lines} lines from ${redacted(config.DATABASE_URL)}.`);
      return 0;
    },
  },
};

/** A database URL as it may be printed: no credentials, no query string. */
const redacted = (url: string) => url.split('?')[0]!.replace(/\/\/.*@/, '//');

/** `token` is a group: its commands are named by two words. */
const GROUPS: Record<string, string> = {
  token: `Usage: tamis token <command>

Commands:
  create <name>   create an admin token and print it, once

Tokens are listed and revoked through the admin API (/api/v1/admin/tokens).
`,
};

function commandOf(argv: string[]): { name: string; rest: string[] } {
  const [first = '', ...rest] = argv;
  if (Object.hasOwn(GROUPS, first)) {
    const [second, ...more] = rest;
    if (second === undefined || second === '--help' || second === '-h') return { name: first, rest };
    if (second.startsWith('-'))
      throw new UsageError(`unknown option "${second}" for "tamis ${first}".`, `tamis ${first}`);
    const name = `${first} ${second}`;
    if (!Object.hasOwn(COMMANDS, name)) throw new UsageError(`unknown command "tamis ${name}".`, `tamis ${first}`);
    return { name, rest: more };
  }
  if (first.startsWith('-')) throw new UsageError(`unknown option "${first}".`);
  if (!Object.hasOwn(COMMANDS, first)) throw new UsageError(`unknown command "${first}".`);
  return { name: first, rest };
}

/** Parses `argv` (without node and the script) and runs it; the exit code, or 'serving'. */
async function main(argv: string[]): Promise<number | 'serving'> {
  if (argv.length === 0) {
    tell(HELP);
    return 2;
  }
  if (argv[0] === '--help' || argv[0] === '-h') {
    print(HELP);
    return 0;
  }
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-v')) {
    print(version);
    return 0;
  }
  if (argv[0] === 'help') {
    const topic = argv.slice(1).join(' ');
    const text =
      topic === ''
        ? HELP
        : Object.hasOwn(COMMANDS, topic)
          ? COMMANDS[topic]!.help
          : Object.hasOwn(GROUPS, topic)
            ? GROUPS[topic]
            : undefined;
    if (text === undefined) throw new UsageError(`no help for "${topic}": unknown command.`);
    print(text);
    return 0;
  }
  const { name, rest } = commandOf(argv);
  const command = COMMANDS[name];
  const helpFor = `tamis ${name}`;
  let parsed: { values: Record<string, unknown>; positionals: string[] };
  try {
    parsed = parseArgs({
      args: rest,
      options: { help: { type: 'boolean', short: 'h' }, ...command?.options },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    const { code, message } = error as { code?: string; message: string };
    const option = /'(-[^']*)'/.exec(message)?.[1];
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && option)
      throw new UsageError(`unknown option "${option}".`, helpFor);
    if (code?.startsWith('ERR_PARSE_ARGS')) throw new UsageError(message, helpFor);
    throw error;
  }
  if (!command && !parsed.values.help) {
    tell(GROUPS[name]!);
    return 2;
  }
  if (parsed.values.help || !command) {
    print(command?.help ?? GROUPS[name]!);
    return 0;
  }
  const wanted = command.positionals ?? [];
  if (parsed.positionals.length < wanted.length)
    throw new UsageError(`<${wanted[parsed.positionals.length]}> is missing.`, helpFor);
  if (parsed.positionals.length > wanted.length)
    throw new UsageError(`unexpected argument "${parsed.positionals[wanted.length]}".`, helpFor);

  loadDotEnv();
  return command.run(parseConfig(process.env), parsed);
}

process.setSourceMapsEnabled(true);
main(process.argv.slice(2)).then(
  (code) => {
    if (code !== 'serving') process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof UsageError) {
      tell(`tamis: ${error.message}\nRun "${error.helpFor} --help" for how to use it.`);
      process.exitCode = 2;
      return;
    }
    const known = error instanceof ConfigError || error instanceof CommandError;
    tell(known ? (error as Error).message : error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exitCode = 1;
  },
);

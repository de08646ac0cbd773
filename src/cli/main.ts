/**
 * The stockline command: its commands and options, nothing else. Each command lives in
 * ./commands and is loaded only when run, so `stockline health` does not load Prisma and
 * `stockline migrate` does not load the WebSocket client. Exit codes: see ./cli-error.ts and docs/cli.md.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { DEFAULT_URL } from './api-client.js';
import { EXIT, runCommand } from './cli-error.js';

/** An option argument that must be one of `values` (any case); returned as spelled in `values`. */
function oneOf<T extends string>(values: readonly T[]) {
  return (raw: string): T => {
    const match = values.find((v) => v.toLowerCase() === raw.toLowerCase());
    if (!match) throw new InvalidArgumentError(`must be one of ${values.join(', ')}.`);
    return match;
  };
}

/** A whole number; range checks beyond "a number" are the API's (so its typed error is shown). */
function integer(raw: string): number {
  if (!/^-?\d+$/.test(raw.trim())) throw new InvalidArgumentError('must be a whole number.');
  return Number(raw);
}

function positiveInteger(raw: string): number {
  const n = integer(raw);
  if (n < 1) throw new InvalidArgumentError('must be at least 1.');
  return n;
}

/** --url and --token, on every command that talks to a running service. */
function serviceCommand(parent: Command, nameAndArgs: string): Command {
  return parent
    .command(nameAndArgs)
    .option('--url <url>', `service URL (env STOCKLINE_URL; default ${DEFAULT_URL})`)
    .option('--token <token>', 'API token (env STOCKLINE_TOKEN; prefer the variable: arguments show in process lists)');
}

const program = new Command('stockline')
  .description('Operate a Stockline service: run it, migrate its database, sync, watch health and reports.')
  .showHelpAfterError('(stockline --help for usage)')
  // Usage errors exit 2 (commander's default is 1, which here means "the checked condition failed").
  .exitOverride((error) => process.exit(error.exitCode === 0 ? EXIT.OK : EXIT.ERROR));

program
  .command('serve')
  .description('run the service as `npm start` does (configuration from the environment)')
  .addOption(new Option('--role <role>', 'api, worker or all (sets ROLE)').argParser(oneOf(['api', 'worker', 'all'] as const)))
  .action(async (options) => (await import('./commands/serve.js')).serveCommand(options));

program
  .command('migrate')
  .description('apply pending database migrations to DATABASE_URL, or to the embedded database in DATA_DIR')
  .action(() => runCommand(async () => (await import('./commands/migrate.js')).migrateCommand()));

serviceCommand(program, 'sync <account-or-channel>')
  .description('sync an account (id or name) or every enabled account of a channel (emag, ozon, wildberries, storefront), following its progress; exit 1 unless every run ends SUCCESS')
  .option('--full', 'FULL sync (default: INCREMENTAL)')
  .option('--incremental', 'INCREMENTAL sync: what changed since the last one')
  .addOption(new Option('--scope <scope>', 'products, orders or all (default all)').argParser(oneOf(['PRODUCTS', 'ORDERS', 'ALL'] as const)))
  .action((target: string, options) => runCommand(async () => (await import('./commands/sync.js')).syncCommand(target, options)));

serviceCommand(program, 'status')
  .description('scheduler state, accounts with their last success and staleness, and the next scheduled runs')
  .option('--json', 'print JSON')
  .action((options) => runCommand(async () => (await import('./commands/status.js')).statusCommand(options)));

const scheduler = program.command('scheduler').description('pause, resume or look at the scheduler shared by every instance');
serviceCommand(scheduler, 'pause')
  .description('stop every instance from firing schedules (runs already queued continue); needs an OPERATOR token')
  .action((options) => runCommand(async () => (await import('./commands/scheduler.js')).schedulerPauseCommand(options)));
serviceCommand(scheduler, 'resume')
  .description('fire schedules again; what fell due while paused is skipped; needs an OPERATOR token')
  .action((options) => runCommand(async () => (await import('./commands/scheduler.js')).schedulerResumeCommand(options)));
serviceCommand(scheduler, 'status')
  .description('paused or running (by whom, since when) and the next firings')
  .option('--json', 'print JSON')
  .action((options) => runCommand(async () => (await import('./commands/scheduler.js')).schedulerStatusCommand(options)));

serviceCommand(program, 'health')
  .description('syncHealth; exit 0 when OK, 1 when DEGRADED or DOWN, 2 when the service cannot be asked')
  .option('--json', 'print JSON')
  .action((options) => runCommand(async () => (await import('./commands/health.js')).healthCommand(options)));

serviceCommand(program, 'report')
  .description('sync runs of the last days, overall and per account')
  .option('--days <n>', 'period in days, 1 to 90', integer, 7)
  .option('--json', 'print JSON')
  .action((options) => runCommand(async () => (await import('./commands/report.js')).reportCommand(options)));

const accounts = program.command('accounts').description('marketplace accounts');
serviceCommand(accounts, 'test <account>')
  .description('sign in to the marketplace with the stored credentials (account id or name); exit 1 when it fails')
  .action((ref: string, options) => runCommand(async () => (await import('./commands/accounts-test.js')).accountsTestCommand(ref, options)));

const token = program.command('token').description('API tokens');
token
  .command('create')
  .description('create an API token directly in the database (DATABASE_URL or DATA_DIR); prints the secret once')
  .addOption(new Option('--role <role>', 'VIEWER, OPERATOR or ADMIN').argParser(oneOf(['VIEWER', 'OPERATOR', 'ADMIN'] as const)).makeOptionMandatory())
  .option('--name <name>', 'what the token is for')
  .option('--expires-in-days <days>', 'expire after this many days (default: never)', positiveInteger)
  .action((options) => runCommand(async () => (await import('./commands/token-create.js')).tokenCreateCommand(options)));

await program.parseAsync(process.argv);

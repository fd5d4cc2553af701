/**
 * The `ongage-studio` command line: argument parsing (commander) and the error boundary. `run()` is the whole
 * program as a function of its arguments and surroundings, so tests call it in-process; `main.ts` hands it the
 * real process.
 *
 * Exit codes: 0 no errors, 1 lint errors found (or more warnings than --max-warnings), 2 a usage, file,
 * network or credential problem (the message says what to fix).
 */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { version } from '../../package.json';
import { RULES } from '../core/language/config';
import { runFields } from './fields';
import { OUTPUT_FORMATS, type OutputFormat } from './format';
import { redact } from '../core/log';
import { CREDENTIAL_VARIABLES } from './connection';
import { CliError, EXIT_USAGE, style, terminalSafe, wantsColor, type CliIO } from './io';
import { runLint, type LintCommandOptions } from './lint';
import { runLs } from './ls';
import { runRender } from './render';
import { runPull, runPush, runStatus } from './sync';
import { runSend, runSendTest } from './send';

export const TOOL_NAME = 'ongage-studio';
export const VERSION: string = version;

function integer(name: string, min: number) {
  return (raw: string): number => {
    const n = Number(raw);
    if (!/^\s*\d+\s*$/.test(raw) || !Number.isSafeInteger(n) || n < min) throw new InvalidArgumentError(`${name} takes a whole number${min > 0 ? ` from ${min}` : ''}, not "${raw}".`);
    return n;
  };
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

function connectionOptions(cmd: Command, listHelp: string): Command {
  return cmd
    .option('--list <id>', listHelp, integer('--list', 1))
    .option('--base-url <url>', 'Ongage API address (default: $ONGAGE_BASE_URL, else https://api.ongage.net); credentials come from $ONGAGE_USERNAME, $ONGAGE_PASSWORD and $ONGAGE_ACCOUNT_CODE')
    .option('--sandbox <url>', "use the local sandbox at <url> with the sandbox's own credentials (e.g. http://127.0.0.1:4780)")
    .option('--verbose', 'log each API call on stderr', false);
}

const CONNECTION_HELP = `
Connection:
  Credentials are read from the environment only (never from arguments, never printed):
    ONGAGE_USERNAME, ONGAGE_PASSWORD, ONGAGE_ACCOUNT_CODE   (and optionally ONGAGE_BASE_URL)
  For the local sandbox (\`npm run sandbox\`), --sandbox <url> is enough.`;

export function buildProgram(io: CliIO, setExit: (code: number) => void): Command {
  const program = new Command()
    .name(TOOL_NAME)
    .description("Check Ongage email templates, browse an Ongage library, and keep a folder of files in sync with it (pull, status, push) from a terminal or CI, with the same checks the Ongage Studio editor runs.")
    .version(VERSION, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help for a command')
    .option('--no-color', 'never colour the output (also: NO_COLOR=1); colour is used only on a terminal')
    .showHelpAfterError('(add --help for usage)')
    .configureOutput({
      writeOut: (s) => io.out.write(s),
      writeErr: (s) => io.err.write(s),
      getOutHasColors: () => wantsColor(io.out, io.env),
      getErrHasColors: () => wantsColor(io.err, io.env),
      outputError: (s, write) => write(style(wantsColor(io.err, io.env)).red(s)),
    })
    .exitOverride()
    .addHelpText(
      'after',
      `
Examples:
  $ ongage-studio lint "templates/**/*.html" "templates/**/*.txt"
  $ ongage-studio lint --fields fields.json --format sarif --output ongage.sarif templates
  $ ongage-studio fields --list 10542 --save fields.json
  $ ongage-studio ls --list 10542 --sandbox http://127.0.0.1:4780
  $ ongage-studio pull emails --list 10542 && ongage-studio status emails && ongage-studio push emails --dry-run
  $ ongage-studio render --fields fields.json --sample vip.json email.html -o preview.html
  $ ongage-studio send-test 2019 --to qa@example.com --sandbox http://127.0.0.1:4780
  $ ongage-studio send receipt.html --to ann@example.com --fields order.json --dry-run

Exit codes: 0 no errors · 1 errors found (or more warnings than --max-warnings; for pull/push: conflicts or items left for you to decide; for send: some recipients turned away) · 2 usage, file, network or credential problem (nothing sent) · 3 a send that may have gone out.`,
    );

  const globalColor = (): boolean => program.opts<{ color: boolean }>().color;

  const lintCmd = new Command('lint')
    .summary('check templates (.html, .txt) with the editor\'s rules')
    .description(
      "Check Ongage templates with exactly the diagnostics the editor shows: .html/.htm files as HTML bodies, .txt and .ongage.txt files as text bodies (a plain .txt only once it uses a {{tag}}, as in the editor), .subject.txt and .ongage-subject files as subject lines. Settings come from the workspace's .ongage/lint.json (the file the editor reads), then from the options here.",
    )
    .argument('<files...>', 'files, folders or quoted globs ("templates/**/*.html")')
    .addOption(new Option('-f, --format <format>', 'output format').choices(OUTPUT_FORMATS as string[]).default('text'))
    .option('-o, --output <file>', 'write the results to a file instead of stdout')
    .option('--fields <file>', 'the list fields to check field names against: the JSON `ongage-studio fields --save` writes (Ongage list_fields items)')
    .option('--dynamic-fields <names>', 'transactional dynamic fields to accept, comma-separated (repeatable)', collect)
    .option('--rule <rule=severity>', `set a rule to off, hint, information, warning or error (repeatable; hints are not printed); rules: ${RULES.map((r) => r.id).join(', ')}`, collect)
    .option('--config <file>', 'read settings from this file instead of .ongage/lint.json (found in the working folder or above it)')
    .option('--no-config', 'ignore .ongage/lint.json')
    .addOption(new Option('--kind <kind>', 'check every file as this kind, whatever its name').choices(['html', 'text', 'subject']))
    .option('--max-warnings <n>', 'fail (exit 1) when there are more than n warnings', integer('--max-warnings', 0))
    .option('--info', 'run the email checks (client support, accessibility) and report their information findings, with each HTML email\'s support score in json; never a failure', false)
    .option('-q, --quiet', 'print findings only: no notes, no summary', false);
  connectionOptions(lintCmd, 'check field names against this list\'s fields, fetched from the connection');
  lintCmd
    .addHelpText(
      'after',
      `${CONNECTION_HELP}

Output:
  text   path:line:col  severity  rule  message   (one line per finding; the summary goes to stderr)
  json   { errorCount, warningCount, infoCount, files: [{ path, kind, support: { score, clients, fullSupport, costliest }, diagnostics: [{ rule, severity, message, range, line, column, fixes, href… }] }] }
  sarif  SARIF 2.1.0, for GitHub code scanning (github/codeql-action/upload-sarif)

Examples:
  $ ongage-studio lint "templates/**/*.html"
  $ ongage-studio lint --fields fields.json --dynamic-fields receipt_id,order_total emails/
  $ ongage-studio lint --list 10542 --rule http-link=off --rule img-alt=error "**/*.html"
  $ ongage-studio lint --format sarif --output ongage.sarif --max-warnings 0 templates
  $ ongage-studio lint --kind subject subjects/*.txt
  $ ongage-studio lint --info --format json emails/   (client support and accessibility, with each email's support score)`,
    )
    .action(async (files: string[], o: LintCommandOptions & { format: OutputFormat }) => {
      setExit(await runLint(files, { ...o, color: o.color !== false && globalColor() }, { name: TOOL_NAME, version: VERSION, cwd: io.cwd }, io));
    });

  const fieldsCmd = new Command('fields')
    .summary("show a list's fields (name, type, format, default)")
    .description("Show the personalization fields of a list — name, type, date format, default value and title — or save them for `lint --fields`.")
    .option('--json', 'print the fields as JSON (Ongage list_fields items)', false)
    .option('--save <file>', 'also write them to <file>, for `ongage-studio lint --fields <file>`');
  connectionOptions(fieldsCmd, "the list (default: the account's default list)");
  fieldsCmd
    .addHelpText(
      'after',
      `${CONNECTION_HELP}

Examples:
  $ ongage-studio fields --list 10542
  $ ongage-studio fields --list 10542 --save .ongage/fields.json
  $ ongage-studio fields --sandbox http://127.0.0.1:4780 --list 10542 --json`,
    )
    .action(async (o) => {
      setExit(await runFields({ ...o, color: globalColor() }, io));
    });

  const lsCmd = new Command('ls')
    .summary('show the library as a tree')
    .description("Show a list's library — folders, templates and emails — as an indented tree with ids; favourites are marked ★. The whole library is read with one concurrent listing (the one the editor's tree uses), then printed.")
    .option('--folder <id>', 'only this folder and what is in it', integer('--folder', 1))
    .option('--json', 'print the tree as JSON (nested children)', false);
  connectionOptions(lsCmd, "the list (default: the account's default list)");
  lsCmd
    .addHelpText(
      'after',
      `${CONNECTION_HELP}

Examples:
  $ ongage-studio ls --list 10542
  $ ongage-studio ls --list 10542 --folder 2001
  $ ongage-studio ls --sandbox http://127.0.0.1:4780 --json | jq '.[].name'`,
    )
    .action(async (o) => {
      setExit(await runLs({ ...o, color: globalColor() }, io));
    });

  const renderCmd = new Command('render')
    .summary('render an email for a sample contact, as the live preview shows it')
    .description(
      "Render an email as the editor's live preview does: the header and footer templates composed around it, every tag evaluated for one sample contact (built from the list's fields as the editor builds it, with --sample values laid over it), and the <style> rules inlined. The HTML goes to stdout (or -o); notes such as a field with no value go to stderr as path:line:col  note  message.",
    )
    .argument('<file>', "the email's HTML")
    .option('--fields <file>', 'the list fields (the JSON `ongage-studio fields --save` writes): types, date formats, defaults and the sample built from them')
    .option('--sample <file>', 'JSON of sample values laid over the built sample, e.g. {"first_name": "Jane", "vip": 1}')
    .option('--profile <label>', 'a sample profile of the workspace file .ongage/samples.json (the preview\'s Sample list), laid over the built sample before --sample')
    .option('--header <file>', 'a header template, composed right after <body>')
    .option('--footer <file>', 'a footer template, composed right before </body>')
    .option('--no-inline', 'keep the <style> blocks as written (no CSS inlining)')
    .option('--subject <text>', 'a subject line to render as well (printed on stderr)')
    .option('--preheader <text>', 'a pre-header to render as well (printed on stderr)')
    .option('-o, --output <file>', 'write the HTML to a file instead of stdout')
    .addHelpText(
      'after',
      `
Examples:
  $ ongage-studio render email.html > preview.html
  $ ongage-studio render --fields .ongage/fields.json --sample vip.json --subject "Hi {{first_name:there}}" email.html -o preview.html
  $ ongage-studio render --header header.html --footer footer.html --no-inline email.html
  $ ongage-studio render --fields .ongage/fields.json --profile "Gold member" email.html -o gold.html

Exit codes: 0 rendered (notes do not fail it) · 2 a file or option problem (the message says what to fix).`,
    )
    .action(async (file: string, o) => {
      setExit(await runRender(file, { ...o, color: globalColor() }, io));
    });

  const SYNC_HELP = `
The folder:
  An email or template is three files: <name>.html (the body), <name>.ongage.txt (the plain-text part) and
  <name>.ongage.json (name, subject, preheader, From addresses, header/footer template, unsubscribe settings),
  in folders that mirror Ongage's. .ongage/manifest.json records each item's id, list, connection name, Ongage's
  modified time and a content hash as of the last pull or push: the base of the three-way comparison (commit it).
  A new <name>.html (with or without the other two) becomes a new email on push.`;

  const pullCmd = new Command('pull')
    .summary('write a list (or a folder) of the library as files into a folder')
    .description(
      "Write a list's library, or one folder of it, into <dir> as files in folders that mirror Ongage's, and record what was pulled in <dir>/.ongage/manifest.json. Pulling again updates what changed in Ongage and never overwrites a file you changed: an item changed on both sides is asked about on a terminal, kept otherwise (exit 1) unless --overwrite.",
    )
    .argument('<dir>', 'the folder to write into (created when missing)')
    .option('--folder <id>', 'pull this folder and what is under it (its contents go straight into <dir>)', integer('--folder', 1))
    .option('--overwrite', "replace files changed both here and in Ongage with Ongage's version, without asking", false);
  connectionOptions(pullCmd, 'the list to pull (needed the first time; later pulls read it from the manifest)');
  pullCmd
    .addHelpText(
      'after',
      `${CONNECTION_HELP}
${SYNC_HELP}

Examples:
  $ ongage-studio pull emails --list 10542
  $ ongage-studio pull promos --list 10542 --folder 2005
  $ ongage-studio pull emails --sandbox http://127.0.0.1:4780 --list 10542`,
    )
    .action(async (dir: string, o) => {
      setExit(await runPull(dir, { ...o, color: globalColor() }, io));
    });

  const statusCmd = new Command('status')
    .summary('show what changed here and in Ongage since the last pull or push')
    .description(
      'Compare a pulled folder with its base (the manifest) and with Ongage now, item by item: Conflict (changed on both sides), Added, Modified, Deleted (here), Changed in Ongage, and the count of unchanged items.',
    )
    .argument('[dir]', 'the pulled folder (default: the working folder, or the nearest one above it with .ongage/manifest.json)')
    .option('--json', 'print the state as JSON: { dir, connection, list, root, counts, items: [{ state, conflict?, id?, type, name, files }] }', false);
  connectionOptions(statusCmd, 'the list (optional: the folder knows its list)');
  statusCmd
    .addHelpText(
      'after',
      `${CONNECTION_HELP}
${SYNC_HELP}

Examples:
  $ ongage-studio status emails
  $ ongage-studio status --json | jq '.items[] | select(.state != "unchanged")'`,
    )
    .action(async (dir: string | undefined, o) => {
      setExit(await runStatus(dir, { ...o, color: globalColor() }, io));
    });

  const pushCmd = new Command('push')
    .summary('send what changed in a pulled folder to Ongage')
    .description(
      "Send the folder's changes to Ongage: each changed item is read from Ongage first and saved only if nobody changed it there since your base (then only its changed fields are sent). New files become new items and deleted files delete items only after a confirmation naming each one. On a terminal it asks; without one (CI) it never asks: conflicts are refused unless --overwrite, new items and deletions unless --yes, and it exits 1 with the list.",
    )
    .argument('[dir]', 'the pulled folder (default: the working folder, or the nearest one above it with .ongage/manifest.json)')
    .option('--dry-run', 'print the table of Added / Modified / Deleted / Conflict / Unchanged and change nothing', false)
    .option('-y, --yes', 'confirm the push, its new items and its deletions without asking', false)
    .option('--overwrite', "for items changed both here and in Ongage: replace Ongage's version with yours", false)
    .option('--overwrite-launched', 'change emails used by a launched campaign in place (Ongage otherwise stores your version as a copy)', false);
  connectionOptions(pushCmd, 'the list (optional: the folder knows its list)');
  pushCmd
    .addHelpText(
      'after',
      `${CONNECTION_HELP}
${SYNC_HELP}

Examples:
  $ ongage-studio push emails --dry-run
  $ ongage-studio push emails
  $ ongage-studio push emails --yes          # in CI: confirms new items and deletions; conflicts still refused`,
    )
    .action(async (dir: string | undefined, o) => {
      setExit(await runPush(dir, { ...o, color: globalColor() }, io));
    });


  const SEND_HELP = `
Guard rails (the editor's):
  Every address is checked before any request (exit 2, naming the bad one). The workspace's allowlist and
  confirmation threshold apply: the "sends" section of .ongage/lint.json or .ongage/sends.json,
  { "allowlist": ["@example.com", "qa@agency.io"], "confirmAbove": 5 }. Above the threshold a terminal is asked;
  without one (CI) the send is refused unless --yes. A send is never retried after an ambiguous failure (exit 3:
  it may have gone out; check before sending again). When the working folder has a .ongage folder, each send is
  appended to .ongage/sends.jsonl, and the same send after one that may have gone out asks first (or needs --yes).

Exit codes: 0 sent (or the dry run is fine) · 1 sent, but Ongage turned some recipients away · 2 nothing sent
(usage, file, address, allowlist, network or credential problem) · 3 may have been sent (check before repeating).`;

  const sendTestCmd = new Command('send-test')
    .summary('send a test of a library email (is_test, "[TEST]" subject) to a few addresses')
    .description(
      "Send a test of a library email to a few addresses, as the editor's Send Test does: POST /api/mailings with is_test: true (never a real campaign), the subject prefixed with [TEST]. The sending connection is --connection, else the email's own, else the account's only active one.",
    )
    .argument('<id>', 'the library email id (`ongage-studio ls` shows them)')
    .requiredOption('--to <addresses>', 'recipients, separated by commas (repeatable): a@x.com,"Ann Lee <ann@x.com>"', collect)
    .option('--connection <id>', 'the sending (ESP) connection id', integer('--connection', 1))
    .option('--no-prefix', 'do not put [TEST] before the subject')
    .option('--dry-run', "print the request and each recipient's subject; send nothing", false)
    .option('-y, --yes', 'send without asking: above the confirmation threshold, or again after a send that may have gone out', false)
    .option('--json', 'print the result as JSON', false);
  connectionOptions(sendTestCmd, "the list the email belongs to (default: the account's default list)");
  sendTestCmd
    .addHelpText(
      'after',
      `${CONNECTION_HELP}
${SEND_HELP}

Examples:
  $ ongage-studio send-test 2019 --to qa@example.com,dev@example.com --sandbox http://127.0.0.1:4780
  $ ongage-studio send-test 2019 --to qa@example.com --connection 7102 --list 10542 --dry-run
  $ ongage-studio send-test 2019 --to "$QA_INBOX" --json --yes`,
    )
    .action(async (id: string, o) => {
      setExit(await runSendTest(id, { ...o, color: globalColor() }, io));
    });

  const sendCmd = new Command('send')
    .summary('send a library email or a local HTML file as a transactional message')
    .description(
      "Send a transactional message: a library email by id (/api/transactional/send), or a local HTML file (send_embed_content) with the subject and From addresses of --subject/--from or of its pulled settings <name>.ongage.json beside it. Dynamic fields: --fields for everyone, --per-recipient per address (Ongage's own form).",
    )
    .argument('<id-or-file>', 'a library email id, or an HTML file')
    .option('--to <addresses>', 'recipients, separated by commas (repeatable); default: the recipients of --per-recipient', collect)
    .option('--fields <file.json>', 'one JSON object of dynamic field values for every recipient: {"receipt_id": "R-1"}')
    .option('--per-recipient <file.json>', 'values per recipient: [{"recipient": "a@x.com", "key_value_collection": {"first_name": "Ann"}}]')
    .option('--campaign <id>', "the transactional campaign (default: the list's default one)", integer('--campaign', 1))
    .option('--connection <id>', "the sending connection (default: the campaign's)", integer('--connection', 1))
    .option('--subject <text>', "the subject of a local file (default: its settings file's)")
    .option('--from <"Name <address>">', "the sender of a local file (default: its settings file's)")
    .option('--reply-to <address>', 'the reply-to address of a local file (default: its settings, else the From address)')
    .option('--check-status', "honour the contacts' status (unsubscribed, bounced…); off by default, as in Ongage", false)
    .option('--check-suppression', 'honour the global and list suppression lists; off by default, as in Ongage', false)
    .option('--dry-run', "print the request and each recipient's subject; send nothing", false)
    .option('-y, --yes', 'send without asking: above the confirmation threshold, or again after a send that may have gone out', false)
    .option('--json', 'print the result as JSON', false);
  connectionOptions(sendCmd, "the list (default: the account's default list)");
  sendCmd
    .addHelpText(
      'after',
      `${CONNECTION_HELP}
${SEND_HELP}

Examples:
  $ ongage-studio send 2056 --list 10543 --to ann@example.com --fields order.json --sandbox http://127.0.0.1:4780
  $ ongage-studio send 2056 --list 10543 --per-recipient people.json --dry-run
  $ ongage-studio send emails/receipt.html --to qa@example.com --subject "Your receipt {{receipt_id}}" --from "Shop <shop@example.com>"`,
    )
    .action(async (target: string, o) => {
      setExit(await runSend(target, { ...o, color: globalColor() }, io));
    });

  for (const cmd of [lintCmd, fieldsCmd, lsCmd, pullCmd, statusCmd, pushCmd, renderCmd, sendTestCmd, sendCmd]) {
    cmd.copyInheritedSettings(program);
    cmd.helpOption('-h, --help', 'show this help').showHelpAfterError('(add --help for usage)');
    program.addCommand(cmd);
  }
  return program;
}

/** Runs the command line; resolves with the exit code. Never throws. */
export async function run(argv: readonly string[], io: CliIO): Promise<number> {
  let code = 0;
  const program = buildProgram(io, (c) => (code = c));
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return code;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version') return 0;
      return EXIT_USAGE;
    }
    return reportError(e, io);
  }
}

/**
 * Writes an error that ended the program on stderr and returns its exit code. Every message is masked like the
 * client's own (the credentials of the environment never print, whatever carried them) and made safe for a
 * terminal (it may quote Ongage's words). The last resort for anything unexpected too (main.ts).
 */
export function reportError(e: unknown, io: Pick<CliIO, 'err' | 'env'>): number {
  const s = style(wantsColor(io.err, io.env));
  const secrets = CREDENTIAL_VARIABLES.map((v) => io.env[v] ?? '');
  const shown = (text: string): string => terminalSafe(redact(text, secrets), true);
  if (e instanceof CliError) {
    io.err.write(`${s.red('error:')} ${shown(e.message)}\n`);
    return e.exitCode;
  }
  io.err.write(`${s.red('error:')} ${shown(e instanceof Error ? e.message : String(e))}\n(this is a bug in ongage-studio; please report it with the command you ran)\n`);
  return EXIT_USAGE;
}

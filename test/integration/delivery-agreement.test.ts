/**
 * What a recipient gets equals what the preview showed. The sandbox personalizes every send with its own reading of
 * Ongage's language (sandbox/personalize.ts), written apart from the preview's renderer (src/core/render/). For
 * every email of the shared corpus (../shared/corpus) and every sample profile below, this suite sends the email
 * through the real client as a transactional send (`send_embed_content`, list fields stored on the sandbox's
 * contact, dynamic fields as the recipient's `key_value_collection`), reads the outbox over HTTP
 * (`GET /__sandbox/outbox`) and requires the delivered HTML, subject and text part to be byte for byte what
 * `ongage-studio render --no-inline` produces with the same values (renderEmail with inlining off, the function
 * the command runs; a handful of cases go through the real command-line bundle too). The project's own
 * test/fixtures/delivery/edge-cases.html (escaping and encoding by place, dates, joiners, braces, broken syntax)
 * goes through the same comparison, and the library's emails that use header and footer templates go by
 * message_id (OngageClient.sendTransactional), so the two compositions of header + body + footer agree too.
 *
 * No output is normalized. Two inputs are aligned, because the preview cannot know them before a send:
 * - System values that Ongage fills in per recipient (ocx_contact_id, ocx_created_date, ocx_status, ocx_list_id,
 *   ocx_mailing_id, ocx_campaign_name, ocx_unsubscribe_link) and the send time (ocx_now) replace the sample's
 *   stand-ins; the renderer gets the sandbox's values for that recipient.
 * - The list has Ongage's default unsubscribe link on, so the sandbox appends its default unsubscribe paragraph
 *   to the email before personalizing (sandbox/deliver.ts addDefaultUnsubscribe); the renderer is given the same
 *   template. Everything else, including that paragraph's personalized link, must agree.
 *
 * Skipped, saying so, where the corpus is absent (a fresh clone does not have it).
 */
import { strict as assert } from 'assert';
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as esbuild from 'esbuild';
import { addDefaultUnsubscribe, unsubscribeLink } from '../../sandbox/deliver';
import type { ContactRec, FieldRec } from '../../sandbox/model';
import type { OngageClient } from '../../src/core/api';
import type { DynamicFields } from '../../src/core/api/types';
import { sampleProfile } from '../../src/core/fields/catalog';
import type { ListField } from '../../src/core/language/fields';
import { evaluate, renderEmail, type RenderValue } from '../../src/core/render';
import { childEnv } from '../../scripts/child-env';
import { CORPUS_DIR } from '../unit/render/helpers';
import { client, control, NEWSLETTER, recordingLogger, sandbox, type Sandbox } from './client-helpers';

type Values = Record<string, RenderValue>;

interface Profile {
  name: string;
  recipient: string;
  /** The list fields the sandbox's contact stores (`email` is the address itself). */
  stored: Values;
  /** The recipient's key_value_collection: the file's dynamic fields (and any list field overridden for this send). */
  dynamic: Values;
  /** The preview's sample profile for the same recipient: what the renderer is given (before system values). */
  sample: Values;
}

const ROOT = path.resolve(__dirname, '../..');
const FROM = { fromName: 'Northwind', fromAddress: 'news@northwind.example', replyAddress: 'reply@northwind.example' };

/** A dynamic field's value in each profile, from its name (URLs, dates, steps and amounts get plausible values). */
function dynamicValue(name: string, variant: 'a' | 'b' | 'special'): RenderValue {
  if (name === 'update_step') return variant === 'a' ? 4 : variant === 'b' ? 2 : '3';
  if (name === 'shipping_cost') return variant === 'a' ? 0 : variant === 'b' ? '4.99' : ' 0 ';
  if (variant === 'b' && /^(item_3_|item_2_description|shipping_address_2|attachment_name)/.test(name)) return '';
  if (/url/.test(name)) {
    if (variant === 'a') return `https://app.northwind.example/${name}?token=abc123`;
    if (variant === 'b') return `https://app.northwind.example/${name}`;
    return `https://app.northwind.example/r?next=/a b&x="1"&y='2'#frag`;
  }
  if (/date|expiry|timestamp|time$/.test(name)) return variant === 'a' ? '2026-07-04' : variant === 'b' ? '31/12/2025' : 'July 4th, 2026 <noon> & later';
  if (variant === 'special') return `${name} & <b>"quoted"</b> 'x' 50% + / ? # = ü`;
  return `${name} ${variant === 'a' ? 'A' : 'b'}`;
}

/** The list fields' values of the condition profiles (everything else of the list stays as the profile says). */
const CONDITIONS_A: Values = {
  first_name: 'Zoë', last_name: 'Ångström', company: 'Company Ltd', city: 'New York', country: 'US', plan: 'pro', language: 'fr',
  points: 5000, vip: 1, orders: 12, birthday: '29/02/1988', signup_date: '2025-06-01',
};
const CONDITIONS_B: Values = {
  first_name: 'max', last_name: '', company: '', city: 'San Francisco', country: 'GB', plan: 'team-plus', language: 'de',
  points: 1500, vip: 0, orders: 6, birthday: '', signup_date: '2019-12-31',
};
const SPECIAL: Values = {
  first_name: `O'Brien & "Sons" <b>`, last_name: 'Zoë/Ünal', company: 'AT&T <Labs>', city: 'São Paulo?x=1#top', country: ' us ', plan: 'PRO',
  language: 'FR', points: '5000', vip: '1', orders: ' 12 ', birthday: '31/01/1990', signup_date: '2026-01-02',
};

/** The profiles every corpus email is sent to, one recipient each. */
function profilesFor(fields: ListField[], dynamic: string[]): Profile[] {
  const listNames = fields.map((f) => f.name).filter((n) => n !== 'email');
  const byName = (f: (n: string) => RenderValue, names: string[]): Values => Object.fromEntries(names.map((n) => [n, f(n)]));
  const pick = (v: Values, names: string[]): Values => Object.fromEntries(names.filter((n) => n in v).map((n) => [n, v[n]]));

  // The list's generated sample contact, as the preview builds it (corpus.test.ts builds the same one).
  const generated = sampleProfile([...fields, ...dynamic.map((name): ListField => ({ name, type: /date|expiry/.test(name) ? 'date' : 'string' }))]).values;
  const generatedRecipient = String(generated.email);
  const noSystem = Object.fromEntries(Object.entries(generated).filter(([k]) => !k.startsWith('ocx_')));

  const explicit = (name: string, recipient: string, list: Values, variant: 'a' | 'b' | 'special', override: Values = {}): Profile => {
    const dyn = byName((n) => dynamicValue(n, variant), dynamic);
    return {
      name,
      recipient,
      stored: { ...list, ...Object.fromEntries(Object.keys(override).map((k) => [k, 'Stored value'])) },
      dynamic: { ...dyn, ...override },
      sample: { ...list, ...dyn, ...override, email: recipient },
    };
  };

  return [
    { name: 'generated sample contact', recipient: generatedRecipient, stored: pick(noSystem, listNames), dynamic: pick(noSystem, dynamic), sample: noSystem },
    {
      name: 'empty values (fallbacks apply)',
      recipient: 'empty.values@example.com',
      stored: byName(() => '', listNames),
      dynamic: byName(() => '', dynamic),
      sample: { ...byName(() => '', [...listNames, ...dynamic]), email: 'empty.values@example.com' },
    },
    // Only an email stored, no dynamic fields: list defaults and fallbacks.
    { name: 'new contact with only an email (list defaults)', recipient: 'new.contact@example.com', stored: {}, dynamic: {}, sample: { email: 'new.contact@example.com' } },
    explicit('conditions A (vip, pro, New York, fr)', 'zoe@company.example', CONDITIONS_A, 'a'),
    // first_name stored as "Stored value" and overridden for this send by the dynamic field (Ongage: the key wins).
    explicit('conditions B (team, San Francisco, de; a list field overridden)', 'test.b@school.edu', CONDITIONS_B, 'b', { first_name: 'max' }),
    // vip overridden by a JSON boolean for this send (Ongage stores booleans as 1/0).
    explicit('special characters (escaping, URL encoding, case)', 'special.chars+tag@example.com', SPECIAL, 'special', { vip: true }),
  ];
}

/** The subject sent with a file: its <title> (most hold tags), else a subject with a fallback. */
function subjectOf(source: string): string {
  const title = /<title>([^<]*)<\/title>/i.exec(source)?.[1].trim() ?? '';
  if (title.includes('{{')) return title;
  return `{{first_name:Hello}}, ${title || 'news from Northwind'}`;
}

/** Where two texts part, with some context from each, so a failure shows the difference. */
function difference(delivered: string, rendered: string): string | undefined {
  if (delivered === rendered) return undefined;
  let i = 0;
  while (i < delivered.length && i < rendered.length && delivered[i] === rendered[i]) i++;
  const around = (s: string) => JSON.stringify(s.slice(Math.max(0, i - 120), i + 160));
  return `they differ at offset ${i} (delivered ${delivered.length} chars, rendered ${rendered.length})\n  delivered: ${around(delivered)}\n  rendered:  ${around(rendered)}`;
}

function contactRecord(p: Profile, index: number, created: number): ContactRec {
  const fields: ContactRec['fields'] = {};
  for (const [k, v] of Object.entries(p.stored)) if (v !== undefined) fields[k] = typeof v === 'boolean' ? (v ? 1 : 0) : v;
  return {
    id: `d0c0ffee${String(index).padStart(16, '0')}`,
    list_id: NEWSLETTER,
    email: p.recipient,
    fields,
    ocx_status: 'Active',
    ocx_created_date: created,
    ocx_unsubscribe_date: null,
    ocx_resubscribe_date: null,
    ocx_bounce_date: null,
    ocx_complaint_date: null,
    ocx_import_id: null,
  };
}

function toDynamic(v: Values): DynamicFields {
  const out: DynamicFields = {};
  for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = x;
  return out;
}

interface Delivered {
  html: string;
  subject: string;
  text: string;
  sent_at: number;
  contact_id: string | null;
  mailing_id: number;
}

describe('delivery agreement: the outbox holds what the preview renders, for every corpus email and profile', function () {
  if (!fs.existsSync(path.join(CORPUS_DIR, 'list-fields.json'))) {
    it(`skipped: the corpus is not at ${CORPUS_DIR} (a fresh clone does not have it)`, function () {
      this.skip();
    });
    return;
  }
  this.timeout(60_000);
  const read = (rel: string): string => fs.readFileSync(path.isAbsolute(rel) ? rel : path.join(CORPUS_DIR, rel), 'utf8');
  const corpusFields = JSON.parse(read('list-fields.json')) as FieldRec[];
  const dynamicByFile = JSON.parse(read('dynamic-fields.json')) as Record<string, string[]>;
  const valid = fs.readdirSync(path.join(CORPUS_DIR, 'valid')).sort().map((f) => `valid/${f}`);
  const corpusFiles = [...valid.filter((f) => f.endsWith('.html')), 'large-20kb.html', 'large-100kb.html'];
  // Beside the corpus (valid emails), the project's own file of edge cases and broken syntax, where the two
  // readings are likeliest to part: escaping and encoding by place, dates, joiners, braces, unclosed blocks.
  const EDGE = path.join(ROOT, 'test/fixtures/delivery/edge-cases.html');
  const files = [...corpusFiles, EDGE];

  let sb: Sandbox;
  let api: OngageClient;
  let fields: ListField[];
  let campaign: { id: number; name: string };
  let defaultUnsubscribe: boolean;
  const created = 1_700_000_000;
  let cases = 0;

  before(async () => {
    sb = await sandbox();
    // The list's fields become the corpus's (list-fields.json is shaped like GET /api/list_fields), so the sandbox
    // reads dates, numbers and defaults by the same definitions the preview gets.
    sb.store.data.fields = [...sb.store.data.fields.filter((f) => f.list_id !== NEWSLETTER), ...corpusFields.map((f) => ({ ...f, list_id: NEWSLETTER }))];
    api = client(sb, recordingLogger().logger);
    fields = await api.listFields();
    assert.deepEqual(
      fields.map((f) => [f.name, f.type, f.format ?? null, f.default ?? null]),
      corpusFields.map((f) => [f.name, f.type, f.format, f.default]),
    );
    const campaigns = await api.listTransactionalCampaigns();
    const def = campaigns.items.find((c) => c.isDefault);
    assert.ok(def, 'the list has a default transactional campaign');
    campaign = { id: def.id, name: def.name };
    defaultUnsubscribe = (await api.getList(NEWSLETTER)).unsubscribeDefaultLink === true;
    assert.equal(defaultUnsubscribe, true, "the list uses Ongage's default unsubscribe link, so the suite covers it");
  });

  after(async () => {
    await sb?.close();
  });

  /** Sends `file` to every profile; the outbox entries by recipient, and the renderer's values per recipient. */
  async function sendToAll(file: string, profiles: Profile[], text: string | undefined): Promise<Map<string, { entry: Delivered; values: Values }>> {
    // Fresh contacts for this file's profiles (the dynamic fields differ per file, the list fields do not).
    sb.store.data.contacts = sb.store.data.contacts.filter((c) => c.list_id !== NEWSLETTER || !profiles.some((p) => p.recipient.toLowerCase() === c.email.toLowerCase()));
    profiles.forEach((p, i) => sb.store.data.contacts.push(contactRecord(p, i + 1, created + i * 86_400)));
    const ctl = control(sb.url);
    await ctl.clearOutbox();
    const source = read(file);
    const result = await api.sendTransactionalContent({
      message: { subject: subjectOf(source), contentHtml: source, ...(text !== undefined ? { contentText: text } : {}), addresses: FROM },
      recipients: profiles.map((p) => p.recipient),
      dynamicFieldsPerRecipient: Object.fromEntries(profiles.map((p) => [p.recipient, toDynamic(p.dynamic)])),
    });
    assert.deepEqual(result.accepted, profiles.map((p) => p.recipient));
    const outbox = await ctl.outbox({ kind: 'transactional' });
    assert.equal(outbox.total, profiles.length, 'one delivery per recipient');
    const out = new Map<string, { entry: Delivered; values: Values }>();
    profiles.forEach((p, i) => {
      const mine = outbox.items.filter((x) => x.recipient === p.recipient);
      assert.equal(mine.length, 1, `${p.recipient} got exactly one message`);
      const entry = mine[0] as unknown as Delivered;
      const contactId = contactRecord(p, i + 1, 0).id;
      assert.equal(entry.contact_id, contactId);
      assert.equal(entry.mailing_id, campaign.id);
      out.set(p.recipient, {
        entry,
        values: {
          ...p.sample,
          // What Ongage fills in for this recipient of this send (the sample's stand-ins cannot know it).
          ocx_contact_id: contactId,
          ocx_created_date: created + i * 86_400,
          ocx_status: 'Active',
          ocx_list_id: NEWSLETTER,
          ocx_mailing_id: campaign.id,
          ocx_campaign_name: campaign.name,
          ocx_unsubscribe_link: unsubscribeLink(sb.url, NEWSLETTER, campaign.id, p.recipient),
        },
      });
    });
    return out;
  }

  for (const file of files) {
    describe(file === EDGE ? path.relative(ROOT, EDGE) : file, () => {
      const source = read(file);
      const txtFile = file.replace(/\.html$/, '.txt');
      const text = file.startsWith('valid/') && fs.existsSync(path.join(CORPUS_DIR, txtFile)) ? read(txtFile) : undefined;
      const dynamic = dynamicByFile[file] ?? [];
      let profiles: Profile[] = [];
      let delivered: Map<string, { entry: Delivered; values: Values }>;

      before(async () => {
        profiles = profilesFor(fields, dynamic);
        delivered = await sendToAll(file, profiles, text);
      });

      // The profile names do not depend on the file, so the cases can be named before the fields arrive.
      for (const name of profilesFor([], []).map((p) => p.name)) {
        it(`${name}: delivered HTML, subject${text !== undefined ? ' and text part' : ''} = render --no-inline`, () => {
          const p = profiles.find((x) => x.name === name)!;
          const { entry, values } = delivered.get(p.recipient)!;
          const now = new Date(entry.sent_at * 1000);
          const html = defaultUnsubscribe ? addDefaultUnsubscribe(source) : source;
          const r = renderEmail({ html, subject: subjectOf(source) }, { values, fields, inlineCss: false, now });
          cases++;
          const problems = [
            difference(entry.html, r.html) && `HTML: ${difference(entry.html, r.html)}`,
            difference(entry.subject, r.subject) && `subject: ${difference(entry.subject, r.subject)}`,
          ];
          if (text !== undefined) {
            const t = evaluate(text, 'text', { values, fields, now });
            problems.push(difference(entry.text, t.output) && `text part: ${difference(entry.text, t.output)}`);
          }
          // The corpus is valid Ongage language: a tag left in the output would be a bug on both sides at once.
          // (The edge-case file holds broken syntax on purpose, which both show as written.)
          for (const [part, out] of file === EDGE ? [] : ([['HTML', entry.html], ['subject', entry.subject], ['text part', entry.text]] as const)) {
            if (out.includes('{{')) problems.push(`${part}: a tag was left in the delivered message: ${JSON.stringify(out.slice(out.indexOf('{{') - 60, out.indexOf('{{') + 60))}`);
          }
          const found = problems.filter(Boolean);
          assert.equal(found.length, 0, `${file} for ${p.recipient}:\n${found.join('\n')}`);
        });
      }
    });
  }

  describe('stored emails with header and footer templates, sent by message_id', () => {
    // The library's own emails that use header/footer templates: the sandbox composes them (deliver.ts) and the
    // preview composes them (src/core/render/compose.ts), each its own way; the composed, personalized result and
    // the pre-header must agree too. Sent through OngageClient.sendTransactional (/api/transactional/send).
    const profileNames = ['generated sample contact', 'empty values (fallbacks apply)', 'special characters (escaping, URL encoding, case)'];

    it('every templated email of the list, for three profiles', async function () {
      this.timeout(120_000);
      const templated = sb.store.data.emails.filter((e) => e.list_id === NEWSLETTER && !e.deleted && e.type === 'email_message' && (e.header_template_id !== null || e.footer_template_id !== null));
      assert.ok(templated.length >= 5, `the seed has emails with templates (${templated.length})`);
      const templates = new Map<number, string>();
      const template = async (id: number | undefined): Promise<string | null> => {
        if (id === undefined) return null;
        if (!templates.has(id)) templates.set(id, (await api.getEmail(id)).contentHtml ?? '');
        return templates.get(id)!;
      };
      const problems: string[] = [];
      for (const rec of templated) {
        // What the editor's document provider reads: the email, then its header and footer templates.
        const email = await api.getEmail(rec.id);
        const [header, footer] = [await template(email.headerTemplateId), await template(email.footerTemplateId)];
        const profiles = profilesFor(fields, []).filter((p) => profileNames.includes(p.name));
        sb.store.data.contacts = sb.store.data.contacts.filter((c) => c.list_id !== NEWSLETTER || !profiles.some((p) => p.recipient.toLowerCase() === c.email.toLowerCase()));
        profiles.forEach((p, i) => sb.store.data.contacts.push(contactRecord(p, i + 1, created + i * 86_400)));
        const ctl = control(sb.url);
        await ctl.clearOutbox();
        await api.sendTransactional({ messageId: rec.id, recipients: profiles.map((p) => p.recipient), dynamicFieldsPerRecipient: Object.fromEntries(profiles.map((p) => [p.recipient, toDynamic(p.dynamic)])) });
        const outbox = await ctl.outbox({ message_id: rec.id });
        assert.equal(outbox.total, profiles.length);
        profiles.forEach((p, i) => {
          const entry = outbox.items.find((x) => x.recipient === p.recipient) as unknown as Delivered & { preheader: string };
          const values: Values = {
            ...p.sample,
            ocx_contact_id: contactRecord(p, i + 1, 0).id,
            ocx_created_date: created + i * 86_400,
            ocx_status: 'Active',
            ocx_list_id: NEWSLETTER,
            ocx_mailing_id: campaign.id,
            ocx_campaign_name: campaign.name,
            ocx_message_id: rec.id,
            ocx_unsubscribe_link: unsubscribeLink(sb.url, NEWSLETTER, campaign.id, p.recipient),
          };
          // The default unsubscribe paragraph goes where the sandbox puts it: before the composed email's </body>.
          const withLink = email.unsubscribeDefaultLink === true;
          const r = renderEmail(
            { html: withLink && !footer ? addDefaultUnsubscribe(email.contentHtml ?? '') : email.contentHtml ?? '', header, footer: withLink && footer ? addDefaultUnsubscribe(footer) : footer, subject: email.subject, preheader: email.preheader },
            { values, fields, inlineCss: false, now: new Date(entry.sent_at * 1000) },
          );
          cases++;
          for (const [part, a, b] of [['HTML', entry.html, r.html], ['subject', entry.subject, r.subject], ['pre-header', entry.preheader, r.preheader]] as const) {
            const d = difference(a, b);
            if (d) problems.push(`email ${rec.id} for ${p.recipient}, ${part}: ${d}`);
          }
          if (entry.html.includes('{{')) problems.push(`email ${rec.id} for ${p.recipient}: a tag was left in the delivered HTML`);
        });
      }
      assert.deepEqual(problems, []);
    });
  });

  describe('through the real command line (ongage-studio render --no-inline)', () => {
    let work: string;
    let bundle: string;
    // Files without ocx_now (the command renders it at its own time) covering conditions, dates, fallbacks, URLs.
    const chosen = ['valid/01-postmark-welcome.html', 'valid/03-postmark-receipt.html', 'valid/14-cerberus-hybrid.html', 'valid/30-colorlib-cart-reminder.html'];
    const profileNames = ['generated sample contact', 'conditions A (vip, pro, New York, fr)', 'special characters (escaping, URL encoding, case)'];

    before(async function () {
      this.timeout(60_000);
      work = fs.mkdtempSync(path.join(os.tmpdir(), 'ongage-delivery-'));
      bundle = path.join(work, 'cli.js');
      await esbuild.build({ absWorkingDir: ROOT, entryPoints: ['src/cli/main.ts'], outfile: bundle, bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'silent' });
    });

    after(() => {
      if (work) fs.rmSync(work, { recursive: true, force: true });
    });

    const run = (args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> =>
      new Promise((resolve, reject) => {
        const env: NodeJS.ProcessEnv = {};
        for (const [k, v] of Object.entries(childEnv())) if (!/^(ONGAGE_|NO_COLOR|FORCE_COLOR)/.test(k)) env[k] = v;
        const child = spawn(process.execPath, [bundle, ...args], { cwd: work, env, stdio: ['ignore', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
        child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
        child.on('error', reject);
        child.on('close', (code) => resolve({ code, stdout, stderr }));
      });

    for (const file of chosen) {
      it(`${file}: the command's output for ${profileNames.length} profiles is what was delivered`, async function () {
        this.timeout(60_000);
        const source = read(file);
        const profiles = profilesFor(fields, dynamicByFile[file] ?? []).filter((p) => profileNames.includes(p.name));
        assert.equal(profiles.length, profileNames.length);
        const delivered = await sendToAll(file, profiles, undefined);
        const base = path.basename(file, '.html');
        const email = path.join(work, `${base}.html`);
        fs.writeFileSync(email, defaultUnsubscribe ? addDefaultUnsubscribe(source) : source);
        for (const p of profiles) {
          const { entry, values } = delivered.get(p.recipient)!;
          const sample = path.join(work, `${base}.${p.recipient}.json`);
          fs.writeFileSync(sample, JSON.stringify(values));
          const r = await run(['render', email, '--fields', path.join(CORPUS_DIR, 'list-fields.json'), '--sample', sample, '--no-inline', '--subject', subjectOf(source)]);
          assert.equal(r.code, 0, r.stderr);
          cases++;
          const diff = difference(entry.html, r.stdout);
          assert.equal(diff, undefined, `${file} for ${p.recipient}: HTML ${diff}`);
          const subject = /^subject: (.*)$/m.exec(r.stderr)?.[1];
          assert.equal(subject, entry.subject, `${file} for ${p.recipient}: subject`);
        }
      });
    }
  });

  after(() => {
    // eslint-disable-next-line no-console
    console.log(`      ${cases} (email × profile) cases compared`);
  });
});

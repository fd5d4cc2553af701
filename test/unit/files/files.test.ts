/**
 * src/core/files.ts and its users in the core: writes replace a file whole (temporary file + rename, also on the
 * pull's worker thread), exclusive creation, appends that survive a cut line, JSON files with a byte order mark.
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { appendLine, isSameFile, parseJsonText, readJsonFile, writeFileAtomic, writeFileAtomicSync } from '../../../src/core/files';
import { parseSamplesText } from '../../../src/core/fields/samples';
import { loadLintConfig } from '../../../src/core/language/config-loader';
import { parseSettings } from '../../../src/core/library/parts';
import { appendSendLog, readSendLog, type SendRecord } from '../../../src/core/send/log';
import { loadSendConfig } from '../../../src/core/send/guards';
import { FileWriter } from '../../../src/core/sync/writer';
import { parseManifest, serializeManifest, writeManifest, type Manifest } from '../../../src/core/sync/manifest';

const BOM = '\uFEFF';

describe('core/files', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ongage-files-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  const p = (...xs: string[]) => path.join(dir, ...xs);
  const read = (f: string) => fs.readFileSync(f, 'utf8');

  for (const [name, write] of [
    ['writeFileAtomic', (f: string, d: string, o?: { exclusive?: boolean; fsync?: boolean }) => writeFileAtomic(f, d, o)],
    ['writeFileAtomicSync', async (f: string, d: string, o?: { exclusive?: boolean; fsync?: boolean }) => writeFileAtomicSync(f, d, o)],
  ] as const) {
    describe(name, () => {
      it('replaces the file with a new one: a reader of the old file keeps the old content', async () => {
        fs.writeFileSync(p('a.json'), 'old');
        fs.linkSync(p('a.json'), p('reader'));
        await write(p('a.json'), 'new', { fsync: true });
        assert.equal(read(p('a.json')), 'new');
        assert.equal(read(p('reader')), 'old');
        assert.deepEqual(fs.readdirSync(dir).sort(), ['a.json', 'reader']);
      });

      it('creates folders, keeps a symbolic link and the permissions', async () => {
        await write(p('x', 'y', 'new.txt'), 'one');
        assert.equal(read(p('x', 'y', 'new.txt')), 'one');
        fs.writeFileSync(p('target.txt'), 'old');
        fs.chmodSync(p('target.txt'), 0o600);
        fs.symlinkSync(p('target.txt'), p('link.txt'));
        await write(p('link.txt'), 'two');
        assert.ok(fs.lstatSync(p('link.txt')).isSymbolicLink());
        assert.equal(read(p('target.txt')), 'two');
        assert.equal(fs.statSync(p('target.txt')).mode & 0o777, 0o600);
      });

      it('leaves the old file and no temporary file when the write fails', async () => {
        fs.mkdirSync(p('taken'));
        fs.writeFileSync(p('taken', 'inside'), 'x');
        await assert.rejects(async () => write(p('taken'), 'text'));
        assert.deepEqual(fs.readdirSync(dir), ['taken']);
        assert.equal(read(p('taken', 'inside')), 'x');
      });

      it('exclusive: creates a missing file, and refuses (EEXIST) to touch an existing one', async () => {
        await write(p('s.json'), 'first', { exclusive: true });
        assert.equal(read(p('s.json')), 'first');
        await assert.rejects(async () => write(p('s.json'), 'second', { exclusive: true }), (e: NodeJS.ErrnoException) => e.code === 'EEXIST');
        assert.equal(read(p('s.json')), 'first');
        assert.deepEqual(fs.readdirSync(dir), ['s.json']);
      });
    });
  }

  it('exclusive creation lets exactly one of many concurrent writers in', async () => {
    const results = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => writeFileAtomic(p('one.json'), `writer ${i}`, { exclusive: true })));
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    assert.match(read(p('one.json')), /^writer \d$/);
    assert.deepEqual(fs.readdirSync(dir), ['one.json']);
  });

  it('the pull writer (worker thread) replaces files whole too', async () => {
    fs.mkdirSync(p('lib'));
    fs.writeFileSync(p('lib', 'a.html'), 'old');
    fs.linkSync(p('lib', 'a.html'), p('reader'));
    const w = new FileWriter();
    try {
      w.write([
        [p('lib', 'a.html'), 'new'],
        [p('lib', 'deeper', 'b.html'), 'b'],
      ]);
      await w.flush();
    } finally {
      await w.close();
    }
    assert.equal(read(p('lib', 'a.html')), 'new');
    assert.equal(read(p('lib', 'deeper', 'b.html')), 'b');
    assert.equal(read(p('reader')), 'old', 'the worker wrote in place');
    assert.deepEqual(fs.readdirSync(p('lib')).sort(), ['a.html', 'deeper']);
  });

  it("writeManifest keeps the user's .ongage/.gitignore and creates it only when missing", async () => {
    const m: Manifest = parseManifest(serializeManifest({ connection: 'Sandbox', list: 10542, root: { folderId: 0, name: '' }, synced: new Date(0).toISOString(), folders: [], items: [] } as unknown as Manifest));
    await writeManifest(dir, m);
    assert.match(read(p('.ongage', '.gitignore')), /base\.json/);
    fs.writeFileSync(p('.ongage', '.gitignore'), 'mine\n');
    await writeManifest(dir, m);
    assert.equal(read(p('.ongage', '.gitignore')), 'mine\n');
  });

  it('appendLine starts on a new line after a line cut short, and appends otherwise', async () => {
    await appendLine(p('log', 'x.jsonl'), 'one');
    await appendLine(p('log', 'x.jsonl'), 'two');
    assert.equal(read(p('log', 'x.jsonl')), 'one\ntwo\n');
    fs.appendFileSync(p('log', 'x.jsonl'), '{"cut');
    await appendLine(p('log', 'x.jsonl'), 'three');
    assert.equal(read(p('log', 'x.jsonl')), 'one\ntwo\n{"cut\nthree\n');
  });

  it('the send log keeps a record appended after a line cut short by a crash', async () => {
    const file = p('.ongage', 'sends.jsonl');
    const rec = (id: number): SendRecord => ({ at: new Date(0).toISOString(), kind: 'test', email: { id }, connection: 'Sandbox', recipients: ['a@example.com'], result: 'sent', fingerprint: `f${id}` });
    await appendSendLog(file, rec(1));
    fs.appendFileSync(file, '{"at": "2026-01-01T00:00:00.000Z", "kind": "te');
    await appendSendLog(file, rec(2));
    assert.deepEqual((await readSendLog(file)).map((r) => r.fingerprint), ['f1', 'f2']);
  });

  it('JSON with a byte order mark: parseJsonText, readJsonFile, and every JSON file the core reads', async () => {
    assert.deepEqual(parseJsonText(`${BOM}{"a": 1}`), { a: 1 });
    assert.throws(() => parseJsonText(`${BOM}${BOM}{}`), SyntaxError);
    fs.writeFileSync(p('b.json'), `${BOM}[1]`);
    assert.deepEqual(await readJsonFile(p('b.json')), [1]);

    fs.mkdirSync(p('.ongage'));
    fs.writeFileSync(p('.ongage', 'lint.json'), `${BOM}{ "rules": { "img-alt": "off" }, "sends": { "allowlist": ["@example.com"] } }`);
    const lint = await loadLintConfig(dir);
    assert.deepEqual(lint.errors, []);
    assert.equal(lint.config.rules['img-alt'], 'off');
    const sends = await loadSendConfig(dir);
    assert.deepEqual(sends.errors, []);
    assert.deepEqual(sends.guards.allowlist, ['@example.com']);

    const samples = parseSamplesText(`${BOM}{ "profiles": [ { "label": "Ann", "values": { "first_name": "Ann" } } ] }`);
    assert.deepEqual(samples.errors, []);
    assert.equal(samples.profiles[0].label, 'Ann');

    const settings = parseSettings(`${BOM}{ "name": "Spring", "subject": "Hello" }`);
    assert.ok(settings.ok, JSON.stringify(settings));
    assert.equal(settings.ok && settings.settings.subject, 'Hello');
    assert.equal(parseManifest(BOM + serializeManifest({ connection: 'S', list: 1, root: { folderId: 0, name: '' }, synced: new Date(0).toISOString(), folders: [], items: [] } as unknown as Manifest)).list, 1);
  });

  it('isSameFile: one file under two names (relative, symbolic link, hard link), not two files or a missing one', async () => {
    fs.writeFileSync(p('a'), 'x');
    fs.writeFileSync(p('b'), 'x');
    fs.symlinkSync(p('a'), p('s'));
    fs.linkSync(p('a'), p('h'));
    assert.equal(await isSameFile(p('a'), path.join(dir, '.', 'x', '..', 'a')), true);
    assert.equal(await isSameFile(p('s'), p('a')), true);
    assert.equal(await isSameFile(p('h'), p('s')), true);
    assert.equal(await isSameFile(p('a'), p('b')), false);
    assert.equal(await isSameFile(p('a'), p('missing')), false);
  });
});

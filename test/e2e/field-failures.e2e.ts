// Journey: the list fields cannot be read (Ongage keeps failing list_fields). Typing in a template does not ask
// again on every keystroke; one notification says what failed, with Show Log; Refresh List Fields, once Ongage
// answers again, brings the fields (and the unknown-field problem) back.
import * as assert from 'assert';
import { useConnectedWorkbench, commandTitle, type Workbench } from './harness/workbench';
import { until } from './harness/journey';

const EMAIL = `<!DOCTYPE html>
<html><head><title>Fields</title></head>
<body>
<p>Hello {{frist_name}}</p>
</body></html>
`;

describe('e2e: list fields that cannot be read', function () {
  const { sandbox, wb } = useConnectedWorkbench('field-failures', { files: { 'fields.html': EMAIL } });
  let w: Workbench;
  const control = async (method: string, path: string, body?: unknown): Promise<Record<string, unknown>> => {
    const res = await fetch(`${sandbox().url}${path}`, {
      method,
      headers: body ? { 'Content-Type': 'application/json' } : {},
      body: body ? JSON.stringify(body) : undefined,
    });
    assert.ok(res.ok, `${method} ${path}: HTTP ${res.status}`);
    return (await res.json()) as Record<string, unknown>;
  };
  const fieldRequests = async (): Promise<number> => ((await control('GET', '/__sandbox/stats')).byRoute as Record<string, number>)['GET /api/list_fields'] ?? 0;
  const NOTE = /could not read the fields of list \d+ of "[^"]+"/;

  before(async () => {
    w = wb();
    await control('POST', '/__sandbox/faults', { next5xx: 10000, method: 'GET', path: '/list_fields' });
    await w.connected('fields.html');
  });

  it('says once what failed, with Show Log, and does not fetch again on every keystroke', async () => {
    const note = await w.waitForNotification(NOTE, 60000);
    assert.match(note, /Ongage failed while reading the list fields \(HTTP 500\)/);
    const after = await fieldRequests();
    assert.ok(after >= 1 && after <= 4, `one fetch (with the client's own retries), got ${after} requests`);
    await w.page.keyboard.press('Control+End');
    for (let i = 0; i < 10; i++) await w.typeInEditor(' x');
    // Every keystroke re-lints; wait until the edits are in the editor before counting.
    await until('the typed text', async () => /( x){10}/.test(await w.editorText()));
    assert.strictEqual(await fieldRequests(), after, 'no new list_fields request while backing off');
    assert.strictEqual((await w.notifications()).filter((m) => NOTE.test(m)).length, 1, 'said once');
    const toast = w.page.locator('.notifications-toasts .notification-list-item', { hasText: NOTE });
    assert.ok(await toast.getByRole('button', { name: 'Show Log' }).isVisible(), 'the notification offers Show Log');
    await w.screenshot('said-once');
  });

  it('Refresh List Fields tries again at once: with Ongage answering, the fields are back', async () => {
    await control('DELETE', '/__sandbox/faults');
    const title = commandTitle('ongage.refreshFields');
    assert.ok(title, 'Refresh List Fields is contributed');
    await w.runCommand(title);
    const row = await until('the unknown-field problem', async () => (await w.problems()).find((r) => /frist_name/.test(r)));
    assert.match(row, /first_name/);
  });
});

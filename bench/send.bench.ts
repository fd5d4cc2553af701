/**
 * A test send end to end (no assertions; `npm run bench`): `sendTest()` of src/core/send — recipients parsed and
 * checked, POST /api/mailings with is_test through the client's limiter on a fresh connection (sends never reuse a
 * keep-alive socket), the answer parsed — against the sandbox with 100 ms added per call, as a slow API answers.
 * The floor is the added 100 ms; the figure is the median of 7 sends after one warm-up call.
 */
import type { Report } from './run';
import { startSandbox } from '../sandbox/server';
import { OngageClient } from '../src/core/api';
import { sendTest } from '../src/core/send';

const CREDS = { username: 'bench@example.com', password: 'bench-pass', accountCode: 'bench' };

export default async function (report: Report): Promise<void> {
  const sb = await startSandbox({ credentials: CREDS, latencyMs: 100 });
  const client = new OngageClient({ baseUrl: sb.url, listId: 10542, credentials: CREDS });
  try {
    await client.getEmail(sb.ids.emails.firstNewsletter);
    const times: number[] = [];
    for (let i = 0; i < 7; i++) {
      const t0 = performance.now();
      await sendTest(client, {
        emailId: sb.ids.emails.firstNewsletter,
        recipients: 'Jane Doe <jane.doe@example.com>, qa@example.org',
        espConnectionId: sb.ids.connections.marketing,
      });
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    report('send_test_ms', Math.round(times[Math.floor(times.length / 2)]), 'ms');
    if (sb.stats().realCampaignLaunches !== 0) throw new Error('a bench send launched a real campaign');
  } finally {
    client.dispose();
    await sb.close();
  }
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MeshFixture, startNhsSandboxFixture } from '../../support/mesh-fixture';
import { meshRequest, sendMessage } from './mesh-http';

let target: MeshFixture;
const sentIds: string[] = [];
const workflows = ['PATH_RESULTS', 'PATH_RESULTS_ACK', 'DISCHARGE', 'XRAY_PATH', 'PATH_RESULTS'];

beforeAll(async () => {
  target = await startNhsSandboxFixture();
  for (let index = 0; index < 25; index++) {
    sentIds.push(
      await sendMessage(target, 'X26ABC1', 'X26ABC2', `message ${index}`, {
        'mex-WorkflowID': workflows[index % workflows.length]!,
      }),
    );
  }
});
afterAll(async () => {
  await target.close();
});

const list = (query: string, accept?: string) =>
  meshRequest(target, {
    path: `/messageexchange/X26ABC2/inbox${query}`,
    as: 'X26ABC2',
    ...(accept ? { accept } : {}),
  });

describe('inbox listing', () => {
  it('lists oldest first with a self link and count, and no next link when everything fits', async () => {
    const response = await list('');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('application/vnd.mesh.v2+json');
    const body = response.json();
    expect(body.messages).toEqual(sentIds);
    expect(body.approx_inbox_count).toBe(25);
    expect(body.links).toEqual({ self: '/messageexchange/X26ABC2/inbox' });
  });

  it('pages with max_results and a relative links.next until done', async () => {
    const seen: string[] = [];
    let path: string | undefined = '/messageexchange/X26ABC2/inbox?max_results=10';
    const pageSizes: number[] = [];
    while (path) {
      const response = await meshRequest(target, { path, as: 'X26ABC2' });
      const body = response.json();
      pageSizes.push(body.messages.length);
      seen.push(...body.messages);
      expect(body.links.self).toBe('/messageexchange/X26ABC2/inbox?max_results=10');
      path = body.links.next;
      if (path) {
        expect(path.startsWith('/messageexchange/X26ABC2/inbox?max_results=10&continue_from=')).toBe(true);
        expect(new URL(path, 'https://x').searchParams.get('continue_from')!.length).toBeGreaterThanOrEqual(24);
      }
    }
    expect(pageSizes).toEqual([10, 10, 5]);
    expect(seen).toEqual(sentIds);
  });

  it('keeps its place when messages on an earlier page are acknowledged between pages', async () => {
    const first = (await list('?max_results=10')).json();
    for (const id of first.messages.slice(0, 3)) {
      await meshRequest(target, {
        method: 'PUT',
        path: `/messageexchange/X26ABC2/inbox/${id}/status/acknowledged`,
        as: 'X26ABC2',
      });
    }
    const second = (await meshRequest(target, { path: first.links.next, as: 'X26ABC2' })).json();
    expect(second.messages).toEqual(sentIds.slice(10, 20));
    expect(second.approx_inbox_count).toBe(22);
    for (const id of first.messages.slice(0, 3)) {
      await meshRequest(target, {
        method: 'POST',
        path: `/admin/message/${id}/event`,
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ status: 'accepted' }),
      });
    }
  });

  it('refuses a forged continuation token', async () => {
    const response = await list('?continue_from=eyJtIjoiWDI2QUJDMiIsInMiOjV9.AAAAAAAAAAAAAAAAAAAAAA');
    expect(response.status).toBe(400);
  });

  it('continues after a message id in v1', async () => {
    const response = await list(`?max_results=10&continue_from=${sentIds[4]}`, 'application/json');
    expect(response.json()).toEqual({ messages: sentIds.slice(5, 15) });
  });

  it.each(['9', '5001', 'ten', '1.5'])('refuses max_results=%s with a 400 validation body', async (value) => {
    const response = await list(`?max_results=${value}`);
    expect(response.status).toBe(400);
    expect(response.json().detail[0].loc).toEqual(['query', 'max_results']);
  });

  it('accepts max_results at both limits', async () => {
    expect((await list('?max_results=10')).json().messages).toHaveLength(10);
    expect((await list('?max_results=5000')).json().messages).toHaveLength(25);
  });

  it.each([
    ['short continue_from', '?continue_from=abc'],
    ['one-character workflow_filter', '?workflow_filter=A'],
    ['over-long workflow_filter', `?workflow_filter=${'A'.repeat(256)}`],
  ])('refuses a %s', async (_name, query) => {
    expect((await list(query)).status).toBe(400);
  });
});

describe('workflow filters', () => {
  const idsFor = (predicate: (workflow: string) => boolean) =>
    sentIds.filter((_id, index) => predicate(workflows[index % workflows.length]!));

  it.each([
    ['PATH_RESULTS', (w: string) => w === 'PATH_RESULTS'],
    ['!PATH_RESULTS', (w: string) => w !== 'PATH_RESULTS'],
    ['PATH*', (w: string) => w.startsWith('PATH')],
    ['!PATH*', (w: string) => !w.startsWith('PATH')],
    ['*PATH*', (w: string) => w.includes('PATH')],
    ['!*PATH*', (w: string) => !w.includes('PATH')],
  ])('filters with %s', async (filter, predicate) => {
    const response = await list(`?workflow_filter=${encodeURIComponent(filter)}`);
    expect(response.json().messages).toEqual(idsFor(predicate));
  });

  it('keeps the filter in the links and pages within it', async () => {
    const first = (await list('?max_results=10&workflow_filter=PATH*')).json();
    expect(first.links.self).toBe('/messageexchange/X26ABC2/inbox?max_results=10&workflow_filter=PATH*');
    expect(first.links.next).toContain('workflow_filter=PATH*');
    const second = (await meshRequest(target, { path: first.links.next, as: 'X26ABC2' })).json();
    expect([...first.messages, ...second.messages]).toEqual(idsFor((w) => w.startsWith('PATH')));
  });
});

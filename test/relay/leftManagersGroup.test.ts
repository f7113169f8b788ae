/**
 * Leaving the managers' group takes staff rights away (outside tester's
 * report: Пётр, kicked, still got manager answers in private, stayed in
 * `GET /api/dialogs/managers` and could be made a dialog's owner). An account
 * that exists only through the group (made when he first wrote there: no
 * e-mail, no password) is disabled when he leaves or is removed, and enabled
 * again when he comes back; an account an administrator made keeps its access.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTelegramWorld, type TelegramWorld } from '../helpers/telegram.js';
import { ADMIN_EMAIL, ApiClient, signedInAdmin } from '../helpers/app.js';

let t: TelegramWorld;
let admin: ApiClient;
beforeAll(async () => {
  t = await startTelegramWorld();
  admin = await signedInAdmin(t.hotline.url);
});
afterAll(async () => {
  await t?.stop();
});

const managerNames = async () => (await admin.get('/api/dialogs/managers')).body.items.map((m: { name: string }) => m.name) as string[];
const managerId = async (name: string) => ((await admin.get('/api/dialogs/managers')).body.items as Array<{ userId: number; name: string }>).find((m) => m.name === name)?.userId;

/** Waits until the managers' list does (or does not) hold `name`. */
async function untilListed(name: string, listed: boolean): Promise<void> {
  while ((await managerNames()).includes(name) !== listed) await new Promise((resolve) => setTimeout(resolve, 50));
}

describe('a member removed from the managers\' group', () => {
  it('loses the account made through the group — not offered, not assignable, a client in private — and gets it back on rejoining', async () => {
    const petr = await t.newClient('Пётр');
    await t.control.addMember(t.group, { user_id: petr.id, status: 'member' });
    await t.control.sendMessage({ from: petr.id, chat_id: t.group, text: '/help' });
    await t.control.waitFor({ chat_id: t.group, text_includes: 'Команды менеджера' });
    await untilListed('Пётр', true);
    const petrId = (await managerId('Пётр'))!;

    // A client's dialog to hand over.
    const client = await t.newClient('Ольга Клиент');
    await t.control.sendMessage({ from: client.id, text: 'Здравствуйте, нужен платёж' });
    await t.waitForTopic(client, { textIncludes: 'нужен платёж' });
    const dialogId = (await admin.get('/api/dialogs')).body.items.find((d: { clientName: string }) => d.clientName === 'Ольга Клиент').id as number;

    await t.control.addMember(t.group, { user_id: petr.id, status: 'kicked' });
    await untilListed('Пётр', false);
    const assigned = await admin.request('PUT', `/api/dialogs/${dialogId}/owner`, { userId: petrId });
    expect(assigned.status).toBe(400);
    expect(JSON.stringify(assigned.body)).toContain('с действующей учётной записью');
    // In private he is a client now: his message opens a dialog, no «Вы менеджер» answer.
    await t.control.sendMessage({ from: petr.id, text: 'Я ещё менеджер?' });
    await t.waitForTopic(petr, { textIncludes: 'Я ещё менеджер?' });
    const privateAnswers = (await t.control.transcript(petr.id)).messages.filter((m) => m.from?.is_bot).map((m) => m.text ?? '');
    expect(privateAnswers.some((text) => text.includes('Вы менеджер Hotline'))).toBe(false);

    // Back in the group: the account is enabled again and may own dialogs.
    await t.control.addMember(t.group, { user_id: petr.id, status: 'member' });
    await untilListed('Пётр', true);
    expect((await admin.request('PUT', `/api/dialogs/${dialogId}/owner`, { userId: petrId })).status).toBe(200);
  });

  it('an administrator\'s «disabled» is not undone by rejoining; an account with an e-mail keeps its access on leaving', async () => {
    const ivan = await t.newClient('Иван');
    await t.control.addMember(t.group, { user_id: ivan.id, status: 'member' });
    await t.control.sendMessage({ from: ivan.id, chat_id: t.group, text: '/help' });
    await untilListed('Иван', true);
    const ivanId = (await managerId('Иван'))!;
    expect((await admin.patch(`/api/admin/users/${ivanId}`, { disabled: true })).status).toBe(200);
    await t.control.addMember(t.group, { user_id: ivan.id, status: 'left' });
    await t.control.addMember(t.group, { user_id: ivan.id, status: 'member' });
    // A later manager's change shows the group's updates were handled in order.
    const anna = await t.newClient('Анна');
    await t.control.addMember(t.group, { user_id: anna.id, status: 'member' });
    await t.control.sendMessage({ from: anna.id, chat_id: t.group, text: '/help' });
    await untilListed('Анна', true);
    expect(await managerNames()).not.toContain('Иван');

    // The world's manager, given an e-mail account by an administrator, leaves: the account stays.
    const made = await admin.post('/api/admin/users', {
      organizationId: (await admin.get('/api/admin/users')).body.find((u: { email: string | null }) => u.email === ADMIN_EMAIL).organizationId,
      role: 'manager',
      email: 'maria@our.test',
      name: 'Мария Почта',
      password: 'long-enough-pw',
      telegramUserId: t.manager.id,
    });
    expect(made.status).toBe(200);
    await t.control.addMember(t.group, { user_id: t.manager.id, status: 'left' });
    await t.control.addMember(t.group, { user_id: anna.id, status: 'left' });
    await untilListed('Анна', false);
    expect(await managerNames()).toContain('Мария Почта');
  });
});

// Public portal: a visitor, without logging in, sees the demo's nominee for an order on public
// posting (also on a phone), sends a comment; the office finds the day's reminders on its
// dashboard, reads the comment on the dossier and accepts it for the council; a council member
// then reads it, without the sender's contact.
//
// Run: cd e2e && npm ci && TDKT_BIN=../target/debug/tdkt npm test
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { flow, LAPTOP, PHONE } from '../lib/flow.mjs';

const COMMENT = 'Bác sĩ rất tận tình với bệnh nhân người dân tộc ở bản chúng tôi.';
const CONTACT = 'Bản Mòng, xã Hua La, 0912 345 678';

describe('public portal', () => {
  const f = flow();
  const url = (p) => `${f.server.url}${p}`;

  f.step('1. a visitor sees the nominees on posting, on a laptop and on a phone', async () => {
    await f.page.goto(url('/cong-khai'));
    const row = f.page.locator('#posted tbody tr', { hasText: 'Huân chương Lao động hạng Ba' }).first();
    await row.waitFor();
    assert.match((await row.innerText()).normalize('NFC'), /từ \d{2}\/\d{2}\/\d{4} đến hết \d{2}\/\d{2}\/\d{4}/);
    await f.shot('portal-01-list');
    await f.page.setViewportSize(PHONE);
    await f.page.reload();
    const fits = await f.page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1);
    assert.ok(fits, 'the list fits a phone screen');
    await f.shot('portal-02-phone');
    await f.page.setViewportSize(LAPTOP);
    await f.page.goto(url('/cong-khai'));
    await f.page.locator('#posted a', { hasText: 'Góp ý' }).first().click();
    await f.page.locator('form#comment').waitFor();
    f.state.nomineeUrl = f.page.url();
  });

  f.step('2. the visitor sends a comment; a too-short one is refused with the field named', async () => {
    f.need('nomineeUrl', 1);
    const form = f.page.locator('form#comment');
    await form.locator('#author').fill('Lò Thị Mai');
    await form.locator('#contact').fill(CONTACT);
    // The browser's own check stops a too-short text; remove it to see the server's message.
    await form.locator('#content').evaluate((el) => el.removeAttribute('minlength'));
    await form.locator('#content').fill('ngắn');
    await form.locator('button[type=submit]').click();
    assert.match(await f.page.locator('#error').innerText(), /ít nhất 10 ký tự/);
    await f.page.locator('form#comment #content').fill(COMMENT);
    await f.page.locator('form#comment button[type=submit]').click();
    await f.page.locator('#sent').waitFor();
    await f.shot('portal-03-sent');
    f.state.sent = true;
  });

  f.step('3. the office sees the day’s reminders and accepts the comment for the council', async () => {
    f.need('sent', 2);
    await f.login('chuyenvien');
    await f.page.waitForURL((u) => u.pathname === '/');
    // The server's worker runs the day's deadline scan as it starts.
    for (let i = 0; i < 20 && (await f.page.locator('#reminders').count()) === 0; i++) {
      await f.page.waitForTimeout(500);
      await f.page.reload();
    }
    assert.match((await f.page.locator('#reminders').innerText()).normalize('NFC'), /hết hạn gửi/);
    await f.shot('portal-04-reminders');
    await f.page.goto(url('/dossiers?status=hoi_dong'));
    await f.page.locator('table.data tbody tr', { hasText: 'Huân chương Lao động hạng Ba' }).locator('a').first().click();
    const comments = f.page.locator('#comments');
    await comments.waitFor();
    const text = (await comments.innerText()).normalize('NFC');
    assert.match(text, new RegExp(COMMENT));
    assert.match(text, /0912 345 678/, 'the office sees the contact');
    await comments.locator('button[value=accept]').first().click();
    await f.page.locator('#comments .badge', { hasText: 'Đã tiếp nhận' }).waitFor();
    await f.shot('portal-05-moderated');
    f.state.dossierUrl = f.page.url().replace(/#.*$/, '');
    await f.logout();
  });

  f.step('4. a council member reads the accepted comment, without the contact', async () => {
    const dossierUrl = f.need('dossierUrl', 3);
    await f.login('hoidong');
    await f.page.waitForURL((u) => u.pathname === '/');
    await f.page.goto(dossierUrl);
    const text = (await f.page.locator('#comments').innerText()).normalize('NFC');
    assert.match(text, new RegExp(COMMENT));
    assert.doesNotMatch(text, /0912 345 678/);
  });

  f.step('no uncaught JavaScript errors on any page', async () => {
    assert.deepEqual(f.pageErrors, []);
  });
});

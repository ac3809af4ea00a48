// The yearly cycle of a block: a commune officer registers for the province's movement; the
// block head's unit (Sở Tư pháp) scores itself with evidence; the block head reviews another
// member's points with a reason and sends the results to the department, which publishes them;
// the head opens the vote, members vote in secret, the head closes it, and the emulation flag's
// dossier appears for the leading unit.
//
// Run: cd e2e && npm ci && TDKT_BIN=../target/debug/tdkt npm test
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { flow } from '../lib/flow.mjs';

const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
const BLOCK = 'Khối các cơ quan tổng hợp';

describe('movement, registration, block scoring and the vote', () => {
  const f = flow();
  const url = (p) => `${f.server.url}${p}`;

  async function openBlock() {
    await f.page.goto(url('/blocks'));
    await f.page.locator('#blocks a', { hasText: BLOCK }).click();
    await f.page.locator('#scores').waitFor();
    f.state.blockUrl = f.page.url();
  }

  async function ballot(username, unitName) {
    await f.login(username);
    await f.page.waitForURL((u) => u.pathname === '/');
    await f.page.goto(f.need('blockUrl', 2));
    const form = f.page.locator('form.ballot', { hasText: unitName });
    await form.locator('input[value=agree]').first().check();
    await form.locator('button[type=submit]').click();
    await f.page.locator('#voted').waitFor();
    await f.logout();
  }

  f.step('1. a commune officer registers the commune and a person, and sends it', async () => {
    await f.login('canbo.xa');
    await f.page.waitForURL((u) => u.pathname === '/');
    await f.page.locator('#movements-now a', { hasText: 'Phong trào thi đua yêu nước năm 2026' }).click();
    await f.page.locator('#my-registration a').first().click();
    await f.page.locator('#reg-form').waitFor();
    await f.page.locator('#add-person #title').selectOption('LDTT');
    await f.page.locator('#add-item').click();
    await f.page.locator('#people tbody tr').first().waitFor();
    await f.page.locator('#reg-form input[value=TTLDTT]').check();
    await f.page.locator('#targets').fill('Hoàn thành 100% chỉ tiêu thu ngân sách năm 2026.');
    await f.page.locator('#submit-registration').click();
    await f.page.waitForFunction(() => document.querySelector('#reg-status')?.textContent.includes('Đã gửi'));
    await f.shot('emulation-01-registration');
    await f.logout();
  });

  f.step('2. the block head scores its own unit with evidence and sends it', async () => {
    await f.login('truongkhoi');
    await f.page.waitForURL((u) => u.pathname === '/');
    await openBlock();
    await f.shot('emulation-02-block');
    await f.page.locator('#ranking a', { hasText: 'Sở Tư pháp' }).click();
    const form = f.page.locator('#score-form');
    await form.waitFor();
    for (const input of await form.locator('input[name^=p_]').all()) {
      const kind = await input.getAttribute('data-kind');
      await input.fill(kind === 'Điểm trừ' ? '0' : await input.getAttribute('data-max'));
    }
    for (const file of await form.locator('input[type=file][data-required]').all()) {
      await file.setInputFiles({ name: 'bao-cao-ket-qua.pdf', mimeType: 'application/pdf', buffer: PDF });
    }
    await f.page.locator('#submit-scores').click();
    await f.page.locator('text=Đơn vị đã gửi tự chấm').waitFor();
    await f.shot('emulation-03-own-scores');
  });

  f.step('3. the block reviews a member with a reason and sends the results to the department', async () => {
    await f.page.goto(f.need('blockUrl', 2));
    await f.page.locator('#to-review').click();
    await f.page.waitForFunction(() => document.querySelector('#sheet-status')?.textContent.includes('thẩm định'));
    await f.page.locator('#ranking a', { hasText: 'Sở Nội vụ' }).click();
    const first = f.page.locator('#score-form input[name^=p_]').first();
    await first.fill('30');
    await f.page.locator('#save-scores').click();
    assert.match(await f.bodyText(), /cần ghi lý do/);
    await f.page.locator('#score-form input[name^=n_]').first().fill('Chưa có minh chứng cho 2 chỉ tiêu');
    await f.page.locator('#score-form input[name^=p_]').first().fill('30');
    await f.page.locator('#save-scores').click();
    await f.page.locator('text=Khối: Chưa có minh chứng cho 2 chỉ tiêu').waitFor();
    await f.shot('emulation-04-review');
    await f.page.goto(f.state.blockUrl);
    await f.page.locator('#to-final').click();
    await f.page.locator('#sheet-status', { hasText: 'Sở Nội vụ' }).waitFor();
    await f.logout();
  });

  f.step('4. the department publishes the ranking', async () => {
    await f.login('chuyenvien');
    await f.page.waitForURL((u) => u.pathname === '/');
    await f.page.goto(f.need('blockUrl', 2));
    await f.page.locator('#to-closed').click();
    await f.page.locator('#sheet-status', { hasText: 'Đã công bố' }).waitFor();
    const first = f.page.locator('#ranking tbody tr').first();
    assert.match(await first.innerText(), /Sở Tư pháp/);
    await f.shot('emulation-05-ranking');
    await f.logout();
  });

  f.step('5. the head opens the vote; members vote in secret; the head closes it', async () => {
    await f.login('truongkhoi');
    await f.page.waitForURL((u) => u.pathname === '/');
    await f.page.goto(f.need('blockUrl', 2));
    await f.page.locator('#open-vote button[type=submit]').click();
    await f.page.locator('form.ballot').first().waitFor();
    await f.logout();
    await ballot('truongkhoi', 'Sở Tư pháp');
    await ballot('chuyenvien', 'Sở Nội vụ');
    await ballot('canbo.stc', 'Sở Tài chính');
    await f.login('truongkhoi');
    await f.page.waitForURL((u) => u.pathname === '/');
    await f.page.goto(f.state.blockUrl);
    assert.match(await f.page.locator('#voted').innerText(), /3\/5/);
    await f.shot('emulation-06-voting');
    await f.page.locator('#close-vote').click();
    const result = f.page.locator('#vote-result');
    await result.waitFor();
    assert.match(await result.innerText(), /Được suy tôn/);
    await f.shot('emulation-07-result');
    await result.locator('a', { hasText: 'Hồ sơ' }).first().click();
    await f.page.waitForURL(/\/dossiers\/\d+/);
    assert.match(await f.bodyText(), /Cờ thi đua/);
    await f.shot('emulation-08-flag-dossier');
  });
});

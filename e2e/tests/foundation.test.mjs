// Foundation flow: login, people search, person page with an eligibility verdict, unit page, phone layout,
// diacritic-insensitive unit search, and authorisation (403) in a real browser.
//
// Run: cd e2e && npm ci && TDKT_BIN=../target/debug/tdkt npm test
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { flow, LAPTOP, PASSWORD, PHONE } from '../lib/flow.mjs';

describe('foundation flow', () => {
  const f = flow();
  const { state } = f;

  f.step('login page rejects a wrong password', async () => {
    await f.login('chuyenvien', 'not-the-password');
    await f.page.getByText('Sai tên đăng nhập hoặc mật khẩu').first().waitFor();
    assert.notEqual(new URL(f.page.url()).pathname, '/', 'a wrong password must not reach the dashboard');
    assert.equal(await f.page.locator('input[name=username]').count(), 1, 'the login form is shown again');
  });

  f.step('1. login as chuyenvien lands on the dashboard', async () => {
    await f.page.setViewportSize(LAPTOP);
    await f.login('chuyenvien', PASSWORD);
    await f.page.waitForURL((u) => u.pathname === '/');
    await f.page.locator('h1.page-title', { hasText: 'Bảng điều khiển' }).waitFor();
    state.loggedIn = true;
    await f.shot('01-dashboard');
  });

  f.step('2. people search ignores diacritics', async () => {
    f.need('loggedIn', 1);
    await f.page.goto(`${f.server.url}/people`);
    const q = f.page.locator('input[name=q]').first();
    await q.fill('nguyen thi huong');
    await q.press('Enter');
    const row = f.page.locator('table.data tbody tr', { hasText: 'Nguyễn Thị Hường' }).first();
    await row.waitFor();
    state.searchRow = true;
    await f.shot('02-search');
  });

  f.step('3. person page links to the unit', async () => {
    f.need('searchRow', 2);
    const row = f.page.locator('table.data tbody tr', { hasText: 'Nguyễn Thị Hường' }).first();
    await row.locator('a.person-link').first().click();
    await f.page.locator('h1.page-title', { hasText: 'Nguyễn Thị Hường' }).waitFor();
    const unitLink = f.page.locator('a.unit-link').first();
    await unitLink.waitFor();
    assert.match((await unitLink.innerText()).normalize('NFC'), /Sở Nội vụ/);
    state.personUrl = f.page.url();
    await f.shot('03-person');
  });

  f.step('3b. person page judges an award with its articles', async () => {
    f.need('personUrl', 3);
    await f.page.locator('h2', { hasText: 'Quá trình thi đua, khen thưởng' }).waitFor();
    await f.page.selectOption('form.inline-form select[name=award]', 'BK_TINH');
    await f.page.selectOption('form.inline-form select[name=year]', '2025');
    await f.page.locator('form.inline-form button[type=submit]').click();
    const verdict = f.page.locator('#verdict p.verdict');
    await verdict.waitFor();
    assert.match((await verdict.innerText()).normalize('NFC'), /điều kiện/);
    const conditions = f.page.locator('#verdict ul.conditions li');
    assert.ok((await conditions.count()) > 3, 'every route lists its conditions');
    assert.match((await conditions.first().innerText()).normalize('NFC'), /Căn cứ: Điều 74/);
    assert.match(f.page.url(), /award=BK_TINH/, 'the verdict has its own address');
    await f.shot('03b-eligibility');
  });

  f.step('3c. bulk eligibility lists who qualifies, by unit', async () => {
    await f.page.goto(`${f.server.url}/eligible`);
    await f.page.locator('h1.page-title', { hasText: 'hàng loạt' }).waitFor();
    await f.page.selectOption('form.filters select[name=award]', 'BK_TINH');
    await f.page.selectOption('form.filters select[name=year]', '2025');
    await f.page.locator('form.filters button[type=submit]').click();
    const stat = f.page.locator('#results .stat .value').first();
    await stat.waitFor();
    const eligible = Number((await stat.innerText()).replace(/\./g, ''));
    assert.ok(eligible > 0, 'someone in the demo province qualifies');
    assert.ok((await f.page.locator('#results table.data').first().locator('tbody tr').count()) > 0, 'units are listed');
    assert.match(f.page.url(), /award=BK_TINH/, 'the result has its own address');
    await f.shot('03c-bulk-eligibility');
    // A name leads to that person's verdict, condition by condition.
    await f.page.locator('#results a.person-link').first().click();
    await f.page.locator('#verdict p.verdict').waitFor();
    assert.match((await f.page.locator('#verdict p.verdict').innerText()).normalize('NFC'), /Đủ điều kiện/);
    await f.page.goto(f.need('personUrl', 3));
  });

  f.step('4. unit page lists its staff', async () => {
    f.need('personUrl', 3);
    await f.page.locator('a.unit-link').first().click();
    await f.page.locator('h1.page-title', { hasText: 'Sở Nội vụ' }).waitFor();
    await f.page.locator('table.data tbody tr').first().waitFor();
    assert.ok((await f.page.locator('table.data tbody tr').count()) > 0, 'the unit page lists staff rows');
    state.unitUrl = f.page.url();
    await f.shot('04-unit');
  });

  f.step('4b. unit page judges the unit as a collective', async () => {
    const unitUrl = f.need('unitUrl', 4);
    await f.page.goto(unitUrl);
    await f.page.selectOption('form.inline-form select[name=award]', 'TTLDTT');
    await f.page.selectOption('form.inline-form select[name=year]', '2025');
    await f.page.locator('form.inline-form button[type=submit]').click();
    await f.page.locator('#unit-verdict p.verdict').waitFor();
    assert.match((await f.page.locator('#unit-verdict').innerText()).normalize('NFC'), /Số liệu thành viên năm 2025/);
    assert.ok((await f.page.locator('#unit-verdict ul.conditions li').count()) > 2, 'the conditions are listed');
    await f.shot('04b-unit-verdict');
    await f.page.goto(unitUrl);
  });

  f.step('4c. the rules page shows parameters the law leaves open', async () => {
    await f.page.goto(`${f.server.url}/rules`);
    await f.page.locator('h1.page-title', { hasText: 'tham số' }).waitFor();
    assert.match((await f.page.locator('#params').innerText()).normalize('NFC'), /chưa thấy trong văn bản hiện hành/);
    await f.shot('04c-rules');
    await f.page.goto(f.need('unitUrl', 4));
  });

  f.step('5. unit page fits a phone screen', async () => {
    const unitUrl = f.need('unitUrl', 4);
    await f.page.setViewportSize(PHONE);
    if (f.page.url() === unitUrl) await f.page.reload();
    else await f.page.goto(unitUrl);
    await f.page.locator('h1.page-title', { hasText: 'Sở Nội vụ' }).waitFor();
    await f.shot('05-unit-phone');
    const { scrollWidth, innerWidth } = await f.page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      innerWidth: window.innerWidth,
    }));
    assert.ok(
      scrollWidth <= innerWidth + 1,
      `document overflows horizontally at ${PHONE.width}px: scrollWidth ${scrollWidth} > innerWidth ${innerWidth}`,
    );
  });

  f.step('6. unit search ignores diacritics', async () => {
    f.need('loggedIn', 1);
    await f.page.setViewportSize(LAPTOP);
    await f.page.goto(`${f.server.url}/units?q=${encodeURIComponent('dien bien')}`);
    await f.page.locator('table.data tbody tr', { hasText: 'Điện Biên' }).first().waitFor();
    await f.shot('06-units');
  });

  f.step('7. a commune officer gets 403 on Sở Nội vụ', async () => {
    const unitUrl = f.need('unitUrl', 4);
    await f.page.setViewportSize(LAPTOP);
    await f.page.goto(`${f.server.url}/`);
    await f.page.locator('form[action="/logout"] button').first().click();
    await f.page.locator('input[name=username]').waitFor();
    state.loggedIn = false;

    await f.login('canbo.xa', PASSWORD);
    await f.page.waitForURL((u) => u.pathname === '/');
    const res = await f.page.goto(unitUrl);
    assert.ok(res, `no response for ${unitUrl}`);
    assert.equal(res.status(), 403, `expected 403 for ${unitUrl}, got ${res.status()}`);
    assert.match(await f.bodyText(), /Không có quyền/);
    await f.shot('07-forbidden');
  });

  f.step('no uncaught JavaScript errors on any page', async () => {
    assert.deepEqual(f.pageErrors, []);
  });
});

// Dossier flow: a unit officer opens a dossier, adds a nominee (the engine's verdict shows at
// once), is told what is missing, attaches the documents, sends it; the commendation officer
// finds it in the queue, appraises it with the checklist and returns it with a reason; the unit
// sees the reason and sends it again (both versions kept); the office passes it to the council,
// opens a session and records who is present; four members vote from their own accounts; the
// chair closes the vote, the nominee passes, the minutes download; the office drafts the
// province's decision and enters the reward multiple; the signer signs it; the certificate's QR
// code, read from the rendered PDF, opens the public page that says it is genuine; another
// commune gets 403.
//
// Run: cd e2e && npm ci && TDKT_BIN=../target/debug/tdkt npm test
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { flow } from '../lib/flow.mjs';

/** The text of the QR code on the first page of a PDF (rendered by poppler's pdftoppm). */
function qrOfPdf(bytes) {
  const dir = mkdtempSync(join(tmpdir(), 'tdkt-qr-'));
  writeFileSync(join(dir, 'c.pdf'), bytes);
  execFileSync('pdftoppm', ['-r', '150', '-png', '-f', '1', '-l', '1', '-singlefile', join(dir, 'c.pdf'), join(dir, 'c')]);
  const png = PNG.sync.read(readFileSync(join(dir, 'c.png')));
  const code = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
  return code ? code.data : null;
}

const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
const TITLE = 'Đề nghị tặng Bằng khen năm 2025 (thử nghiệm trình duyệt)';
const REASON = 'Biên bản họp chưa có chữ ký của Chủ tịch Hội đồng';
// Eight of the council's fifteen members are present (the demo province's quorum is half); four
// vote yes (the demo's pass ratio is half of those present).
const PRESENT = [
  'Chủ tịch UBND tỉnh',
  'Giám đốc Sở Nội vụ',
  'Phó Chủ tịch UBND tỉnh',
  'Chánh Văn phòng UBND tỉnh',
  'Giám đốc Sở Tài chính',
  'Giám đốc Sở Tư pháp',
  'Giám đốc Sở Giáo dục và Đào tạo',
  'Giám đốc Sở Y tế',
];
const VOTERS = ['chutich', 'hd01', 'hd02', 'hoidong'];

describe('dossier flow', () => {
  const f = flow();
  const url = (p) => `${f.server.url}${p}`;

  async function attach(kind, name, buffer, mimeType) {
    const form = f.page.locator('#documents form[enctype="multipart/form-data"]');
    await form.locator('select[name=kind]').selectOption(kind);
    await form.locator('input[type=file]').setInputFiles({ name, mimeType, buffer });
    await form.locator('button[type=submit]').click();
    await f.page.locator('#documents table.data', { hasText: name }).waitFor();
  }

  async function act(code) {
    await f.page.locator(`button[data-action=${code}]`).click();
    await f.page.waitForLoadState('load');
  }

  f.step('1. the unit officer sees the unit’s dossiers and opens a new one', async () => {
    await f.login('canbo.so');
    await f.page.waitForURL((u) => u.pathname === '/');
    await f.page.locator('nav.sidebar a', { hasText: 'Hồ sơ đề nghị khen thưởng' }).click();
    await f.page.locator('h1.page-title', { hasText: 'Hồ sơ đề nghị khen thưởng' }).waitFor();
    assert.match(await f.bodyText(), /cá nhân có thành tích xuất sắc năm 2025/, 'the demo dossier of Sở Y tế is listed');
    assert.doesNotMatch(await f.bodyText(), /Mường Bú/, 'another unit’s dossier is not listed');
    await f.shot('dossier-01-unit-list');
    await f.page.locator('a.btn', { hasText: 'Lập hồ sơ mới' }).click();
    await f.page.locator('select[name=round]').selectOption({ label: 'Đợt 1 năm 2027 — hạn gửi 26/02/2027' });
    await f.page.locator('select[name=kind]').selectOption('thuong_xuyen');
    await f.page.locator('input[name=title]').fill(TITLE);
    await f.shot('dossier-02-new-form');
    await f.page.locator('button[type=submit]', { hasText: 'Lập hồ sơ' }).click();
    await f.page.locator('h1.page-title', { hasText: TITLE }).waitFor();
    assert.match(await f.page.locator('#status').innerText(), /Đang soạn/);
    f.state.dossierUrl = f.page.url();
  });

  f.step('2. a nominee is found by name and shows the engine’s verdict at once', async () => {
    f.need('dossierUrl', 1);
    await f.page.locator('#find').fill('thi');
    const first = f.page.locator('#candidates input[name=person]').first();
    await first.waitFor();
    await f.page.locator('#candidates select[name=award]').selectOption('BK_TINH');
    await f.page.locator('#candidates select[name=year]').selectOption('2025');
    await f.page.locator('#candidates button[type=submit]').click();
    const row = f.page.locator('#nominees table.data tbody tr').first();
    await row.waitFor();
    assert.match((await row.innerText()).normalize('NFC'), /Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh[\s\S]*(Đủ điều kiện|Chưa đủ điều kiện)/);
    const blocked = f.page.locator('#submit-blocked');
    assert.match((await blocked.innerText()).normalize('NFC'), /Tờ trình[\s\S]*Báo cáo thành tích[\s\S]*Biên bản/, 'the missing documents are named');
    assert.equal(await f.page.locator('button[data-action=submit]').count(), 0, 'no send button while incomplete');
    f.state.nominee = true;
    await f.shot('dossier-03-nominee-and-missing');
  });

  f.step('3. a file that is not what it says is refused; the documents are attached; the dossier is sent', async () => {
    f.need('nominee', 2);
    const form = f.page.locator('#documents form[enctype="multipart/form-data"]');
    await form.locator('select[name=kind]').selectOption('to_trinh');
    await form.locator('input[type=file]').setInputFiles({ name: 'to-trinh.pdf', mimeType: 'application/pdf', buffer: Buffer.from('MZ not a pdf') });
    await form.locator('button[type=submit]').click();
    assert.match(await f.bodyText(), /không phải loại được nhận/);
    await f.page.goto(f.state.dossierUrl);
    await attach('to_trinh', 'Tờ trình số 15.pdf', PDF, 'application/pdf');
    await attach('bao_cao_thanh_tich', 'Báo cáo thành tích.pdf', PDF, 'application/pdf');
    await attach('bien_ban', 'Biên bản họp.pdf', PDF, 'application/pdf');
    assert.equal(await f.page.locator('#documents .checklist li.bad').count(), 0, 'nothing missing');
    await f.shot('dossier-04-documents');
    await act('submit');
    await f.page.locator('#status', { hasText: 'Đã gửi, chờ thẩm định' }).waitFor();
    assert.equal(await f.page.locator('#documents form[enctype="multipart/form-data"]').count(), 0, 'a sent dossier is not edited');
    f.state.sent = true;
    await f.logout();
  });

  f.step('4. the office finds it in the queue, appraises it and returns it with a reason', async () => {
    f.need('sent', 3);
    await f.login('chuyenvien');
    await f.page.waitForURL((u) => u.pathname === '/');
    await f.page.goto(url('/dossiers?status=cho_xu_ly'));
    const row = f.page.locator('table.data tbody tr', { hasText: TITLE });
    await row.waitFor();
    await f.shot('dossier-05-office-queue');
    await row.locator('a').first().click();
    await act('start_appraisal');
    await f.page.locator('#status', { hasText: 'Đang thẩm định' }).waitFor();
    const checklist = (await f.page.locator('#checklist').innerText()).normalize('NFC');
    assert.match(checklist, /Đủ thành phần hồ sơ/);
    assert.match(checklist, /theo dữ liệu hôm nay/);
    await f.shot('dossier-06-appraisal');
    const ret = f.page.locator('form.reason-form', { has: f.page.locator('button[data-action=return]') });
    await ret.locator('textarea[name=reason]').fill(REASON);
    await ret.locator('button[data-action=return]').click();
    await f.page.locator('#status', { hasText: 'Trả lại để bổ sung' }).waitFor();
    f.state.returned = true;
    await f.logout();
  });

  f.step('5. the unit reads the reason, replaces the minutes and sends again; both versions are kept', async () => {
    f.need('returned', 4);
    await f.login('canbo.so');
    await f.page.waitForURL((u) => u.pathname === '/');
    await f.page.goto(f.state.dossierUrl);
    assert.match((await f.page.locator('#note').innerText()).normalize('NFC'), new RegExp(REASON));
    await f.shot('dossier-07-returned');
    const minutes = f.page.locator('#documents table.data tbody tr', { hasText: 'Biên bản họp.pdf' });
    await minutes.locator('button', { hasText: 'Gỡ' }).click();
    await f.page.locator('#submit-blocked').waitFor();
    await attach('bien_ban', 'Biên bản có chữ ký.pdf', PDF, 'application/pdf');
    await act('submit');
    await f.page.locator('#status', { hasText: 'Đã gửi, chờ thẩm định' }).waitFor();
    const versions = (await f.page.locator('#versions').innerText()).normalize('NFC');
    assert.match(versions, /Lần 2/);
    assert.match(versions, /Lần 1/);
    const timeline = (await f.page.locator('#timeline').innerText()).normalize('NFC');
    assert.match(timeline, new RegExp(REASON));
    await f.shot('dossier-08-resent');
    f.state.resent = true;
    await f.logout();
  });

  f.step('6. the office passes it to the council and opens a session; the secretary records who is present', async () => {
    f.need('resent', 5);
    await f.login('chuyenvien');
    await f.page.waitForURL((u) => u.pathname === '/');
    await f.page.goto(f.state.dossierUrl);
    await act('start_appraisal');
    await act('pass');
    await f.page.locator('#status', { hasText: 'Trình Hội đồng' }).waitFor();
    await f.page.locator('nav.sidebar a', { hasText: 'Phiên họp Hội đồng' }).click();
    const form = f.page.locator('#new-session form');
    await form.locator('label.choice', { hasText: TITLE }).locator('input').check();
    await form.locator('button[type=submit]').click();
    await f.page.locator('#results').waitFor();
    for (const title of PRESENT) {
      await f.page.locator('#attendance label.choice', { hasText: new RegExp(`— ${title}$`) }).locator('input').check();
    }
    await f.page.locator('#save-attendance').click();
    await f.page.locator('#attendance').waitFor();
    assert.equal(await f.page.locator('#attendance input[name=present]:checked').count(), PRESENT.length);
    f.state.sessionUrl = f.page.url().replace(/#.*$/, '');
    await f.shot('dossier-09-session');
    await f.logout();
  });

  f.step('7. four members vote from their own accounts; nobody sees a result before the close', async () => {
    const sessionUrl = f.need('sessionUrl', 6);
    for (const member of VOTERS) {
      await f.login(member);
      await f.page.waitForURL((u) => u.pathname === '/');
      await f.page.goto(sessionUrl);
      const ballot = f.page.locator('#ballot');
      await ballot.locator('input[value=dong_y]').first().check();
      if (member === VOTERS[0]) await f.shot('dossier-10-ballot');
      await ballot.locator('#cast').click();
      await f.page.locator('#ballot', { hasText: 'Bạn đã bỏ phiếu cho tất cả' }).waitFor();
      assert.doesNotMatch(await f.bodyText(), /Thông qua/, 'no result while the vote is open');
      await f.logout();
    }
    f.state.voted = true;
  });

  f.step('8. the chair closes the vote: the nominee passes and the minutes download', async () => {
    f.need('voted', 7);
    await f.login('chutich');
    await f.page.waitForURL((u) => u.pathname === '/');
    await f.page.goto(f.state.sessionUrl);
    f.page.once('dialog', (d) => d.accept());
    await f.page.locator('#close-vote').click();
    await f.page.locator('#session-status', { hasText: 'Đã kết thúc bỏ phiếu' }).waitFor();
    const results = (await f.page.locator('#results').innerText()).normalize('NFC');
    assert.match(results, /Thông qua/);
    const minutes = await f.page.request.get(`${f.state.sessionUrl}/minutes.docx`);
    assert.equal(minutes.status(), 200);
    assert.match(minutes.headers()['content-type'], /wordprocessingml/);
    await f.shot('dossier-11-results');
    await f.page.goto(f.state.dossierUrl);
    await f.page.locator('#status', { hasText: 'Hội đồng đã bỏ phiếu' }).waitFor();
    assert.match(await f.bodyText(), /Hội đồng thông qua/);
    await f.logout();
  });

  f.step('9. the office drafts the province’s decision and enters the reward multiple', async () => {
    f.need('voted', 7);
    await f.login('chuyenvien');
    await f.page.waitForURL((u) => u.pathname === '/');
    await f.page.locator('nav.sidebar a', { hasText: 'Quyết định khen thưởng' }).click();
    const form = f.page.locator('#new-decision form');
    await form.locator('select[name=award]').selectOption('BK_TINH');
    await form.locator('#draft').click();
    await f.page.locator('#edit').waitFor();
    assert.match((await f.page.locator('#list').innerText()).normalize('NFC'), /chưa xác định/, 'no amount before the multiple');
    await f.page.locator('#person_multiple').fill('0,5');
    await f.page.locator('#save-draft').click();
    await f.page.locator('#list').waitFor();
    assert.match((await f.page.locator('#list').innerText()).normalize('NFC'), /\d{1,3}(\.\d{3})+/, 'the amount is computed');
    const pdf = await f.page.request.get(`${f.page.url()}/document.pdf`);
    assert.equal(pdf.status(), 200);
    assert.equal((await pdf.body()).subarray(0, 5).toString(), '%PDF-');
    f.state.decisionUrl = f.page.url();
    await f.shot('dossier-12-decision-draft');
    await f.logout();
  });

  f.step('10. the signer signs; the certificate’s QR code opens the public page that says it is genuine', async () => {
    const decisionUrl = f.need('decisionUrl', 9);
    await f.login('chutich');
    await f.page.waitForURL((u) => u.pathname === '/');
    await f.page.goto(decisionUrl);
    f.page.once('dialog', (d) => d.accept());
    await f.page.locator('#sign-decision').click();
    await f.page.locator('#decision-status', { hasText: 'Đã ký ban hành' }).waitFor();
    const heading = (await f.page.locator('h1.page-title').innerText()).normalize('NFC');
    assert.match(heading, /Quyết định số \d+\/QĐ-UBND/);
    await f.shot('dossier-13-decision-signed');
    const certs = await f.page.request.get(`${decisionUrl}/certificates.pdf`);
    assert.equal(certs.status(), 200);
    const link = qrOfPdf(await certs.body());
    assert.ok(link, 'a QR code is printed on the certificate');
    assert.match(link, new RegExp(`^${f.server.url}/verify/[0-9A-Z]{12}$`));
    const listed = await f.page.locator('#list a.verify-link').first().getAttribute('href');
    assert.equal(new URL(link).pathname, listed, 'the QR code holds the certificate’s own address');
    await f.page.goto(f.state.dossierUrl);
    await f.page.locator('#status', { hasText: 'Đã có quyết định' }).waitFor();
    await f.logout();
    // Anyone, without logging in, can check it.
    await f.page.goto(link);
    assert.match(await f.bodyText(), /Hợp lệ/);
    assert.match(await f.bodyText(), /Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh/);
    await f.shot('dossier-14-verify');
  });

  f.step('11. another commune’s officer gets 403 on the dossier and its files', async () => {
    const dossierUrl = f.need('dossierUrl', 1);
    await f.login('canbo.xa');
    await f.page.waitForURL((u) => u.pathname === '/');
    const res = await f.page.goto(dossierUrl);
    assert.equal(res.status(), 403);
    assert.match(await f.bodyText(), /Không có quyền/);
  });

  f.step('no uncaught JavaScript errors on any page', async () => {
    assert.deepEqual(f.pageErrors, []);
  });
});

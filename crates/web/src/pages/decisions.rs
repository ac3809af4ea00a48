//! The province's award decisions: the office drafts one for an award from the nominees the
//! council passed, edits its texts and the reward multiples, and downloads it as .docx or PDF;
//! the signer signs it, which numbers it in the issuer's yearly sequence, puts the awards in the
//! registry with a certificate each, and closes the dossiers it decides. Certificates print as
//! PDF with a QR code of their public verification address, `/verify/{code}` (see [`verify`]).

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tdkt_domain::authz::{Permission, Role};
use tdkt_domain::decision::{self as rules, DecisionStatus, Multiple, SignFacts};
use tdkt_domain::error::Invalid;
use tdkt_domain::text;
use tdkt_rules::catalogue::{AwardType, Category};
use tdkt_store::award_decision::{self as store, AwardDecision, CertificateView, Fields, Issuer, Item};
use tdkt_store::dossier as dossiers;
use tdkt_store::org::{self, Unit};
use tdkt_store::{Actor, WriteTx};

use crate::AppState;
use crate::auth::Ctx;
use crate::error::{AppError, AppResult};
use crate::pages::dossiers::disposition;
use crate::pages::{province_wide, render};
use crate::view::Chrome;

fn invalid(field: &str, msg: impl Into<String>) -> AppError {
    AppError::Invalid(Invalid::one(field, msg))
}

/// The province's root unit, which issues the decisions.
async fn root(state: &AppState) -> AppResult<Unit> {
    crate::pages::province_root(state).await
}

/// Who may do what with the decisions.
struct Rights {
    /// Draft and edit (the office).
    draft: bool,
    /// Sign (the authority).
    sign: bool,
}

async fn rights(state: &AppState, ctx: &Ctx) -> AppResult<Rights> {
    let r = Rights {
        draft: province_wide(state, ctx, Permission::Appraise).await?,
        sign: province_wide(state, ctx, Permission::Sign).await?,
    };
    if !(r.draft || r.sign) {
        return Err(AppError::Forbidden);
    }
    Ok(r)
}

/// Awards the province decides itself (its level), in catalogue order.
fn province_awards() -> AppResult<Vec<&'static AwardType>> {
    let catalogue = &crate::eligibility::base()?.catalogue;
    Ok(catalogue.all().iter().filter(|a| a.level == "tinh").collect())
}

/// "Bằng khen của Chủ tịch ..." or "danh hiệu Chiến sĩ thi đua cấp tỉnh".
fn award_phrase(a: &AwardType) -> String {
    if a.category == Category::DanhHieuThiDua { format!("danh hiệu {}", a.name) } else { a.name.clone() }
}

fn issuer(state: &AppState, root: &Unit) -> Issuer {
    Issuer {
        unit_id: root.id,
        name: format!("Chủ tịch Ủy ban nhân dân tỉnh {}", state.config.province),
        symbol: "QĐ-UBND".into(),
    }
}

/// The texts a new draft starts with; the office edits them.
fn default_fields(a: &AwardType, year: i32) -> Fields {
    let p = a.period();
    let achievement = if p > 1 {
        format!("đã có thành tích xuất sắc tiêu biểu trong giai đoạn {} - {year}", year - p + 1)
    } else {
        format!("đã có thành tích xuất sắc trong thực hiện nhiệm vụ năm {year}")
    };
    Fields {
        title: format!("Về việc tặng {}", award_phrase(a)),
        achievement,
        bases: [
            "Căn cứ Luật Tổ chức chính quyền địa phương;",
            "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022;",
            "Căn cứ Nghị định số 152/2025/NĐ-CP ngày 14 tháng 6 năm 2025 của Chính phủ quy định về phân cấp, phân quyền trong lĩnh vực thi đua, khen thưởng; quy định chi tiết và hướng dẫn thi hành một số điều của Luật Thi đua, khen thưởng;",
            "Căn cứ Thông tư số 15/2025/TT-BNV ngày 04 tháng 8 năm 2025 của Bộ trưởng Bộ Nội vụ;",
            "Căn cứ kết quả họp Hội đồng Thi đua - Khen thưởng tỉnh;",
            "Theo đề nghị của Giám đốc Sở Nội vụ.",
        ]
        .join("\n"),
        executors: "Chánh Văn phòng Ủy ban nhân dân tỉnh, Giám đốc Sở Nội vụ, Thủ trưởng các cơ quan, đơn vị có liên quan và các tập thể, cá nhân có tên tại Điều 1 chịu trách nhiệm thi hành Quyết định này.".into(),
        recipients: "Như Điều 3;\nLưu: VT, SNV.".into(),
        signer_title: "CHỦ TỊCH".into(),
        // Multiples the texts give (law.md §2.7); the others are entered by the office.
        person_multiple: a.multiplier.and_then(Multiple::from_f64),
        collective_multiple: a.multiplier.and_then(Multiple::from_f64),
    }
}

// ---------------------------------------------------------------------------------------------
// The list

/// An award with nominees waiting for a decision.
struct Waiting {
    code: String,
    name: String,
    count: usize,
}

#[derive(Template)]
#[template(path = "decisions.html")]
struct ListPage {
    chrome: Chrome,
    decisions: Vec<AwardDecision>,
    waiting: Vec<Waiting>,
    rounds: Vec<dossiers::Round>,
    can_draft: bool,
    year: i32,
    last_number: i64,
    error: Option<String>,
}

impl ListPage {
    fn day(&self, d: &Option<chrono::NaiveDate>) -> String {
        d.map(text::format_date).unwrap_or_default()
    }
}

async fn list_page(state: &AppState, ctx: &Ctx, error: Option<String>) -> AppResult<Response> {
    let r = rights(state, ctx).await?;
    let root = root(state).await?;
    let mut waiting = vec![];
    for a in province_awards()? {
        let count = store::candidates(&state.db.conn, &a.code, None).await?.len();
        if count > 0 {
            waiting.push(Waiting { code: a.code.clone(), name: a.name.clone(), count });
        }
    }
    let year = chrono::Datelike::year(&tdkt_store::db::today());
    let status =
        if error.is_some() { axum::http::StatusCode::UNPROCESSABLE_ENTITY } else { axum::http::StatusCode::OK };
    let page = ListPage {
        chrome: Chrome::new(state, ctx, "/decisions", "Quyết định khen thưởng"),
        decisions: store::list(&state.db).await?,
        waiting,
        rounds: dossiers::rounds(&state.db).await?,
        can_draft: r.draft,
        year,
        last_number: store::last_number(&state.db.conn, &store::decision_scope(root.id, "QĐ-UBND"), year)
            .await?
            .max(store::numbers_used(&state.db.conn, &issuer(state, &root), year).await?),
        error,
    };
    Ok((status, render(&page)?).into_response())
}

pub async fn list(State(state): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    list_page(&state, &ctx, None).await
}

#[derive(Deserialize)]
pub struct NewDraft {
    award: String,
    #[serde(default)]
    round: String,
}

pub async fn create(State(state): State<AppState>, ctx: Ctx, Form(form): Form<NewDraft>) -> AppResult<Response> {
    if !rights(&state, &ctx).await?.draft {
        return Err(AppError::Forbidden);
    }
    let result = async {
        let award = province_awards()?
            .into_iter()
            .find(|a| a.code == form.award)
            .ok_or_else(|| invalid("award", "hãy chọn một hình thức khen thưởng thuộc thẩm quyền của tỉnh"))?;
        let round = match form.round.trim() {
            "" => None,
            r => Some(r.parse::<i64>().map_err(|_| invalid("round", "đợt không hợp lệ"))?),
        };
        let root = root(&state).await?;
        let found = store::candidates(&state.db.conn, &award.code, round).await?;
        let year =
            found.iter().map(|c| c.year).max().unwrap_or_else(|| chrono::Datelike::year(&tdkt_store::db::today()) - 1);
        let mut w = state.db.write(&Actor::user(ctx.user.id, &ctx.user.display_name)).await?;
        let id = store::create_draft(
            &mut w,
            &issuer(&state, &root),
            &award.code,
            round,
            &default_fields(award, year),
            Some(ctx.user.id),
        )
        .await?;
        w.commit().await?;
        Ok::<i64, AppError>(id)
    }
    .await;
    match result {
        Ok(id) => Ok(Redirect::to(&format!("/decisions/{id}")).into_response()),
        Err(AppError::Invalid(i)) => list_page(&state, &ctx, Some(AppError::Invalid(i).message())).await,
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
pub struct Numbering {
    next: String,
}

/// The office moves the sequence on when the register has used numbers for other documents.
pub async fn numbering(State(state): State<AppState>, ctx: Ctx, Form(form): Form<Numbering>) -> AppResult<Response> {
    if !rights(&state, &ctx).await?.draft {
        return Err(AppError::Forbidden);
    }
    let result = async {
        let next = form
            .next
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|n| *n > 0)
            .ok_or_else(|| invalid("next", format!("“{}” không phải là số", form.next)))?;
        let root = root(&state).await?;
        let year = chrono::Datelike::year(&tdkt_store::db::today());
        let used = store::numbers_used(&state.db.conn, &issuer(&state, &root), year).await?;
        if next <= used {
            return Err(invalid(
                "next",
                format!("số {next} đã có trong sổ quyết định: số tiếp theo phải lớn hơn {used}"),
            ));
        }
        let mut w = state.db.write(&Actor::user(ctx.user.id, &ctx.user.display_name)).await?;
        store::set_next_number(&mut w, &store::decision_scope(root.id, "QĐ-UBND"), year, next).await?;
        w.commit().await?;
        Ok(())
    }
    .await;
    match result {
        Ok(()) => Ok(Redirect::to("/decisions").into_response()),
        Err(AppError::Invalid(i)) => list_page(&state, &ctx, Some(AppError::Invalid(i).message())).await,
        Err(e) => Err(e),
    }
}

// ---------------------------------------------------------------------------------------------
// One decision

#[derive(Template)]
#[template(path = "decision.html")]
struct DecisionPage {
    chrome: Chrome,
    d: AwardDecision,
    items: Vec<Item>,
    can_edit: bool,
    can_sign: bool,
    /// Why signing would be refused now.
    sign_blocked: Option<String>,
    base_salary: Option<i64>,
    round_up_to: Option<i64>,
    /// No public address is configured: certificates' QR codes take the address of the request.
    public_url_missing: bool,
    today: String,
    error: Option<String>,
}

impl DecisionPage {
    fn day(&self, d: &Option<chrono::NaiveDate>) -> String {
        d.map(text::format_date).unwrap_or_default()
    }
    fn money(&self, v: &Option<i64>) -> String {
        v.map(text::format_money).unwrap_or_default()
    }
    fn multiple(&self, m: &Option<i64>) -> String {
        m.map(|m| Multiple(m).to_string()).unwrap_or_default()
    }
    /// The amount a line will get (draft) or got (signed).
    fn amount_of(&self, i: &Item) -> String {
        if i.amount.is_some() {
            return self.money(&i.amount);
        }
        let m = if i.is_person() { self.d.person_multiple() } else { self.d.collective_multiple() };
        match (m, self.base_salary) {
            (Some(m), Some(b)) => text::format_money(m.amount(b, self.round_up_to)),
            _ => "chưa xác định".into(),
        }
    }
    fn base_text(&self) -> String {
        self.money(&self.base_salary)
    }
    fn has_people(&self) -> bool {
        self.items.iter().any(Item::is_person)
    }
    fn has_collectives(&self) -> bool {
        self.items.iter().any(|i| !i.is_person())
    }
}

fn sign_facts(d: &AwardDecision, items: &[Item], base_salary: Option<i64>) -> SignFacts {
    SignFacts {
        items: items.len(),
        has_people: items.iter().any(Item::is_person),
        people_multiple: d.person_multiple.is_some(),
        has_collectives: items.iter().any(|i| !i.is_person()),
        collective_multiple: d.collective_multiple.is_some(),
        base_salary: base_salary.is_some(),
    }
}

/// The base salary in force on `on`, and what amounts are rounded up to (if the province set
/// it), in whole đồng.
async fn reward_terms(state: &AppState, on: chrono::NaiveDate) -> AppResult<(Option<i64>, Option<i64>)> {
    let engine = crate::eligibility::engine(&state.db).await?;
    let value = |key: &str| engine.params.value(key, on).map(|v| v.round() as i64);
    Ok((value("base_salary"), value("reward.round_up_to").filter(|u| *u > 1)))
}

async fn decision_page(state: &AppState, ctx: &Ctx, id: i64, error: Option<String>) -> AppResult<Response> {
    let r = rights(state, ctx).await?;
    let d = store::get(&state.db.conn, id).await?;
    let items = store::items(&state.db.conn, id).await?;
    let today = tdkt_store::db::today();
    let (current, round_up_to) = reward_terms(state, today).await?;
    let base = d.base_salary.or(current);
    let can_sign = r.sign && d.is_draft();
    let sign_blocked =
        if can_sign { rules::may_sign(d.status(), Role::Signer, &sign_facts(&d, &items, base)).err() } else { None };
    let status =
        if error.is_some() { axum::http::StatusCode::UNPROCESSABLE_ENTITY } else { axum::http::StatusCode::OK };
    let title = match &d.number {
        Some(n) => format!("Quyết định số {n}"),
        None => format!("Dự thảo quyết định: {}", d.award_name),
    };
    let page = DecisionPage {
        chrome: Chrome::new(state, ctx, "/decisions", title),
        can_edit: r.draft && d.is_draft(),
        can_sign,
        sign_blocked,
        base_salary: base,
        round_up_to,
        public_url_missing: state.config.public_url.is_none(),
        today: text::format_date(today),
        items,
        d,
        error,
    };
    Ok((status, render(&page)?).into_response())
}

pub async fn show(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> AppResult<Response> {
    decision_page(&state, &ctx, id, None).await
}

async fn or_page(state: &AppState, ctx: &Ctx, id: i64, r: AppResult<()>) -> AppResult<Response> {
    match r {
        Ok(()) => Ok(Redirect::to(&format!("/decisions/{id}")).into_response()),
        Err(AppError::Invalid(i)) => decision_page(state, ctx, id, Some(AppError::Invalid(i).message())).await,
        Err(e) => Err(e),
    }
}

/// Applies `change` to the draft as the user read it (`version`), in one audited transaction.
async fn change_draft(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    version: i64,
    change: impl AsyncFnOnce(&mut WriteTx, &AwardDecision) -> tdkt_store::StoreResult<()>,
) -> AppResult<()> {
    let mut d = store::get(&state.db.conn, id).await?;
    d.version = version;
    let mut w = state.db.write(&Actor::user(ctx.user.id, &ctx.user.display_name)).await?;
    change(&mut w, &d).await?;
    w.commit().await?;
    Ok(())
}

#[derive(Deserialize)]
pub struct DraftForm {
    version: i64,
    title: String,
    achievement: String,
    bases: String,
    executors: String,
    recipients: String,
    signer_title: String,
    #[serde(default)]
    person_multiple: String,
    #[serde(default)]
    collective_multiple: String,
}

fn multiple(field: &str, who: &str, v: &str) -> AppResult<Option<Multiple>> {
    match v.trim() {
        "" => Ok(None),
        t => Multiple::parse(t).map(Some).map_err(|e| invalid(field, format!("Hệ số tiền thưởng cho {who}: {e}"))),
    }
}

pub async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(form): Form<DraftForm>,
) -> AppResult<Response> {
    if !rights(&state, &ctx).await?.draft {
        return Err(AppError::Forbidden);
    }
    let r = async {
        let fields = Fields {
            title: form.title.clone(),
            achievement: form.achievement.clone(),
            bases: form.bases.clone(),
            executors: form.executors.clone(),
            recipients: form.recipients.clone(),
            signer_title: form.signer_title.clone(),
            person_multiple: multiple("person_multiple", "cá nhân", &form.person_multiple)?,
            collective_multiple: multiple("collective_multiple", "tập thể", &form.collective_multiple)?,
        };
        change_draft(&state, &ctx, id, form.version, async |w, d| store::update_draft(w, d, &fields).await).await
    }
    .await;
    or_page(&state, &ctx, id, r).await
}

#[derive(Deserialize)]
pub struct VersionForm {
    version: i64,
}

pub async fn remove_item(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, nominee)): Path<(i64, i64)>,
    Form(form): Form<VersionForm>,
) -> AppResult<Response> {
    if !rights(&state, &ctx).await?.draft {
        return Err(AppError::Forbidden);
    }
    let r = change_draft(&state, &ctx, id, form.version, async |w, d| store::remove_item(w, d, nominee).await).await;
    or_page(&state, &ctx, id, r).await
}

pub async fn delete(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(form): Form<VersionForm>,
) -> AppResult<Response> {
    if !rights(&state, &ctx).await?.draft {
        return Err(AppError::Forbidden);
    }
    let r = change_draft(&state, &ctx, id, form.version, async |w, d| store::delete_draft(w, d).await).await;
    match r {
        Ok(()) => Ok(Redirect::to("/decisions").into_response()),
        Err(e) => or_page(&state, &ctx, id, Err(e)).await,
    }
}

pub async fn sign(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(form): Form<VersionForm>,
) -> AppResult<Response> {
    if !rights(&state, &ctx).await?.sign {
        return Err(AppError::Forbidden);
    }
    let r = async {
        let root = root(&state).await?;
        let today = tdkt_store::db::today();
        let (base, round_up_to) = reward_terms(&state, today).await?;
        let mut w = state.db.write(&Actor::user(ctx.user.id, &ctx.user.display_name)).await?;
        // Read inside the transaction: what is signed is what is there now.
        let mut d = store::get(&w.tx, id).await?;
        if d.version != form.version {
            return Err(invalid("version", "dự thảo vừa được sửa sau khi bạn mở trang; hãy xem lại rồi ký"));
        }
        d.version = form.version;
        let items = store::items(&w.tx, id).await?;
        rules::may_sign(d.status(), Role::Signer, &sign_facts(&d, &items, base)).map_err(|e| invalid("sign", e))?;
        let signer_name = match ctx.user.person_id {
            Some(p) => org::get_person(&w.tx, p).await.map(|p| p.full_name).unwrap_or(ctx.user.display_name.clone()),
            None => ctx.user.display_name.clone(),
        };
        let signing = store::Signing {
            on: today,
            base_salary: base.unwrap_or_default(),
            signer_name,
            user_id: Some(ctx.user.id),
            issuer_name: issuer(&state, &root).name,
            round_up_to,
        };
        let catalogue = &crate::eligibility::base()?.catalogue;
        store::sign(&mut w, catalogue, &d, &signing).await?;
        w.commit().await?;
        Ok(())
    }
    .await;
    or_page(&state, &ctx, id, r).await
}

// ---------------------------------------------------------------------------------------------
// Documents

fn document(
    d: &AwardDecision,
    items: &[Item],
    terms: (Option<i64>, Option<i64>),
    province: &str,
) -> tdkt_docs::Decision {
    // A signed decision prints the amounts it gave; a draft the amounts it would give today.
    let amount = |m: Option<Multiple>, person: bool| {
        let b = d.base_salary.or(terms.0)?;
        let m = m?;
        let stored = items.iter().filter(|i| i.is_person() == person).find_map(|i| i.amount);
        let each = stored.unwrap_or_else(|| m.amount(b, terms.1));
        Some(tdkt_docs::Amount { each, multiple: m.to_string(), base_salary: b })
    };
    let line = |i: &Item| tdkt_docs::Line { name: i.display_name(), detail: i.detail() };
    let award = crate::eligibility::base().ok().and_then(|e| e.catalogue.get(&d.award_code).cloned());
    tdkt_docs::Decision {
        body: vec!["ỦY BAN NHÂN DÂN".into(), format!("TỈNH {}", province.to_uppercase())],
        issuer_short: format!("Chủ tịch Ủy ban nhân dân tỉnh {province}"),
        number: d.number.clone(),
        symbol: d.symbol.clone(),
        place: province.to_string(),
        signed_on: d.signed_on,
        title: d.title.clone(),
        authority: format!("CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH {}", province.to_uppercase()),
        bases: d.base_lines(),
        award_name: award.as_ref().map(award_phrase).unwrap_or_else(|| d.award_name.clone()),
        achievement: d.achievement.clone(),
        person_amount: amount(d.person_multiple(), true),
        collective_amount: amount(d.collective_multiple(), false),
        fund: format!("Quỹ thi đua, khen thưởng của tỉnh {province}"),
        executors: d.executors.clone(),
        recipients: d.recipient_lines(),
        signer_title: d.signer_title_lines(),
        signer_name: if d.signer_name.is_empty() { String::new() } else { d.signer_name.clone() },
        collectives: items.iter().filter(|i| !i.is_person()).map(line).collect(),
        people: items.iter().filter(|i| i.is_person()).map(line).collect(),
    }
}

fn file_name(d: &AwardDecision, ext: &str) -> String {
    match &d.number {
        Some(n) => format!("quyet-dinh-{}.{ext}", text::fold(n).replace(' ', "-")),
        None => format!("du-thao-quyet-dinh-{}.{ext}", d.id),
    }
}

fn attachment(media_type: &str, name: &str, bytes: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, media_type.to_string()),
            (header::CONTENT_DISPOSITION, disposition(name)),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        bytes,
    )
        .into_response()
}

/// The decision as .docx or PDF.
pub async fn download(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, format)): Path<(i64, String)>,
) -> AppResult<Response> {
    rights(&state, &ctx).await?;
    let d = store::get(&state.db.conn, id).await?;
    let items = store::items(&state.db.conn, id).await?;
    let terms = reward_terms(&state, tdkt_store::db::today()).await?;
    let doc = document(&d, &items, terms, &state.config.province);
    match format.as_str() {
        "docx" => {
            let bytes = tdkt_docs::decision_docx(&doc).map_err(|e| AppError::Internal(e.to_string()))?;
            Ok(attachment(
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                &file_name(&d, "docx"),
                bytes,
            ))
        }
        "pdf" => {
            let bytes = tokio::task::spawn_blocking(move || tdkt_docs::decision_pdf(&doc))
                .await
                .map_err(|e| AppError::Internal(e.to_string()))?
                .map_err(|e| AppError::Internal(e.to_string()))?;
            Ok(attachment("application/pdf", &file_name(&d, "pdf"), bytes))
        }
        _ => Err(AppError::NotFound("Không có định dạng này".into())),
    }
}

/// The public address of this server, for the QR codes: the configured one, or the request's.
fn public_url(state: &AppState, headers: &HeaderMap) -> String {
    if let Some(u) = &state.config.public_url {
        return u.trim_end_matches('/').to_string();
    }
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("localhost");
    let scheme = if state.config.secure_cookies { "https" } else { "http" };
    format!("{scheme}://{host}")
}

fn certificate(c: &CertificateView, base: &str, province: &str, signer_title: &[String]) -> tdkt_docs::Certificate {
    let (heading, title) = match c.award_category.as_str() {
        "bang_khen" => ("BẰNG KHEN".to_string(), String::new()),
        "giay_khen" => ("GIẤY KHEN".to_string(), String::new()),
        // An emulation flag is the flag itself; its certificate names it as it is.
        _ if c.award_name.starts_with("Cờ") => ("BẰNG CHỨNG NHẬN".to_string(), c.award_name.clone()),
        _ => ("BẰNG CHỨNG NHẬN".to_string(), format!("Danh hiệu {}", c.award_name)),
    };
    let (recipient, detail) = (c.display_name(), c.detail());
    tdkt_docs::Certificate {
        authority: format!("CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH {}", province.to_uppercase()),
        heading,
        title,
        recipient,
        detail,
        achievement: format!("Đã có thành tích xuất sắc năm {}", c.year),
        decision: c.number.clone(),
        decided_on: c.signed_on,
        serial: c.serial.clone(),
        url: format!("{base}/verify/{}", c.code),
        place: province.to_string(),
        signer_title: signer_title.to_vec(),
        signer_name: c.signer.clone(),
    }
}

/// The certificates of a signed decision, one page each.
pub async fn certificates(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    rights(&state, &ctx).await?;
    let d = store::get(&state.db.conn, id).await?;
    if d.status() != DecisionStatus::Signed {
        return Err(invalid("certificates", "Giấy chứng nhận có sau khi quyết định được ký"));
    }
    let base = public_url(&state, &headers);
    let province = state.config.province.clone();
    let achievement = d.achievement.clone();
    let titles = d.signer_title_lines();
    let certs: Vec<tdkt_docs::Certificate> = store::certificates(&state.db.conn, id)
        .await?
        .iter()
        .map(|c| {
            let mut cert = certificate(c, &base, &province, &titles);
            // The decision's own words, capitalised for the certificate.
            let mut chars = achievement.chars();
            if let Some(first) = chars.next() {
                cert.achievement = first.to_uppercase().chain(chars).collect();
            }
            cert
        })
        .collect();
    let bytes = tokio::task::spawn_blocking(move || tdkt_docs::certificates_pdf(&certs))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(attachment("application/pdf", &file_name(&d, "pdf").replace("quyet-dinh", "giay-chung-nhan"), bytes))
}

// ---------------------------------------------------------------------------------------------
// Public verification

#[derive(Template)]
#[template(path = "verify.html")]
struct VerifyPage {
    province: String,
    code: String,
    found: Option<CertificateView>,
    searched: bool,
}

impl VerifyPage {
    fn day(&self, d: &chrono::NaiveDate) -> String {
        text::format_date(*d)
    }
}

#[derive(Deserialize, Default)]
pub struct VerifyQuery {
    code: Option<String>,
}

async fn verify_page(state: &AppState, code: Option<String>) -> AppResult<Response> {
    let code = code.map(|c| text::clean(&c)).unwrap_or_default();
    let found = if code.is_empty() { None } else { store::certificate(&state.db.conn, &code).await? };
    let searched = !code.is_empty();
    let status =
        if searched && found.is_none() { axum::http::StatusCode::NOT_FOUND } else { axum::http::StatusCode::OK };
    let page = VerifyPage { province: state.config.province.clone(), code, found, searched };
    Ok((status, [(header::CACHE_CONTROL, "no-store")], render(&page)?).into_response())
}

/// `GET /verify?code=...`: the form, and its answer. Open to the public.
pub async fn verify_form(State(state): State<AppState>, Query(q): Query<VerifyQuery>) -> AppResult<Response> {
    verify_page(&state, q.code).await
}

/// `GET /verify/{code}`, the address in a certificate's QR code. Open to the public.
pub async fn verify(State(state): State<AppState>, Path(code): Path<String>) -> AppResult<Response> {
    verify_page(&state, Some(code)).await
}

//! Blocks and scoring (module 6), with each block's covenant (module 5): the block's page holds
//! its covenant and the members' signatures, its score sheet with the ranking, and the vote at
//! its review conference; a unit's sheet takes its own points (with evidence), the block's
//! review and the department's final points. Closing the vote records the leading unit and makes
//! the nomination dossier of each passed proposal (the emulation flag, Bằng khen) for its unit.
//!
//! Who is who: a member unit's officer (`UnitEmulation` on the unit), the block's head or deputy
//! (an officer holding `UnitEmulation` on the head or deputy unit: `pages::led_groups`), the department
//! (`ManageEmulation` over the province).

use askama::Template;
use axum::Form;
use axum::extract::{Multipart, Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tdkt_domain::authz::Permission;
use tdkt_domain::dossier::DossierKind;
use tdkt_domain::emulation::{self as rules, CriterionKind, SheetStatus};
use tdkt_domain::error::Invalid;
use tdkt_domain::text;
use tdkt_store::StoreError;
use tdkt_store::dossier as dossiers;
use tdkt_store::emulation as emu;
use tdkt_store::files;
use tdkt_store::org::{self, Group, GroupMember};
use tdkt_store::registry::Holder;
use tdkt_store::scoring::{self as store, Points, Sheet, Stage};

use crate::AppState;
use crate::auth::Ctx;
use crate::error::{AppError, AppResult};
use crate::pages::{actor, keep_upload, led_groups, own_units, province_wide, render, send_file, upload_failed};
use crate::view::Chrome;

/// The award a block's vote acclaims its leading unit for, and the one for the units after it.
pub const FLAG: &str = "CO_TD_TINH";
pub const BANG_KHEN: &str = "BK_TINH";

/// What the user is to a block.
struct Standing {
    group: Group,
    members: Vec<GroupMember>,
    /// The member units the user acts for.
    mine: Vec<GroupMember>,
    head: bool,
    office: bool,
}

impl Standing {
    fn reads(&self) -> bool {
        self.head || self.office || !self.mine.is_empty()
    }
    fn may_see_unit(&self, unit_id: i64) -> bool {
        self.head || self.office || self.mine.iter().any(|m| m.unit_id == unit_id)
    }
}

async fn standing(state: &AppState, ctx: &Ctx, group_id: i64) -> AppResult<Standing> {
    let group = org::get_group(&state.db, group_id).await?;
    let members = org::group_members(&state.db, group_id).await?;
    let own = own_units(ctx);
    let mine: Vec<GroupMember> = members
        .iter()
        .filter(|m| own.contains(&m.unit_id) && ctx.subject.can(Permission::UnitEmulation, &m.unit_path))
        .cloned()
        .collect();
    let head = led_groups(state, ctx, Permission::UnitEmulation).await?.iter().any(|g| g.id == group_id);
    let office = province_wide(state, ctx, Permission::ManageEmulation).await?;
    Ok(Standing { group, members, mine, head, office })
}

async fn reader(state: &AppState, ctx: &Ctx, group_id: i64) -> AppResult<Standing> {
    let s = standing(state, ctx, group_id).await?;
    if !s.reads() {
        return Err(AppError::Forbidden);
    }
    Ok(s)
}

// ---------------------------------------------------------------------------------------------
// The list

struct BlockRow {
    id: i64,
    name: String,
    kind: String,
    members: i64,
    head: String,
    sheet: String,
    mine: bool,
}

#[derive(Template)]
#[template(path = "blocks.html")]
struct ListPage {
    chrome: Chrome,
    year: i32,
    blocks: Vec<BlockRow>,
}

/// The blocks and clusters of the year the user takes part in (all of them for the office).
pub async fn list(State(state): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    ctx.require_anywhere(Permission::ViewOrg)?;
    let year = chrono::Datelike::year(&tdkt_store::db::today());
    let office = province_wide(&state, &ctx, Permission::ManageEmulation).await?;
    let own = own_units(&ctx);
    let led: Vec<i64> = led_groups(&state, &ctx, Permission::UnitEmulation).await?.iter().map(|g| g.id).collect();
    let mut blocks = Vec::new();
    for g in org::list_groups(&state.db, year).await? {
        let members = org::group_members(&state.db, g.id).await?;
        let mine = led.contains(&g.id) || members.iter().any(|m| own.contains(&m.unit_id));
        if !(office || mine) {
            continue;
        }
        let sheet = store::sheet_of_group(&state.db.conn, g.id).await?.map(|s| s.status().label().to_owned());
        blocks.push(BlockRow {
            id: g.id,
            kind: g.kind_label().to_owned(),
            head: g.head_name.clone().unwrap_or_default(),
            name: g.name,
            members: g.members,
            sheet: sheet.unwrap_or_else(|| "Chưa có bảng chấm điểm".into()),
            mine,
        });
    }
    Ok(render(&ListPage {
        chrome: Chrome::new(&state, &ctx, "/blocks", "Khối thi đua: giao ước, chấm điểm, suy tôn"),
        year,
        blocks,
    })?
    .into_response())
}

// ---------------------------------------------------------------------------------------------
// A block

struct RankRow {
    unit_id: i64,
    name: String,
    role: String,
    status: String,
    own: String,
    reviewed: String,
    final_total: String,
    total: String,
    rank: usize,
    link: bool,
}

struct ItemView {
    id: i64,
    unit_name: String,
    award: String,
    agree: i64,
    disagree: i64,
    passed: bool,
    dossier_id: Option<i64>,
}

struct Candidate {
    unit_id: i64,
    name: String,
    rank: usize,
}

#[derive(Template)]
#[template(path = "block.html")]
struct BlockPage {
    chrome: Chrome,
    group: Group,
    members: Vec<GroupMember>,
    head: bool,
    office: bool,
    covenant: Option<emu::Covenant>,
    signatures: Vec<emu::Signature>,
    /// Member units of the user that have not signed yet.
    to_sign: Vec<(i64, String)>,
    sheet: Option<Sheet>,
    criteria_count: usize,
    ranking: Vec<RankRow>,
    default_criteria: String,
    vote: Option<store::Vote>,
    items: Vec<ItemView>,
    /// A passed proposal has no dossier yet (no round was open when the vote closed).
    missing_dossiers: bool,
    voted: u64,
    /// Member units of the user that may still vote.
    to_vote: Vec<(i64, String)>,
    candidates: Vec<Candidate>,
    pass_ratio: Option<String>,
    /// The ratio the vote was opened with, as a percentage.
    vote_ratio: String,
    errors: Vec<String>,
}

/// Thousandths as a percentage: 500 → "50%", 667 → "66,7%".
fn percent(thousandths: i64) -> String {
    format!("{}%", rules::format_points(thousandths * 100))
}

/// A score sheet to start from: the headings provinces use, with points to adjust.
const DEFAULT_CRITERIA: &str = "I. Thực hiện nhiệm vụ chính trị được giao
1.1 | Hoàn thành các chỉ tiêu, nhiệm vụ được giao trong năm | 40 | tiêu chí | minh chứng
1.2 | Cải cách hành chính, chuyển đổi số | 10
II. Công tác thi đua, khen thưởng
2.1 | Ban hành kế hoạch, phát động phong trào, đăng ký và ký giao ước thi đua | 10
2.2 | Phát hiện, bồi dưỡng, nhân rộng điển hình tiên tiến | 10
2.3 | Thực hiện chế độ thông tin, báo cáo đúng hạn | 10
III. Xây dựng tổ chức, đoàn thể
3.1 | Tổ chức đảng, đoàn thể trong sạch, vững mạnh; nội bộ đoàn kết | 20
IV. Điểm thưởng, điểm trừ
T.1 | Được khen thưởng đột xuất, có sáng kiến cấp tỉnh | 5 | điểm thưởng
T.2 | Chậm báo cáo, vi phạm quy định bị nhắc nhở | 5 | điểm trừ";

fn pts(p: Option<i64>) -> String {
    p.map(rules::format_points).unwrap_or_else(|| "—".into())
}

async fn block_page(state: &AppState, ctx: &Ctx, group_id: i64, errors: Vec<String>) -> AppResult<Response> {
    let s = reader(state, ctx, group_id).await?;
    let covenant = emu::covenant(&state.db.conn, group_id).await?;
    let signatures = match &covenant {
        Some(c) => emu::signatures(&state.db.conn, c.id).await?,
        None => Vec::new(),
    };
    let to_sign = if covenant.is_some() {
        s.mine
            .iter()
            .filter(|m| !signatures.iter().any(|x| x.unit_id == m.unit_id))
            .map(|m| (m.unit_id, m.unit_name.clone()))
            .collect()
    } else {
        Vec::new()
    };
    let sheet = store::sheet_of_group(&state.db.conn, group_id).await?;
    let (ranking, criteria_count) = match &sheet {
        Some(sh) => {
            let ranked = store::ranking(&state.db, sh).await?;
            let rows = ranked
                .iter()
                .map(|r| RankRow {
                    unit_id: r.unit_id,
                    name: r.unit_name.clone(),
                    role: tdkt_domain::org::GroupRole::parse(&r.role).map_or("", |x| x.label()).to_owned(),
                    status: match (r.status.as_str(), sh.status()) {
                        ("submitted", _) => "Đã gửi tự chấm".into(),
                        (_, SheetStatus::Open) => "Đang tự chấm".into(),
                        _ => "Chưa gửi tự chấm".into(),
                    },
                    own: pts(r.own),
                    reviewed: pts(r.reviewed),
                    final_total: pts(r.final_total),
                    total: rules::format_points(r.total),
                    rank: r.rank,
                    link: s.may_see_unit(r.unit_id),
                })
                .collect();
            (rows, store::criteria(&state.db.conn, sh.id).await?.len())
        }
        None => (Vec::new(), 0),
    };
    let vote = store::vote_of_group(&state.db.conn, group_id).await?;
    let (items, voted, to_vote) = match &vote {
        Some(v) => {
            let catalogue = &crate::eligibility::base()?.catalogue;
            let items = store::vote_items(&state.db.conn, v.id)
                .await?
                .into_iter()
                .map(|i| ItemView {
                    id: i.id,
                    unit_name: i.unit_name,
                    award: catalogue.get(&i.award_code).map_or(i.award_code.clone(), |a| a.name.clone()),
                    agree: i.agree.unwrap_or(0),
                    disagree: i.disagree.unwrap_or(0),
                    passed: i.passed.unwrap_or(false),
                    dossier_id: i.dossier_id,
                })
                .collect();
            let mut to_vote = Vec::new();
            if v.is_open() {
                for m in &s.mine {
                    if !store::has_voted(&state.db.conn, v.id, m.unit_id).await? {
                        to_vote.push((m.unit_id, m.unit_name.clone()));
                    }
                }
            }
            (items, store::voted_count(&state.db.conn, v.id).await?, to_vote)
        }
        None => (Vec::new(), 0, Vec::new()),
    };
    let candidates =
        ranking.iter().map(|r| Candidate { unit_id: r.unit_id, name: r.name.clone(), rank: r.rank }).collect();
    let pass_ratio = pass_ratio(state).await?.ok().map(percent);
    let vote_ratio = vote.as_ref().map(|v| percent(v.pass_ratio)).unwrap_or_default();
    Ok(render(&BlockPage {
        chrome: Chrome::new(state, ctx, "/blocks", s.group.name.clone()),
        group: s.group.clone(),
        members: s.members.clone(),
        head: s.head,
        office: s.office,
        covenant,
        signatures,
        to_sign,
        sheet,
        criteria_count,
        ranking,
        default_criteria: DEFAULT_CRITERIA.into(),
        vote,
        missing_dossiers: items.iter().any(|i| i.passed && i.dossier_id.is_none()),
        items,
        voted,
        to_vote,
        candidates,
        pass_ratio,
        vote_ratio,
        errors,
    })?
    .into_response())
}

/// The province's pass ratio for block votes today, in thousandths, or why it cannot be used
/// (unset, or not a share between 0 and 1).
async fn pass_ratio(state: &AppState) -> AppResult<Result<i64, String>> {
    let engine = crate::eligibility::engine(&state.db).await?;
    Ok(match engine.params.value("block_vote.pass_ratio", tdkt_store::db::today()) {
        None => Err(
            "Tỉnh chưa đặt tỷ lệ đồng ý để suy tôn (tham số block_vote.pass_ratio, trang Danh mục, quy tắc, tham số)"
                .into(),
        ),
        Some(r) if r > 0.0 && r <= 1.0 => Ok((r * 1000.0).round() as i64),
        Some(r) => Err(format!(
            "Tham số block_vote.pass_ratio phải là một tỷ lệ lớn hơn 0 và không quá 1 (ví dụ 0,5); hiện là {r}"
        )),
    })
}

pub async fn show(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> AppResult<Response> {
    block_page(&state, &ctx, id, Vec::new()).await
}

/// Runs a write and shows the block again, with the refusal's reasons when it is refused.
async fn then_show(
    state: &AppState,
    ctx: &Ctx,
    group_id: i64,
    anchor: &str,
    result: Result<(), StoreError>,
    w: tdkt_store::WriteTx,
) -> AppResult<Response> {
    match result {
        Ok(()) => {
            w.commit().await?;
            Ok(Redirect::to(&format!("/blocks/{group_id}#{anchor}")).into_response())
        }
        Err(StoreError::Invalid(i)) => {
            w.rollback().await?;
            block_page(state, ctx, group_id, i.0.into_iter().map(|e| e.message).collect()).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct CovenantForm {
    title: String,
    body: String,
}

/// The block head writes the block's covenant.
pub async fn save_covenant(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<CovenantForm>,
) -> AppResult<Response> {
    let s = standing(&state, &ctx, id).await?;
    if !s.head {
        return Err(AppError::Forbidden);
    }
    let mut w = state.db.write(&actor(&ctx)).await?;
    let r = emu::save_covenant(&mut w, id, &f.title, &f.body).await.map(|_| ());
    then_show(&state, &ctx, id, "covenant", r, w).await
}

#[derive(Deserialize)]
pub struct SignForm {
    unit: i64,
    signer_name: String,
    signer_title: String,
}

/// A member unit records its leader's acceptance of the covenant.
pub async fn sign_covenant(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<SignForm>,
) -> AppResult<Response> {
    let s = standing(&state, &ctx, id).await?;
    if !s.mine.iter().any(|m| m.unit_id == f.unit) {
        return Err(AppError::Forbidden);
    }
    let c = emu::covenant(&state.db.conn, id).await?.ok_or(AppError::NotFound("Khối chưa có giao ước".into()))?;
    let mut w = state.db.write(&actor(&ctx)).await?;
    let r = emu::sign(&mut w, c.id, f.unit, &f.signer_name, &f.signer_title).await;
    then_show(&state, &ctx, id, "covenant", r, w).await
}

#[derive(Deserialize)]
pub struct SheetForm {
    title: String,
    criteria: String,
}

/// The department opens the block's score sheet with its criteria.
pub async fn create_sheet(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<SheetForm>,
) -> AppResult<Response> {
    let s = standing(&state, &ctx, id).await?;
    if !s.office {
        return Err(AppError::Forbidden);
    }
    let criteria = match rules::parse_criteria(&f.criteria) {
        Ok(c) => c,
        Err(i) => {
            return block_page(
                &state,
                &ctx,
                id,
                i.0.into_iter().map(|e| format!("{}: {}", e.field, e.message)).collect(),
            )
            .await;
        }
    };
    let mut w = state.db.write(&actor(&ctx)).await?;
    let r = store::create_sheet(&mut w, id, &f.title, &criteria).await.map(|_| ());
    then_show(&state, &ctx, id, "scores", r, w).await
}

#[derive(Deserialize)]
pub struct AdvanceForm {
    to: String,
}

/// Moves the sheet on: the block head closes self-scoring and sends the review to the
/// department; the department publishes the results (and may take any step).
pub async fn advance(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<AdvanceForm>,
) -> AppResult<Response> {
    let s = standing(&state, &ctx, id).await?;
    let to = SheetStatus::parse(&f.to).ok_or_else(|| AppError::Invalid(Invalid::one("to", "bước không hợp lệ")))?;
    let allowed = s.office || (s.head && matches!(to, SheetStatus::Review | SheetStatus::Final));
    if !allowed {
        return Err(AppError::Forbidden);
    }
    let sheet = store::sheet_of_group(&state.db.conn, id)
        .await?
        .ok_or(AppError::NotFound("Khối chưa có bảng chấm điểm".into()))?;
    let mut w = state.db.write(&actor(&ctx)).await?;
    let r = store::advance(&mut w, sheet.id, to).await;
    then_show(&state, &ctx, id, "scores", r, w).await
}

// ---------------------------------------------------------------------------------------------
// A unit's sheet

struct CritRow {
    id: i64,
    section: String,
    new_section: bool,
    code: String,
    content: String,
    max: String,
    kind: &'static str,
    evidence_required: bool,
    own: String,
    own_note: String,
    file_name: String,
    review: String,
    review_reason: String,
    final_points: String,
    final_reason: String,
    /// What the form holds for the stage being edited.
    input: String,
    input_note: String,
}

#[derive(Template)]
#[template(path = "block_scores.html")]
struct ScoresPage {
    chrome: Chrome,
    group: Group,
    unit_id: i64,
    unit_name: String,
    sheet: Sheet,
    rows: Vec<CritRow>,
    /// The stage the user may edit now: "self", "review", "final", or "" (read only).
    editing: &'static str,
    submitted: bool,
    totals: (String, String, String),
    accept: String,
    errors: Vec<String>,
}

fn stage_for(s: &Standing, sheet: &Sheet, unit_id: i64, submitted: bool) -> Option<Stage> {
    match sheet.status() {
        SheetStatus::Open if !submitted && s.mine.iter().any(|m| m.unit_id == unit_id) => Some(Stage::Own),
        SheetStatus::Review if s.head || s.office => Some(Stage::Review),
        SheetStatus::Final if s.office => Some(Stage::Final),
        _ => None,
    }
}

async fn scores_page(
    state: &AppState,
    ctx: &Ctx,
    group_id: i64,
    unit_id: i64,
    errors: Vec<String>,
) -> AppResult<Response> {
    let s = reader(state, ctx, group_id).await?;
    if !s.may_see_unit(unit_id) {
        return Err(AppError::Forbidden);
    }
    let member =
        s.members.iter().find(|m| m.unit_id == unit_id).ok_or(AppError::NotFound("Đơn vị không thuộc khối".into()))?;
    let sheet = store::sheet_of_group(&state.db.conn, group_id)
        .await?
        .ok_or(AppError::NotFound("Khối chưa có bảng chấm điểm".into()))?;
    let crits = store::criteria(&state.db.conn, sheet.id).await?;
    let scores = store::scores(&state.db.conn, sheet.id, Some(unit_id)).await?;
    let submitted =
        store::entries(&state.db.conn, sheet.id).await?.iter().any(|e| e.unit_id == unit_id && e.status != "draft");
    let stage = stage_for(&s, &sheet, unit_id, submitted);
    let mut rows = Vec::new();
    let mut last_section = None;
    for c in &crits {
        let sc = scores.iter().find(|x| x.criterion_id == c.id).cloned().unwrap_or_default();
        let (input, input_note) = match stage {
            Some(Stage::Own) => (sc.self_points, sc.self_note.clone()),
            Some(Stage::Review) => (sc.review_points.or(sc.self_points), sc.review_reason.clone()),
            Some(Stage::Final) => (sc.final_points.or(sc.review_points).or(sc.self_points), sc.final_reason.clone()),
            None => (None, String::new()),
        };
        rows.push(CritRow {
            id: c.id,
            new_section: last_section.as_ref() != Some(&c.section),
            section: c.section.clone(),
            code: c.code.clone(),
            content: c.content.clone(),
            max: rules::format_points(c.max_points),
            kind: c.kind().label(),
            evidence_required: c.evidence_required,
            own: pts(sc.self_points),
            own_note: sc.self_note.clone(),
            file_name: sc.file_name.clone(),
            review: pts(sc.review_points),
            review_reason: sc.review_reason.clone(),
            final_points: pts(sc.final_points),
            final_reason: sc.final_reason.clone(),
            input: input.map(rules::format_points).unwrap_or_default(),
            input_note,
        });
        last_section = Some(c.section.clone());
    }
    let kind_of = |id: i64| crits.iter().find(|c| c.id == id).map_or(CriterionKind::Normal, |c| c.kind());
    let sum = |f: &dyn Fn(&store::Score) -> Option<i64>| {
        let v: Vec<(CriterionKind, i64)> =
            scores.iter().filter_map(|x| f(x).map(|p| (kind_of(x.criterion_id), p))).collect();
        if v.is_empty() { "—".to_owned() } else { rules::format_points(rules::total(v)) }
    };
    let totals = (sum(&|x| x.self_points), sum(&|x| x.review_points.or(x.self_points)), sum(&|x| x.final_points));
    Ok(render(&ScoresPage {
        chrome: Chrome::new(state, ctx, "/blocks", format!("Chấm điểm — {}", member.unit_name)),
        group: s.group.clone(),
        unit_id,
        unit_name: member.unit_name.clone(),
        sheet,
        rows,
        editing: match stage {
            Some(Stage::Own) => "self",
            Some(Stage::Review) => "review",
            Some(Stage::Final) => "final",
            None => "",
        },
        submitted,
        totals,
        accept: files::accept_attribute(),
        errors,
    })?
    .into_response())
}

pub async fn unit_scores(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((group, unit)): Path<(i64, i64)>,
) -> AppResult<Response> {
    scores_page(&state, &ctx, group, unit, Vec::new()).await
}

/// Saves the stage the user may edit (the unit's own points with evidence, the block's review,
/// the department's final points), and with `action=submit` sends the unit's own scoring.
pub async fn save_scores(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((group, unit)): Path<(i64, i64)>,
    mut mp: Multipart,
) -> AppResult<Response> {
    let s = standing(&state, &ctx, group).await?;
    let sheet = store::sheet_of_group(&state.db.conn, group)
        .await?
        .ok_or(AppError::NotFound("Khối chưa có bảng chấm điểm".into()))?;
    let submitted =
        store::entries(&state.db.conn, sheet.id).await?.iter().any(|e| e.unit_id == unit && e.status != "draft");
    let Some(stage) = stage_for(&s, &sheet, unit, submitted) else {
        return Err(AppError::Forbidden);
    };
    let crits = store::criteria(&state.db.conn, sheet.id).await?;
    let mut points: Vec<(i64, String, String)> = Vec::new();
    let mut files_in: Vec<(i64, String, Vec<u8>)> = Vec::new();
    let mut submit = false;
    while let Some(field) = mp.next_field().await.map_err(upload_failed)? {
        let name = field.name().unwrap_or("").to_owned();
        let id = |prefix: &str| name.strip_prefix(prefix).and_then(|x| x.parse::<i64>().ok());
        if name == "action" {
            submit = field.text().await.map_err(upload_failed)? == "submit";
        } else if let Some(c) = id("p_") {
            let v = field.text().await.map_err(upload_failed)?;
            match points.iter_mut().find(|p| p.0 == c) {
                Some(p) => p.1 = v,
                None => points.push((c, v, String::new())),
            }
        } else if let Some(c) = id("n_") {
            let v = field.text().await.map_err(upload_failed)?;
            match points.iter_mut().find(|p| p.0 == c) {
                Some(p) => p.2 = v,
                None => points.push((c, String::new(), v)),
            }
        } else if let Some(c) = id("f_") {
            let file_name = text::clean(field.file_name().unwrap_or(""));
            let bytes = field.bytes().await.map_err(upload_failed)?;
            if !bytes.is_empty() {
                files_in.push((c, file_name, bytes.to_vec()));
            }
        }
    }
    let mut errors = Vec::new();
    let mut out = Vec::new();
    for (c, v, note) in points {
        let Some(crit) = crits.iter().find(|x| x.id == c) else { continue };
        if v.trim().is_empty() {
            continue;
        }
        match rules::parse_points(&v) {
            Ok(p) => out.push(Points { criterion_id: c, points: p, note, file: None }),
            Err(e) => errors.push(format!("Tiêu chí {}: {e}", crit.code)),
        }
    }
    for (c, name, bytes) in files_in {
        if stage != Stage::Own {
            continue;
        }
        let code = crits.iter().find(|x| x.id == c).map_or(String::new(), |x| x.code.clone());
        match files::check("file", &name, &bytes, state.config.max_upload_bytes) {
            Ok(t) => {
                let file = Some(keep_upload(&state, &name, t.media_type, &bytes).await?);
                match out.iter_mut().find(|p| p.criterion_id == c) {
                    Some(p) => p.file = file,
                    None => errors.push(format!("Tiêu chí {code}: hãy ghi điểm cùng với tệp minh chứng")),
                }
            }
            Err(i) => errors.extend(i.0.into_iter().map(|e| format!("Tiêu chí {code}, minh chứng: {}", e.message))),
        }
    }
    if !errors.is_empty() {
        return scores_page(&state, &ctx, group, unit, errors).await;
    }
    let submit = submit && stage == Stage::Own;
    if out.is_empty() && !submit {
        return Ok(Redirect::to(&format!("/blocks/{group}/scores/{unit}")).into_response());
    }
    let mut w = state.db.write(&actor(&ctx)).await?;
    let mut result = if out.is_empty() { Ok(()) } else { store::save(&mut w, sheet.id, unit, stage, &out).await };
    if result.is_ok() && submit {
        result = store::submit(&mut w, sheet.id, unit).await;
    }
    match result {
        Ok(()) => {
            w.commit().await?;
            Ok(Redirect::to(&format!("/blocks/{group}/scores/{unit}")).into_response())
        }
        Err(StoreError::Invalid(i)) => {
            w.rollback().await?;
            scores_page(&state, &ctx, group, unit, i.0.into_iter().map(|e| e.message).collect()).await
        }
        Err(e) => Err(e.into()),
    }
}

/// A criterion's evidence, for whoever may see the unit's sheet.
pub async fn evidence(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((group, unit, criterion)): Path<(i64, i64, i64)>,
) -> AppResult<Response> {
    let s = reader(&state, &ctx, group).await?;
    if !s.may_see_unit(unit) {
        return Err(AppError::Forbidden);
    }
    let sheet = store::sheet_of_group(&state.db.conn, group)
        .await?
        .ok_or(AppError::NotFound("Khối chưa có bảng chấm điểm".into()))?;
    let sc = store::scores(&state.db.conn, sheet.id, Some(unit))
        .await?
        .into_iter()
        .find(|x| x.criterion_id == criterion && !x.sha256.is_empty())
        .ok_or(AppError::NotFound("Không có tệp minh chứng".into()))?;
    send_file(&state, &sc.sha256, &sc.media_type, &sc.file_name).await
}

// ---------------------------------------------------------------------------------------------
// The vote

/// The block head opens the vote: the flag for one unit (the first ranked by default), Bằng
/// khen for the units the block's rules allow.
pub async fn open_vote(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(body): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let s = standing(&state, &ctx, id).await?;
    if !s.head {
        return Err(AppError::Forbidden);
    }
    let ratio = match pass_ratio(&state).await? {
        Ok(r) => r,
        Err(why) => return block_page(&state, &ctx, id, vec![why]).await,
    };
    let mut items: Vec<(i64, String)> = Vec::new();
    for (k, v) in &body {
        let Ok(unit) = v.parse::<i64>() else { continue };
        match k.as_str() {
            "flag" => items.insert(0, (unit, FLAG.to_owned())),
            "bk" => items.push((unit, BANG_KHEN.to_owned())),
            _ => {}
        }
    }
    let mut w = state.db.write(&actor(&ctx)).await?;
    let r = store::open_vote(&mut w, id, &items, ratio).await.map(|_| ());
    then_show(&state, &ctx, id, "vote", r, w).await
}

/// A member unit casts its ballot: agree or not on each proposal.
pub async fn cast(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(body): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let s = standing(&state, &ctx, id).await?;
    let mut unit = None;
    let mut choices = Vec::new();
    for (k, val) in &body {
        if k == "unit" {
            unit = val.parse::<i64>().ok();
        } else if let Some(item) = k.strip_prefix("item_").and_then(|x| x.parse::<i64>().ok()) {
            choices.push((item, val == "agree"));
        }
    }
    // A ballot is cast only for a member unit of the user's.
    let Some(unit) = unit.filter(|u| s.mine.iter().any(|m| m.unit_id == *u)) else {
        return Err(AppError::Forbidden);
    };
    let v =
        store::vote_of_group(&state.db.conn, id).await?.ok_or(AppError::NotFound("Khối chưa mở bỏ phiếu".into()))?;
    let mut w = state.db.write(&actor(&ctx)).await?;
    let r = store::cast(&mut w, v.id, unit, &choices).await;
    then_show(&state, &ctx, id, "vote", r, w).await
}

/// The block head closes the vote; each passed proposal gets its nomination dossier, prepared
/// for the unit proposed (in the first round still open), with the engine's verdict.
pub async fn close_vote(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> AppResult<Response> {
    let s = standing(&state, &ctx, id).await?;
    if !s.head {
        return Err(AppError::Forbidden);
    }
    let v =
        store::vote_of_group(&state.db.conn, id).await?.ok_or(AppError::NotFound("Khối chưa mở bỏ phiếu".into()))?;
    if v.is_open() {
        let mut w = state.db.write(&actor(&ctx)).await?;
        match store::close_vote(&mut w, v.id, FLAG).await {
            Ok(_) => w.commit().await?,
            Err(StoreError::Invalid(i)) => {
                w.rollback().await?;
                return block_page(&state, &ctx, id, i.0.into_iter().map(|e| e.message).collect()).await;
            }
            Err(e) => return Err(e.into()),
        }
    }
    let errors = make_dossiers(&state, &ctx, &s.group, v.id).await?;
    if errors.is_empty() {
        Ok(Redirect::to(&format!("/blocks/{id}#vote")).into_response())
    } else {
        block_page(&state, &ctx, id, errors).await
    }
}

/// Makes the dossier of every passed proposal that has none yet (so a failure can be retried by
/// closing again). Returns what could not be done.
async fn make_dossiers(state: &AppState, ctx: &Ctx, group: &Group, vote_id: i64) -> AppResult<Vec<String>> {
    let today = tdkt_store::db::today();
    let Some(round) =
        dossiers::rounds(&state.db).await?.into_iter().filter(|r| r.submit_by >= today).min_by_key(|r| r.submit_by)
    else {
        return Ok(vec![
            "Chưa có đợt xét khen thưởng còn hạn: Sở Nội vụ mở đợt xét, rồi bấm “Lập hồ sơ” lại để tạo hồ sơ đề nghị."
                .into(),
        ]);
    };
    let catalogue = &crate::eligibility::base()?.catalogue;
    let engine = crate::eligibility::engine(&state.db).await?;
    let mut errors = Vec::new();
    for item in store::vote_items(&state.db.conn, vote_id).await? {
        if item.passed != Some(true) || item.dossier_id.is_some() {
            continue;
        }
        let award = catalogue.get(&item.award_code).map_or(item.award_code.clone(), |a| a.name.clone());
        let judged =
            tdkt_store::registry::judge(&state.db, &engine, Holder::Unit(item.unit_id), &item.award_code, group.year)
                .await?;
        let (verdict, json) = match judged.verdict {
            Ok(v) => (
                if v.eligible() { "eligible" } else { "not_eligible" }.to_owned(),
                serde_json::to_string(&v).map_err(|e| AppError::Internal(e.to_string()))?,
            ),
            Err(msg) => ("unknown".to_owned(), serde_json::json!({"message": msg}).to_string()),
        };
        let mut w = state.db.write(&actor(ctx)).await?;
        let new = dossiers::NewDossier {
            unit_id: item.unit_id,
            round_id: round.id,
            kind: DossierKind::Regular,
            simplified: false,
            title: format!("Đề nghị tặng {award} năm {} (suy tôn tại {})", group.year, group.name),
        };
        let made = async {
            // Read again inside the transaction: a request made at the same time may have made it.
            if store::vote_items(&w.tx, vote_id).await?.iter().any(|i| i.id == item.id && i.dossier_id.is_some()) {
                return Err(StoreError::invalid("vote", "đề nghị này đã có hồ sơ"));
            }
            let d_id = dossiers::create(&mut w, &new).await?;
            let d = dossiers::get(&w.tx, d_id).await?;
            let n = dossiers::NewNominee {
                holder: Holder::Unit(item.unit_id),
                award_code: item.award_code.clone(),
                year: group.year,
                verdict,
                verdict_json: json,
            };
            dossiers::add_nominee(&mut w, &d, &n).await?;
            store::set_item_dossier(&mut w, item.id, d_id).await?;
            Ok::<_, StoreError>(())
        }
        .await;
        match made {
            Ok(()) => w.commit().await?,
            Err(StoreError::Invalid(i)) => {
                w.rollback().await?;
                errors.push(format!("{} — {award}: {}", item.unit_name, i));
            }
            Err(e) => return Err(e.into()),
        }
    }
    Ok(errors)
}

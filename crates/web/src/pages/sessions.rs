//! Council sessions: the office opens a session with the dossiers before the council and records
//! who is present; each member votes from their own account (the account's person must be a
//! member, recorded present); the presiding member closes the vote, which counts the ballots and
//! moves each dossier on through the state machine (`Action::CloseVote`).
//!
//! The page never shows a choice, and shows counts only once the session is closed: while it is
//! open, each member sees which nominees they have voted on, and everyone sees how many members
//! have voted on each.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use tdkt_domain::authz::{Permission, Role};
use tdkt_domain::council::{Choice, Thresholds};
use tdkt_domain::dossier::{self as flow, Action, Facts, Status, Who};
use tdkt_domain::error::Invalid;
use tdkt_domain::text;
use tdkt_store::Actor;
use tdkt_store::council::{self as store, Item, Session};
use tdkt_store::dossier::{self as dossiers, DossierFilter, DossierLine};
use tdkt_store::org::{self, CouncilMember};

use crate::AppState;
use crate::auth::Ctx;
use crate::error::{AppError, AppResult};
use crate::pages::{province_wide, render};
use crate::view::Chrome;

async fn require_reader(state: &AppState, ctx: &Ctx) -> AppResult<()> {
    if province_wide(state, ctx, Permission::ViewDossiers).await? { Ok(()) } else { Err(AppError::Forbidden) }
}

fn invalid(field: &str, msg: impl Into<String>) -> AppError {
    AppError::Invalid(Invalid::one(field, msg))
}

#[derive(Template)]
#[template(path = "sessions.html")]
struct ListPage {
    chrome: Chrome,
    sessions: Vec<Session>,
    can_open: bool,
    waiting: Vec<DossierLine>,
    members: Vec<CouncilMember>,
    council: Option<org::Council>,
    today: String,
    error: Option<String>,
}

impl ListPage {
    fn day(&self, d: &chrono::NaiveDate) -> String {
        text::format_date(*d)
    }
}

async fn list_page(state: &AppState, ctx: &Ctx, error: Option<String>) -> AppResult<Response> {
    require_reader(state, ctx).await?;
    let can_open = province_wide(state, ctx, Permission::Appraise).await?;
    let council = org::list_councils(&state.db).await?.into_iter().next();
    let members = match &council {
        Some(c) => org::council_members(&state.db, c.id).await?,
        None => vec![],
    };
    let waiting = if can_open {
        let f = DossierFilter {
            scope: ctx.scope(Permission::Appraise),
            statuses: vec![Status::Council],
            ..DossierFilter::default()
        };
        dossiers::list(&state.db, &f, 1, 500).await?.items
    } else {
        vec![]
    };
    let status =
        if error.is_some() { axum::http::StatusCode::UNPROCESSABLE_ENTITY } else { axum::http::StatusCode::OK };
    let page = ListPage {
        chrome: Chrome::new(state, ctx, "/council/sessions", "Phiên họp Hội đồng Thi đua - Khen thưởng"),
        sessions: store::sessions(&state.db).await?,
        can_open,
        waiting,
        members,
        council,
        today: text::format_date(tdkt_store::db::today()),
        error,
    };
    Ok((status, render(&page)?).into_response())
}

pub async fn list(State(state): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    list_page(&state, &ctx, None).await
}

pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(form): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    if !province_wide(&state, &ctx, Permission::Appraise).await? {
        return Err(AppError::Forbidden);
    }
    let get = |k: &str| form.iter().find(|(key, _)| key == k).map(|(_, v)| v.as_str()).unwrap_or_default();
    let result = async {
        let council_id = get("council").trim().parse::<i64>().map_err(|_| invalid("council", "hãy chọn Hội đồng"))?;
        let chair = get("chair").trim().parse::<i64>().map_err(|_| invalid("chair", "hãy chọn người chủ trì"))?;
        let meets_on = text::parse_date(get("meets_on"))
            .ok_or_else(|| invalid("meets_on", format!("ngày họp “{}” không phải dạng dd/mm/yyyy", get("meets_on"))))?;
        let mut dossier_ids = vec![];
        for (_, v) in form.iter().filter(|(k, _)| k == "dossier") {
            dossier_ids.push(v.parse::<i64>().map_err(|_| invalid("dossier", format!("mã hồ sơ “{v}” không hợp lệ")))?);
        }
        for &id in &dossier_ids {
            let d = dossiers::get(&state.db.conn, id).await?;
            ctx.require(Permission::Appraise, &d.unit_path)?;
        }
        let mut w = state.db.write(&Actor::user(ctx.user.id, &ctx.user.display_name)).await?;
        let new = store::NewSession {
            council_id,
            title: get("title").to_string(),
            meets_on,
            chair_person_id: chair,
            dossier_ids,
        };
        let id = store::create_session(&mut w, &new).await?;
        w.commit().await?;
        Ok::<i64, AppError>(id)
    }
    .await;
    match result {
        Ok(id) => Ok(Redirect::to(&format!("/council/sessions/{id}")).into_response()),
        Err(AppError::Invalid(i)) => list_page(&state, &ctx, Some(AppError::Invalid(i).message())).await,
        Err(e) => Err(e),
    }
}

#[derive(Template)]
#[template(path = "session.html")]
struct SessionPage {
    chrome: Chrome,
    s: Session,
    items: Vec<Item>,
    members: Vec<CouncilMember>,
    present: Vec<i64>,
    /// The office may record attendance.
    can_record: bool,
    /// The user votes as this member (present, with the right to vote), while open.
    voter: Option<i64>,
    /// Items the user has voted on.
    voted: Vec<i64>,
    /// The user presides and may close the vote.
    is_chair: bool,
    /// Why closing would be refused now (thresholds unset, no quorum).
    close_blocked: Option<String>,
    choices: &'static [Choice],
    error: Option<String>,
}

impl SessionPage {
    fn day(&self, d: &chrono::NaiveDate) -> String {
        text::format_date(*d)
    }
    fn is_present(&self, person: &i64) -> bool {
        self.present.contains(person)
    }
    fn has_voted(&self, item: &i64) -> bool {
        self.voted.contains(item)
    }
    fn to_vote(&self) -> usize {
        self.items.len() - self.voted.len()
    }
    fn percent(&self, r: &Option<f64>) -> String {
        r.map(|r| format!("{}%", (r * 1000.0).round() / 10.0).replace('.', ",")).unwrap_or_default()
    }
}

/// The province's quorum and pass ratio on the day the session meets (None when unset).
async fn thresholds(state: &AppState, on: chrono::NaiveDate) -> AppResult<Thresholds> {
    let engine = crate::eligibility::engine(&state.db).await?;
    Ok(Thresholds {
        quorum_ratio: engine.params.value("council.quorum_ratio", on),
        vote_ratio: engine.params.value("council.vote_ratio", on),
    })
}

async fn session_page(state: &AppState, ctx: &Ctx, id: i64, error: Option<String>) -> AppResult<Response> {
    require_reader(state, ctx).await?;
    let s = store::get_session(&state.db.conn, id).await?;
    let items = store::items(&state.db.conn, id).await?;
    let members = org::council_members(&state.db, s.council_id).await?;
    let present = store::present(&state.db.conn, id).await?;
    let me = ctx.user.person_id.filter(|p| members.iter().any(|m| m.person_id == *p));
    let voter = me.filter(|p| s.is_open() && present.contains(p) && ctx.subject.can_anywhere(Permission::Vote));
    let voted = match voter {
        Some(p) => store::voted_by(&state.db.conn, id, p).await?,
        None => vec![],
    };
    let is_chair = s.is_open() && me == Some(s.chair_person_id) && ctx.subject.has_role(Role::CouncilMember);
    let close_blocked = if is_chair {
        tdkt_domain::council::may_close(thresholds(state, s.meets_on).await?, members.len(), present.len())
            .err()
            .map(|e| e.0)
    } else {
        None
    };
    let status =
        if error.is_some() { axum::http::StatusCode::UNPROCESSABLE_ENTITY } else { axum::http::StatusCode::OK };
    let page = SessionPage {
        chrome: Chrome::new(state, ctx, "/council/sessions", s.title.clone()),
        can_record: s.is_open() && province_wide(state, ctx, Permission::Appraise).await?,
        voter,
        voted,
        is_chair,
        close_blocked,
        choices: &Choice::ALL,
        items,
        members,
        present,
        s,
        error,
    };
    Ok((status, render(&page)?).into_response())
}

pub async fn show(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> AppResult<Response> {
    session_page(&state, &ctx, id, None).await
}

/// Runs a write for a session page: a refused input shows the page again with the message.
async fn or_page(state: &AppState, ctx: &Ctx, id: i64, r: AppResult<()>, anchor: &str) -> AppResult<Response> {
    match r {
        Ok(()) => Ok(Redirect::to(&format!("/council/sessions/{id}{anchor}")).into_response()),
        Err(AppError::Invalid(i)) => session_page(state, ctx, id, Some(AppError::Invalid(i).message())).await,
        Err(e) => Err(e),
    }
}

pub async fn attendance(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(form): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    if !province_wide(&state, &ctx, Permission::Appraise).await? {
        return Err(AppError::Forbidden);
    }
    let r = async {
        let s = store::get_session(&state.db.conn, id).await?;
        let mut people = vec![];
        for (_, v) in form.iter().filter(|(k, _)| k == "present") {
            people.push(v.parse::<i64>().map_err(|_| invalid("present", format!("mã “{v}” không hợp lệ")))?);
        }
        let mut w = state.db.write(&Actor::user(ctx.user.id, &ctx.user.display_name)).await?;
        store::set_attendance(&mut w, &s, &people).await?;
        w.commit().await?;
        Ok(())
    }
    .await;
    or_page(&state, &ctx, id, r, "#attendance").await
}

pub async fn vote(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(form): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    if !ctx.subject.can_anywhere(Permission::Vote) {
        return Err(AppError::Forbidden);
    }
    let s = store::get_session(&state.db.conn, id).await?;
    let Some(person) = ctx.user.person_id else {
        return Err(AppError::Forbidden);
    };
    if !store::member_ids(&state.db.conn, s.council_id).await?.contains(&person) {
        return Err(AppError::Forbidden);
    }
    let r = async {
        let mut choices = vec![];
        for (k, v) in &form {
            let Some(item) = k.strip_prefix("item_") else { continue };
            if v.is_empty() {
                continue;
            }
            let item = item.parse::<i64>().map_err(|_| invalid("vote", format!("mục “{item}” không hợp lệ")))?;
            let choice = Choice::parse(v).ok_or_else(|| invalid("vote", format!("ý kiến “{v}” không hợp lệ")))?;
            choices.push((item, choice));
        }
        let mut w = state.db.write(&Actor::user(ctx.user.id, &ctx.user.display_name)).await?;
        store::vote(&mut w, id, person, &choices).await?;
        w.commit().await?;
        Ok(())
    }
    .await;
    or_page(&state, &ctx, id, r, "#ballot").await
}

pub async fn close(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> AppResult<Response> {
    require_reader(&state, &ctx).await?;
    let s = store::get_session(&state.db.conn, id).await?;
    let chair = ctx.user.person_id == Some(s.chair_person_id) && ctx.subject.has_role(Role::CouncilMember);
    if !chair {
        return Err(invalid("close", "Chỉ người chủ trì phiên họp mới kết thúc bỏ phiếu"));
    }
    let r = async {
        let limits = thresholds(&state, s.meets_on).await?;
        let mut w = state.db.write(&Actor::user(ctx.user.id, &ctx.user.display_name)).await?;
        // Read inside the transaction: attendance recorded a moment ago counts.
        let members = store::member_ids(&w.tx, s.council_id).await?;
        let present = store::present(&w.tx, id).await?;
        let (quorum_ratio, vote_ratio) =
            tdkt_domain::council::may_close(limits, members.len(), present.len()).map_err(|e| invalid("close", e.0))?;
        let closing = store::Closing { members: members.len(), present: present.len(), quorum_ratio, vote_ratio };
        let items = store::close(&mut w, id, closing).await?;
        let mut seen: Vec<i64> = vec![];
        for item in &items {
            if seen.contains(&item.dossier_id) {
                continue;
            }
            seen.push(item.dossier_id);
            let d = dossiers::get(&w.tx, item.dossier_id).await?;
            let passed = items.iter().any(|i| i.dossier_id == d.id && i.passed == Some(true));
            let who = Who {
                role: Role::CouncilMember,
                over_unit: ctx.subject.can(Permission::Vote, &d.unit_path),
                chair: true,
            };
            let facts = Facts { council_passed: passed, ..Facts::default() };
            let to = flow::transition(d.status, &Action::CloseVote, who, &facts).map_err(|r| invalid("close", r.0))?;
            dossiers::move_to(&mut w, &d, &Action::CloseVote, to).await?;
        }
        w.commit().await?;
        Ok(())
    }
    .await;
    or_page(&state, &ctx, id, r, "#results").await
}

/// The minutes of a closed session, as a Word document.
pub async fn minutes(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> AppResult<Response> {
    require_reader(&state, &ctx).await?;
    let s = store::get_session(&state.db.conn, id).await?;
    if s.is_open() {
        return Err(invalid("minutes", "Biên bản có sau khi người chủ trì kết thúc bỏ phiếu"));
    }
    let members = org::council_members(&state.db, s.council_id).await?;
    let present_ids = store::present(&state.db.conn, id).await?;
    // Who was recorded present, in the council's order; someone who has left the council since
    // is still named.
    let mut present: Vec<String> =
        members.iter().filter(|m| present_ids.contains(&m.person_id)).map(|m| m.full_name.clone()).collect();
    for id in present_ids.iter().filter(|p| !members.iter().any(|m| m.person_id == **p)) {
        present.push(org::get_person(&state.db.conn, *id).await?.full_name);
    }
    let rows = store::items(&state.db.conn, id)
        .await?
        .into_iter()
        .map(|i| {
            let (yes, no) = (i.yes.unwrap_or(0).max(0) as u32, i.no.unwrap_or(0).max(0) as u32);
            tdkt_docs::MinutesRow {
                name: i.name,
                unit: i.unit_name,
                award: i.award_name,
                yes,
                no,
                blank: (present.len() as u32).saturating_sub(yes + no),
                passed: i.passed == Some(true),
            }
        })
        .collect();
    let province = &state.config.province;
    let m = tdkt_docs::Minutes {
        upper_body: format!("UBND TỈNH {}", province.to_uppercase()),
        body: "HỘI ĐỒNG THI ĐUA - KHEN THƯỞNG".into(),
        place: province.clone(),
        title: s.title.clone(),
        meets_on: s.meets_on,
        chair: s.chair_name.clone(),
        members: s.members.map_or(members.len(), |n| n.max(0) as usize),
        present,
        quorum_ratio: s.quorum_ratio.unwrap_or_default(),
        vote_ratio: s.vote_ratio.unwrap_or_default(),
        rows,
    };
    let bytes = tdkt_docs::council_minutes(&m).map_err(|e| AppError::Internal(e.to_string()))?;
    let name = format!("bien-ban-hop-hoi-dong-{}.docx", s.meets_on.format("%Y-%m-%d"));
    Ok((
        [
            (
                axum::http::header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document".to_string(),
            ),
            (axum::http::header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")),
        ],
        bytes,
    )
        .into_response())
}

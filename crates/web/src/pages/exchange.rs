//! Excel and CSV: the import page (units, people) and the exports of the same lists.

use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use tdkt_domain::authz::Permission;
use tdkt_domain::text;
use tdkt_sheets::org::{PERSON_COLUMNS, UNIT_COLUMNS, header_of, headers};
use tdkt_sheets::registry::RegistryList;
use tdkt_store::Actor;
use tdkt_store::import::{self, ImportReport};
use tdkt_store::org;

use crate::AppState;
use crate::auth::Ctx;
use crate::error::{AppError, AppResult};
use crate::pages::people::PeopleQuery;
use crate::pages::render;
use crate::view::{Chrome, date};

/// One line of the error table shown after a refused import.
pub struct ShownError {
    pub row: usize,
    pub column: String,
    pub message: String,
}

#[derive(Template)]
#[template(path = "import.html")]
struct ImportPage {
    chrome: Chrome,
    what: String,
    file_name: String,
    report: Option<ImportReport>,
    file_error: Option<String>,
    errors: Vec<ShownError>,
    /// Rows of a registry file already in the registry.
    skipped: u64,
    can_import_units: bool,
    can_import_people: bool,
    lists: Vec<(&'static str, &'static str)>,
}

fn page(state: &AppState, ctx: &Ctx) -> ImportPage {
    ImportPage {
        chrome: Chrome::new(state, ctx, "/import", "Nhập, xuất Excel"),
        what: String::new(),
        file_name: String::new(),
        report: None,
        file_error: None,
        errors: vec![],
        skipped: 0,
        lists: RegistryList::ALL.iter().map(|l| (l.code(), l.label())).collect(),
        can_import_units: ctx.subject.can_anywhere(Permission::EditUnits)
            && ctx.subject.can_anywhere(Permission::Import),
        can_import_people: ctx.subject.can_anywhere(Permission::EditPeople)
            && ctx.subject.can_anywhere(Permission::Import),
    }
}

pub async fn form(State(state): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    if !ctx.subject.can_anywhere(Permission::Import) && !ctx.subject.can_anywhere(Permission::Export) {
        return Err(AppError::Forbidden);
    }
    Ok(render(&page(&state, &ctx))?.into_response())
}

/// Reads the uploaded file field; a broken multipart body is a clear 400, not a crash.
async fn read_upload(mut mp: Multipart) -> AppResult<(String, Vec<u8>)> {
    loop {
        let field =
            mp.next_field().await.map_err(|e| AppError::BadRequest(format!("Tải tệp lên không thành công: {e}")))?;
        let Some(field) = field else {
            return Err(AppError::BadRequest("Chưa chọn tệp để tải lên".into()));
        };
        if field.name() == Some("file") {
            let name = field.file_name().unwrap_or("tep").to_string();
            let bytes = field
                .bytes()
                .await
                .map_err(|e| AppError::BadRequest(format!("Tải tệp lên không thành công (tệp quá lớn?): {e}")))?;
            return Ok((name, bytes.to_vec()));
        }
    }
}

/// Reads the `list` choice and the `file` of a registry upload, in either order.
async fn read_upload_with_list(mut mp: Multipart) -> AppResult<(Option<String>, String, Vec<u8>)> {
    let mut list = None;
    let mut file = None;
    while let Some(field) =
        mp.next_field().await.map_err(|e| AppError::BadRequest(format!("Tải tệp lên không thành công: {e}")))?
    {
        match field.name() {
            Some("list") => {
                list = Some(
                    field.text().await.map_err(|e| AppError::BadRequest(format!("Tải lên không thành công: {e}")))?,
                )
            }
            Some("file") => {
                let name = field.file_name().unwrap_or("tep").to_string();
                let bytes = field
                    .bytes()
                    .await
                    .map_err(|e| AppError::BadRequest(format!("Tải tệp lên không thành công (tệp quá lớn?): {e}")))?;
                file = Some((name, bytes.to_vec()));
            }
            _ => {}
        }
    }
    let (name, bytes) = file.ok_or_else(|| AppError::BadRequest("Chưa chọn tệp để tải lên".into()))?;
    Ok((list, name, bytes))
}

pub async fn upload(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(what): Path<String>,
    mp: Multipart,
) -> AppResult<Response> {
    ctx.require_anywhere(Permission::Import)?;
    let units = match what.as_str() {
        "units" => {
            ctx.require_anywhere(Permission::EditUnits)?;
            true
        }
        "people" => {
            ctx.require_anywhere(Permission::EditPeople)?;
            false
        }
        other => match (other, RegistryList::parse(other)) {
            ("registry", _) => {
                ctx.require_anywhere(Permission::EditPeople)?;
                return upload_registry(state, ctx, None, mp).await;
            }
            (_, Some(list)) => {
                ctx.require_anywhere(Permission::EditPeople)?;
                return upload_registry(state, ctx, Some(list), mp).await;
            }
            _ => return Err(AppError::NotFound("Không có loại danh sách này".into())),
        },
    };
    let (file_name, bytes) = read_upload(mp).await?;
    let mut p = page(&state, &ctx);
    p.what = if units { "đơn vị".into() } else { "cán bộ, người lao động".into() };
    p.file_name = file_name.clone();
    let refuse = |mut p: ImportPage, msg: String| -> AppResult<Response> {
        p.file_error = Some(msg);
        Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&p)?).into_response())
    };
    let table = match tdkt_sheets::read_table(&bytes, &file_name) {
        Ok(t) => t,
        Err(e) => return refuse(p, e.to_string()),
    };
    let actor = Actor::user(ctx.user.id, &ctx.user.username);
    let mut w = state.db.write(&actor).await?;
    let outcome = if units {
        let rows = match tdkt_sheets::org::unit_rows(&table) {
            Ok(r) => r,
            Err(m) => {
                w.rollback().await?;
                return refuse(p, m);
            }
        };
        let can =
            |path: &str| ctx.subject.can(Permission::EditUnits, path) && ctx.subject.can(Permission::Import, path);
        import::import_units(&mut w, &rows, &can, &|_| {}).await?
    } else {
        let rows = match tdkt_sheets::org::person_rows(&table) {
            Ok(r) => r,
            Err(m) => {
                w.rollback().await?;
                return refuse(p, m);
            }
        };
        let can =
            |path: &str| ctx.subject.can(Permission::EditPeople, path) && ctx.subject.can(Permission::Import, path);
        import::import_people(&mut w, &rows, chrono::Utc::now().date_naive(), &can, &|_| {}).await?
    };
    match outcome {
        Ok(report) if report.created + report.updated > 0 => {
            w.record(
                if units { "unit.import" } else { "person.import_file" },
                if units { "unit" } else { "person" },
                None,
                None,
                serde_json::json!({"file": file_name, "created": report.created, "updated": report.updated}),
            )
            .await?;
            w.commit().await?;
            p.report = Some(report);
            Ok(render(&p)?.into_response())
        }
        Ok(_) => {
            w.rollback().await?;
            refuse(p, "Tệp không có dòng dữ liệu nào dưới dòng tiêu đề".into())
        }
        Err(errors) => {
            w.rollback().await?;
            let columns = if units { UNIT_COLUMNS } else { PERSON_COLUMNS };
            p.errors = errors
                .into_iter()
                .map(|e| ShownError {
                    row: e.row,
                    column: header_of(columns, &e.field).to_string(),
                    message: e.message,
                })
                .collect();
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&p)?).into_response())
        }
    }
}

pub(crate) fn file_response(name: &str, format: &str, bytes: Vec<u8>) -> Response {
    let ct = if format == "csv" {
        "text/csv; charset=utf-8"
    } else {
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    };
    (
        [
            (header::CONTENT_TYPE, ct.to_string()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}.{format}\"")),
        ],
        bytes,
    )
        .into_response()
}

pub(crate) fn write(
    format: &str,
    sheet: &str,
    title: &str,
    headers: &[&str],
    rows: &[Vec<String>],
) -> AppResult<Vec<u8>> {
    match format {
        "csv" => Ok(tdkt_sheets::write_csv(headers, rows)),
        "xlsx" => {
            tdkt_sheets::write_xlsx(sheet, Some(title), headers, rows).map_err(|e| AppError::Internal(e.to_string()))
        }
        _ => Err(AppError::NotFound("Định dạng phải là .xlsx hoặc .csv".into())),
    }
}

/// A registry list (awards, ratings, initiatives, discipline) from a file: people of the units
/// the user may edit only; every row checked before anything is written.
async fn upload_registry(state: AppState, ctx: Ctx, list: Option<RegistryList>, mp: Multipart) -> AppResult<Response> {
    use tdkt_store::registry_import as ri;
    let (chosen, file_name, bytes) = read_upload_with_list(mp).await?;
    let list = match list.or_else(|| chosen.as_deref().and_then(RegistryList::parse)) {
        Some(l) => l,
        None => return Err(AppError::BadRequest("Chưa chọn loại danh sách".into())),
    };
    let mut p = page(&state, &ctx);
    p.what = list.label().into();
    p.file_name = file_name.clone();
    let refuse = |mut p: ImportPage, msg: String| -> AppResult<Response> {
        p.file_error = Some(msg);
        Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&p)?).into_response())
    };
    let table = match tdkt_sheets::read_table(&bytes, &file_name) {
        Ok(t) => t,
        Err(e) => return refuse(p, e.to_string()),
    };
    let rows = match tdkt_sheets::registry::registry_rows(&table, list) {
        Ok(r) => r,
        Err(m) => return refuse(p, m),
    };
    let catalogue = tdkt_rules::Catalogue::builtin();
    let can = |path: &str| ctx.subject.can(Permission::EditPeople, path) && ctx.subject.can(Permission::Import, path);
    let mut w = state.db.write(&Actor::user(ctx.user.id, &ctx.user.username)).await?;
    let outcome = match list {
        RegistryList::Awards => ri::import_awards(&mut w, catalogue, &rows, &can).await?,
        RegistryList::Ratings => ri::import_ratings(&mut w, &rows, &can).await?,
        RegistryList::Initiatives => ri::import_initiatives(&mut w, &rows, &can).await?,
        RegistryList::Discipline => ri::import_discipline(&mut w, &rows, &can).await?,
    };
    match outcome {
        Ok(r) if r.created + r.updated > 0 => {
            w.record(
                "registry.import_file",
                list.code(),
                None,
                None,
                serde_json::json!({"file": file_name, "created": r.created, "updated": r.updated, "skipped": r.skipped}),
            )
            .await?;
            w.commit().await?;
            p.report = Some(ImportReport { created: r.created, updated: r.updated });
            p.skipped = r.skipped;
            Ok(render(&p)?.into_response())
        }
        Ok(r) if r.skipped > 0 => {
            w.rollback().await?;
            p.report = Some(ImportReport::default());
            p.skipped = r.skipped;
            Ok(render(&p)?.into_response())
        }
        Ok(_) => {
            w.rollback().await?;
            refuse(p, "Tệp không có dòng dữ liệu nào dưới dòng tiêu đề".into())
        }
        Err(errors) => {
            w.rollback().await?;
            p.errors = errors
                .into_iter()
                .map(|e| ShownError {
                    row: e.row,
                    column: header_of(list.columns(), &e.field).to_string(),
                    message: e.message,
                })
                .collect();
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&p)?).into_response())
        }
    }
}

pub async fn export_units(State(state): State<AppState>, ctx: Ctx, Path(format): Path<String>) -> AppResult<Response> {
    ctx.require_anywhere(Permission::Export)?;
    let scope = ctx.scope(Permission::Export);
    let units = org::all_units(&state.db, &scope, true).await?;
    let mut parents: std::collections::HashMap<i64, String> = units.iter().map(|u| (u.id, u.code.clone())).collect();
    let mut rows = Vec::with_capacity(units.len());
    for u in &units {
        let parent = match u.parent_id {
            Some(p) => match parents.get(&p) {
                Some(c) => c.clone(),
                None => {
                    let c = org::get_unit(&state.db.conn, p).await?.code;
                    parents.insert(p, c.clone());
                    c
                }
            },
            None => String::new(),
        };
        rows.push(vec![
            u.code.clone(),
            u.name.clone(),
            u.kind.label().to_string(),
            parent,
            date(&u.active_from),
            date(&u.active_to),
        ]);
    }
    let bytes = write(
        &format,
        "Đơn vị",
        &format!("Danh sách đơn vị tỉnh {}", state.config.province),
        &headers(UNIT_COLUMNS),
        &rows,
    )?;
    Ok(file_response("don-vi", &format, bytes))
}

pub async fn export_people(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(format): Path<String>,
    Query(q): Query<PeopleQuery>,
) -> AppResult<Response> {
    ctx.require_anywhere(Permission::Export)?;
    let (filter, unit) = q.filter(&state, &ctx, Permission::Export).await?;
    let people = org::export_people(&state.db, &filter).await?;
    let rows: Vec<Vec<String>> = people
        .iter()
        .map(|p| {
            vec![
                p.id.to_string(),
                p.full_name.clone(),
                p.gender_label().to_string(),
                date(&p.birth_date),
                p.ethnicity.clone(),
                p.unit_code.clone(),
                p.unit_name.clone(),
                p.position.clone(),
                p.leadership_label().to_string(),
                date(&p.recruited_on),
            ]
        })
        .collect();
    let title = match &unit {
        Some(u) => format!("Danh sách cán bộ, người lao động — {}", u.name),
        None => "Danh sách cán bộ, người lao động".to_string(),
    };
    let name = unit
        .as_ref()
        .map(|u| format!("can-bo-{}", text::fold(&u.code).replace(' ', "-")))
        .unwrap_or_else(|| "can-bo".into());
    let bytes = write(&format, "Cán bộ", &title, &headers(PERSON_COLUMNS), &rows)?;
    Ok(file_response(&name, &format, bytes))
}

/// A stored `yyyy-mm-dd` as `dd/mm/yyyy`; anything else as it is.
fn shown_date(v: &str) -> String {
    chrono::NaiveDate::parse_from_str(v.get(..10).unwrap_or(v), "%Y-%m-%d")
        .map(text::format_date)
        .unwrap_or_else(|_| v.to_string())
}

/// `/export/{awards,ratings,initiatives,discipline}.{xlsx,csv}`: a registry list of the people
/// the user may export, in the columns its import reads.
async fn export_registry(state: AppState, ctx: Ctx, list: RegistryList, format: String) -> AppResult<Response> {
    ctx.require_anywhere(Permission::Export)?;
    let scope = ctx.scope(Permission::Export);
    let lines = tdkt_store::registry::export_list(&state.db, list.code(), &scope).await?;
    let catalogue = tdkt_rules::Catalogue::builtin();
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    let rows: Vec<Vec<String>> = lines
        .iter()
        .map(|l| {
            let mut row = vec![l.person_id.to_string(), l.full_name.clone(), date(&l.birth_date), l.unit_code.clone()];
            match list {
                RegistryList::Awards => row.extend([
                    l.c1.as_deref()
                        .and_then(|c| catalogue.get(c))
                        .map(|a| a.name.clone())
                        .unwrap_or_else(|| opt(&l.c1)),
                    opt(&l.c2),
                    opt(&l.c3),
                    l.c4.as_deref()
                        .and_then(tdkt_rules::history::AwardKind::parse)
                        .map(|k| k.label().to_string())
                        .unwrap_or_else(|| opt(&l.c4)),
                    opt(&l.c5),
                    shown_date(&opt(&l.c6)),
                    opt(&l.c7),
                    opt(&l.c8),
                ]),
                RegistryList::Ratings => row.extend([opt(&l.c1), opt(&l.c2)]),
                RegistryList::Initiatives => row.extend([
                    opt(&l.c1),
                    opt(&l.c2),
                    l.c3.as_deref()
                        .and_then(tdkt_rules::history::Level::parse)
                        .map(|v| v.label().to_string())
                        .unwrap_or_else(|| opt(&l.c3)),
                    l.c4.as_deref()
                        .and_then(tdkt_rules::history::WorkKind::parse)
                        .map(|v| v.label().to_string())
                        .unwrap_or_else(|| opt(&l.c4)),
                    opt(&l.c5),
                ]),
                RegistryList::Discipline => {
                    row.extend([opt(&l.c1), shown_date(&opt(&l.c2)), shown_date(&opt(&l.c3)), opt(&l.c4)])
                }
            }
            row
        })
        .collect();
    let title = format!("Sổ {}", list.label());
    let bytes = write(&format, "Sổ khen thưởng", &title, &headers(list.columns()), &rows)?;
    Ok(file_response(&format!("so-{}", list.code()), &format, bytes))
}

pub async fn export_awards(State(s): State<AppState>, ctx: Ctx, Path(f): Path<String>) -> AppResult<Response> {
    export_registry(s, ctx, RegistryList::Awards, f).await
}

pub async fn export_ratings(State(s): State<AppState>, ctx: Ctx, Path(f): Path<String>) -> AppResult<Response> {
    export_registry(s, ctx, RegistryList::Ratings, f).await
}

pub async fn export_initiatives(State(s): State<AppState>, ctx: Ctx, Path(f): Path<String>) -> AppResult<Response> {
    export_registry(s, ctx, RegistryList::Initiatives, f).await
}

pub async fn export_discipline(State(s): State<AppState>, ctx: Ctx, Path(f): Path<String>) -> AppResult<Response> {
    export_registry(s, ctx, RegistryList::Discipline, f).await
}

//! Excel and CSV: the import page (units, people) and the exports of the same lists.

use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use tdkt_domain::authz::Permission;
use tdkt_domain::text;
use tdkt_sheets::org::{PERSON_COLUMNS, UNIT_COLUMNS, header_of, headers};
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
    can_import_units: bool,
    can_import_people: bool,
}

fn page(state: &AppState, ctx: &Ctx) -> ImportPage {
    ImportPage {
        chrome: Chrome::new(state, ctx, "/import", "Nhập, xuất Excel"),
        what: String::new(),
        file_name: String::new(),
        report: None,
        file_error: None,
        errors: vec![],
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
        _ => return Err(AppError::NotFound("Không có loại danh sách này".into())),
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

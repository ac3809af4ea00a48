//! Imports of units and people: every row is checked (fields, then against the database and
//! the rest of the file); if any row is wrong nothing is written and every problem is reported
//! with its row, column and a Vietnamese message.

use chrono::NaiveDate;
use serde::Serialize;
use tdkt_domain::org::{PersonFields, PersonInput, UnitFields, UnitInput};

use crate::audit::WriteTx;
use crate::error::{StoreError, StoreResult};
use crate::org::{self, Unit};

/// One problem in one row of a file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowError {
    pub row: usize,
    /// The field's machine name; the caller turns it into the file's column header.
    pub field: String,
    pub message: String,
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ImportReport {
    pub created: u64,
    pub updated: u64,
}

/// The outcome: a report, or every row error (and nothing written).
pub type ImportOutcome = Result<ImportReport, Vec<RowError>>;

fn push_invalid(errors: &mut Vec<RowError>, row: usize, e: StoreError) -> StoreResult<()> {
    match e {
        StoreError::Invalid(i) => {
            errors.extend(i.0.into_iter().map(|f| RowError { row, field: f.field, message: f.message }));
            Ok(())
        }
        other => Err(other),
    }
}

/// Imports units: a row whose code exists updates that unit, otherwise it creates one.
/// Rows may name parents created earlier in the same file. `can_edit` says whether the user
/// may change units under a given parent path.
pub async fn import_units(
    w: &mut WriteTx,
    rows: &[(usize, UnitFields)],
    can_edit: &(dyn Fn(&str) -> bool + Sync),
    progress: &(dyn Fn(u64) + Sync),
) -> StoreResult<ImportOutcome> {
    let mut errors = Vec::new();
    let mut report = ImportReport::default();
    let mut seen: Vec<(String, usize)> = Vec::new();
    for (i, (row, f)) in rows.iter().enumerate() {
        let input: UnitInput = match f.parse() {
            Ok(i) => i,
            Err(inv) => {
                errors.extend(inv.0.into_iter().map(|e| RowError { row: *row, field: e.field, message: e.message }));
                continue;
            }
        };
        if let Some((_, first)) = seen.iter().find(|(c, _)| *c == input.code) {
            errors.push(RowError {
                row: *row,
                field: "code".into(),
                message: format!("Mã “{}” trùng với dòng {first}", input.code),
            });
            continue;
        }
        seen.push((input.code.clone(), *row));
        if let Some(pc) = &input.parent_code
            && let Some(parent) = org::find_unit_by_code(&w.tx, pc).await?
            && !can_edit(&parent.path)
        {
            errors.push(RowError {
                row: *row,
                field: "parent_code".into(),
                message: format!("Không có quyền thêm, sửa đơn vị thuộc “{}”", parent.name),
            });
            continue;
        }
        let existing = org::find_unit_by_code(&w.tx, &input.code).await?;
        let result = match &existing {
            Some(u) if !can_edit(&u.path) => {
                errors.push(RowError {
                    row: *row,
                    field: "code".into(),
                    message: format!("Không có quyền sửa đơn vị “{}”", u.name),
                });
                continue;
            }
            Some(u) => org::update_unit(w, u.id, &input).await.map(|_| report.updated += 1),
            None => org::create_unit(w, &input).await.map(|_| report.created += 1),
        };
        if let Err(e) = result {
            push_invalid(&mut errors, *row, e)?;
        }
        progress(i as u64 + 1);
    }
    Ok(if errors.is_empty() { Ok(report) } else { Err(errors) })
}

/// Imports people: a row with a system id updates that person (who must be in a unit the user
/// may edit), otherwise it creates a person. `can_edit` checks a unit path.
pub async fn import_people(
    w: &mut WriteTx,
    rows: &[(usize, String, PersonFields)],
    today: NaiveDate,
    can_edit: &(dyn Fn(&str) -> bool + Sync),
    progress: &(dyn Fn(u64) + Sync),
) -> StoreResult<ImportOutcome> {
    let mut errors = Vec::new();
    let mut report = ImportReport::default();
    let mut units: Vec<Unit> = Vec::new();
    let mut valid: Vec<(usize, Option<i64>, PersonInput, i64)> = Vec::new();
    for (row, id, f) in rows {
        let input = match f.parse(today) {
            Ok(i) => i,
            Err(inv) => {
                errors.extend(inv.0.into_iter().map(|e| RowError { row: *row, field: e.field, message: e.message }));
                continue;
            }
        };
        let unit = match units.iter().find(|u| u.code == input.unit_code) {
            Some(u) => u.clone(),
            None => match org::find_unit_by_code(&w.tx, &input.unit_code).await? {
                Some(u) => {
                    units.push(u.clone());
                    u
                }
                None => {
                    errors.push(RowError {
                        row: *row,
                        field: "unit_code".into(),
                        message: format!("Không có đơn vị mã “{}”", input.unit_code),
                    });
                    continue;
                }
            },
        };
        if unit.active_to.is_some() {
            errors.push(RowError {
                row: *row,
                field: "unit_code".into(),
                message: format!("Đơn vị “{}” đã ngừng hoạt động", unit.name),
            });
            continue;
        }
        if !can_edit(&unit.path) {
            errors.push(RowError {
                row: *row,
                field: "unit_code".into(),
                message: format!("Không có quyền thêm, sửa cán bộ của “{}”", unit.name),
            });
            continue;
        }
        let id = id.trim();
        let person_id = if id.is_empty() {
            None
        } else {
            match id.parse::<i64>() {
                Ok(pid) => match org::get_person(&w.tx, pid).await {
                    Ok(p) if can_edit(&p.unit_path) => Some(pid),
                    Ok(_) => {
                        errors.push(RowError {
                            row: *row,
                            field: "id".into(),
                            message: "Không có quyền sửa người này".into(),
                        });
                        continue;
                    }
                    Err(StoreError::NotFound(_)) => {
                        errors.push(RowError {
                            row: *row,
                            field: "id".into(),
                            message: format!("Không có người mã hệ thống {pid}"),
                        });
                        continue;
                    }
                    Err(e) => return Err(e),
                },
                Err(_) => {
                    errors.push(RowError {
                        row: *row, field: "id".into(), message: "Mã hệ thống phải là số".into()
                    });
                    continue;
                }
            }
        };
        valid.push((*row, person_id, input, unit.id));
    }
    if !errors.is_empty() {
        return Ok(Err(errors));
    }
    let mut new_rows = Vec::new();
    for (i, (_, pid, input, unit_id)) in valid.iter().enumerate() {
        match pid {
            Some(pid) => {
                let unit = org::get_unit(&w.tx, *unit_id).await?;
                org::update_person(w, *pid, input, &unit).await?;
                report.updated += 1;
                progress(i as u64 + 1);
            }
            None => new_rows.push((input.clone(), *unit_id)),
        }
    }
    if !new_rows.is_empty() {
        for chunk in new_rows.chunks(2000) {
            report.created += org::insert_people_batch(w, chunk).await?;
            progress(report.updated + report.created);
        }
        w.record(
            "person.import",
            "person",
            None,
            None,
            serde_json::json!({"created": report.created, "names": new_rows.iter().take(50).map(|(p, _)| p.full_name.clone()).collect::<Vec<_>>()}),
        )
        .await?;
    }
    Ok(Ok(report))
}

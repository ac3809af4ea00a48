//! Possible duplicates in the caller's units: one person entered twice (same name once
//! diacritics and Unicode form are set aside, same birth date), and one award recorded twice for
//! the same achievement year (law G1).

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use tdkt_domain::authz::Permission;
use tdkt_store::org::{self, Person};
use tdkt_store::registry::{self, DuplicateAward};

use super::render;
use crate::AppState;
use crate::auth::Ctx;
use crate::error::AppResult;
use crate::view::{Chrome, date};

/// Groups and awards shown at most.
const LIMIT: u64 = 200;

#[derive(Template)]
#[template(path = "duplicates.html")]
struct DuplicatesPage {
    chrome: Chrome,
    people: Vec<Vec<Person>>,
    awards: Vec<DuplicateAward>,
    limit: u64,
}

impl DuplicatesPage {
    fn d(&self, v: &Option<chrono::NaiveDate>) -> String {
        date(v)
    }

    /// Whether two names of a group differ only in how they are written (Unicode form, spacing).
    fn same_text(&self, group: &[Person]) -> bool {
        group.windows(2).all(|w| w[0].full_name == w[1].full_name)
    }
}

pub async fn page(State(state): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    ctx.require_anywhere(Permission::ViewOrg)?;
    let scope = ctx.scope(Permission::ViewOrg);
    let mut people = Vec::new();
    for ids in registry::duplicate_people(&state.db, &scope, LIMIT).await? {
        people.push(org::people_by_ids(&state.db, &ids).await?);
    }
    let awards = registry::duplicate_awards(&state.db, &scope, LIMIT).await?;
    let chrome = Chrome::new(&state, &ctx, "/duplicates", "Kiểm tra trùng lặp");
    Ok(render(&DuplicatesPage { chrome, people, awards, limit: LIMIT })?.into_response())
}

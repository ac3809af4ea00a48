//! Every route of the application, in one place, with the layers in front of them.

use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderValue, header};
use axum::middleware::from_fn_with_state;
use axum::routing::{get, post};
use axum::{Json, Router};
use tower_http::set_header::SetResponseHeaderLayer;

use crate::pages::{
    admin, awards, blocks, dashboard, decisions, dossiers, duplicates, eligible, exchange, groups, movements, people,
    plans, portal, rules, session, sessions, units,
};
use crate::{AppState, api, assets, auth};

/// The whole application.
pub fn router(state: AppState) -> Router {
    let upload_limit = state.config.max_upload_bytes;
    let app = Router::new()
        .route("/", get(dashboard::dashboard))
        .route("/login", get(session::login_form).post(session::login))
        .route("/logout", post(session::logout))
        .route("/account/password", get(session::password_form).post(session::change_password))
        .route("/units", get(units::list))
        .route("/units/new", get(units::new_form).post(units::create))
        .route("/units/{id}", get(units::show))
        .route("/units/{id}/edit", get(units::edit_form).post(units::update))
        .route("/units/{id}/close", get(units::close_form).post(units::close))
        .route("/people", get(people::list))
        .route("/people/new", get(people::new_form).post(people::create))
        .route("/people/{id}", get(people::show))
        .route("/people/{id}/edit", get(people::edit_form).post(people::update))
        .route("/awards/{id}/revoke", post(awards::revoke))
        .route("/eligible", get(eligible::page))
        .route("/duplicates", get(duplicates::page))
        .route("/rules", get(rules::show))
        .route("/rules/params", post(rules::set))
        .route("/rules/params/delete", post(rules::delete))
        .route("/rules/holidays", post(rules::add_holiday))
        .route("/rules/holidays/delete", post(rules::delete_holiday))
        .route("/eligible.{format}", get(eligible::export))
        .route("/dossiers", get(dossiers::list))
        .route("/dossiers.{format}", get(dossiers::export))
        .route("/dossiers/new", get(dossiers::new_form).post(dossiers::create))
        .route("/dossiers/rounds", post(dossiers::create_round))
        .route("/dossiers/{id}", get(dossiers::show))
        .route("/dossiers/{id}/action", post(dossiers::act))
        .route("/dossiers/{id}/outcome", post(dossiers::outcome))
        .route("/dossiers/{id}/comments/{comment}", post(dossiers::moderate))
        .route("/dossiers/{id}/nominees", post(dossiers::add_nominee))
        .route("/dossiers/{id}/nominees/{nominee}/remove", post(dossiers::remove_nominee))
        .route(
            "/dossiers/{id}/documents",
            post(dossiers::upload).layer(DefaultBodyLimit::max(upload_limit + 64 * 1024)),
        )
        .route("/dossiers/{id}/documents/{doc}", get(dossiers::download))
        .route("/dossiers/{id}/documents/{doc}/remove", post(dossiers::remove_document))
        .route("/decisions", get(decisions::list).post(decisions::create))
        .route("/decisions/numbering", post(decisions::numbering))
        .route("/decisions/{id}", get(decisions::show).post(decisions::update))
        .route("/decisions/{id}/items/{nominee}/remove", post(decisions::remove_item))
        .route("/decisions/{id}/delete", post(decisions::delete))
        .route("/decisions/{id}/sign", post(decisions::sign))
        .route("/decisions/{id}/document.{format}", get(decisions::download))
        .route("/decisions/{id}/certificates.pdf", get(decisions::certificates))
        .route("/plans", get(plans::list))
        .route("/plans/import", get(plans::import_form).post(plans::import))
        .route("/plans/{id}", get(plans::show))
        .route("/plans/{id}/delete", post(plans::delete))
        .route("/plans/{id}/derive", post(plans::derive))
        .route("/plans/{id}/calendar", get(plans::calendar))
        .route("/plans/{id}/tasks/{task}", get(plans::show_task).post(plans::update_task))
        .route("/plans/{id}/tasks/{task}/confirm", post(plans::confirm))
        .route("/plans/{id}/tasks/{task}/reports", post(plans::add_report))
        .route("/plans/{id}/reports/{report}/file", get(plans::evidence))
        .route("/tasks", get(plans::unit_tasks))
        .route("/movements", get(movements::list).post(movements::create))
        .route("/movements/{id}", get(movements::show))
        .route("/movements/{id}/status", post(movements::set_status))
        .route("/movements/{id}/reviews", post(movements::add_review))
        .route("/movements/{id}/reviews/{review}/file", get(movements::review_file))
        .route("/movements/{id}/units/{unit}", get(movements::unit_registration).post(movements::save_registration))
        .route("/movements/{id}/units/{unit}/template.xlsx", get(movements::template))
        .route("/movements/{id}/units/{unit}/upload", post(movements::upload))
        .route("/registrations/{id}/step", post(movements::step))
        .route("/blocks", get(blocks::list))
        .route("/blocks/{id}", get(blocks::show))
        .route("/blocks/{id}/covenant", post(blocks::save_covenant))
        .route("/blocks/{id}/covenant/sign", post(blocks::sign_covenant))
        .route("/blocks/{id}/sheet", post(blocks::create_sheet))
        .route("/blocks/{id}/sheet/advance", post(blocks::advance))
        .route("/blocks/{id}/scores/{unit}", get(blocks::unit_scores).post(blocks::save_scores))
        .route("/blocks/{id}/scores/{unit}/evidence/{criterion}", get(blocks::evidence))
        .route("/blocks/{id}/vote", post(blocks::open_vote))
        .route("/blocks/{id}/vote/ballot", post(blocks::cast))
        .route("/blocks/{id}/vote/close", post(blocks::close_vote))
        .route("/cong-khai", get(portal::list))
        .route("/cong-khai/{id}", get(portal::show).post(portal::comment))
        .route("/verify", get(decisions::verify_form))
        .route("/verify/{code}", get(decisions::verify))
        .route("/groups", get(groups::list))
        .route("/groups/new", get(groups::new_group).post(groups::create_group))
        .route("/groups/{id}", get(groups::show))
        .route("/groups/{id}/role", post(groups::set_role))
        .route("/council", get(groups::council))
        .route("/council/sessions", get(sessions::list).post(sessions::create))
        .route("/council/sessions/{id}", get(sessions::show))
        .route("/council/sessions/{id}/attendance", post(sessions::attendance))
        .route("/council/sessions/{id}/vote", post(sessions::vote))
        .route("/council/sessions/{id}/close", post(sessions::close))
        .route("/council/sessions/{id}/minutes.docx", get(sessions::minutes))
        .route("/council/{id}/add", post(groups::add_member))
        .route("/council/{id}/remove", post(groups::remove_member))
        .route("/import", get(exchange::form))
        .route("/import/{what}", post(exchange::upload).layer(DefaultBodyLimit::max(upload_limit)))
        .route("/export/units.{format}", get(exchange::export_units))
        .route("/export/people.{format}", get(exchange::export_people))
        .route("/export/awards.{format}", get(exchange::export_awards))
        .route("/export/ratings.{format}", get(exchange::export_ratings))
        .route("/export/initiatives.{format}", get(exchange::export_initiatives))
        .route("/export/discipline.{format}", get(exchange::export_discipline))
        .route("/admin/users", get(admin::list).post(admin::create))
        .route("/admin/users/{id}/roles", post(admin::grant))
        .route("/admin/users/{id}/active", post(admin::set_active))
        .route("/audit", get(admin::audit_log))
        .merge(api::routes())
        .layer(from_fn_with_state(state.clone(), auth::csrf_layer))
        .layer(from_fn_with_state(state.clone(), auth::session_layer))
        .route("/healthz", get(healthz))
        .route("/static/{*path}", get(assets::serve))
        .fallback(not_found)
        .with_state(state);
    app.layer(SetResponseHeaderLayer::if_not_present(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
        .layer(SetResponseHeaderLayer::if_not_present(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
        .layer(SetResponseHeaderLayer::if_not_present(header::REFERRER_POLICY, HeaderValue::from_static("same-origin")))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self' 'unsafe-inline'; frame-ancestors 'none'"),
        ))
}

async fn healthz(axum::extract::State(state): axum::extract::State<AppState>) -> axum::response::Response {
    use axum::response::IntoResponse;
    match tdkt_store::migrate::applied_versions(&state.db).await {
        Ok(v) => Json(serde_json::json!({"status": "ok", "schema_version": v.last()})).into_response(),
        Err(e) => (
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            Json(serde_json::json!({"status": "error", "message": e.to_string()})),
        )
            .into_response(),
    }
}

async fn not_found() -> crate::error::AppError {
    crate::error::AppError::NotFound("Không có trang này".into())
}

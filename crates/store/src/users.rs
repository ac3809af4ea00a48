//! Accounts, role grants, sessions and failed-login records.

use sea_orm::FromQueryResult;
use serde::Serialize;
use tdkt_domain::authz::{Grant, Role};

use crate::audit::WriteTx;
use crate::db::{Db, now_text, stmt};
use crate::error::{StoreError, StoreResult};
use crate::org::{IdRow, count};

#[derive(Debug, Clone, FromQueryResult, Serialize)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    #[serde(skip)]
    pub password_hash: String,
    pub unit_id: i64,
    pub unit_name: String,
    pub person_id: Option<i64>,
    pub active: bool,
}

const USER_SQL: &str = "SELECT a.id, a.username, a.display_name, a.password_hash, a.unit_id, u.name AS unit_name, a.person_id, a.active \
     FROM app_user a JOIN unit u ON u.id = a.unit_id";

/// Usernames are compared in lower case.
pub fn normalise_username(s: &str) -> String {
    s.trim().to_lowercase()
}

pub async fn find_user(db: &Db, username: &str) -> StoreResult<Option<User>> {
    Ok(User::find_by_statement(stmt(
        db.backend(),
        &format!("{USER_SQL} WHERE a.username = ?"),
        vec![normalise_username(username).into()],
    ))
    .one(&db.conn)
    .await?)
}

pub async fn get_user(db: &Db, id: i64) -> StoreResult<User> {
    User::find_by_statement(stmt(db.backend(), &format!("{USER_SQL} WHERE a.id = ?"), vec![id.into()]))
        .one(&db.conn)
        .await?
        .ok_or(StoreError::NotFound("tài khoản"))
}

pub async fn list_users(db: &Db) -> StoreResult<Vec<User>> {
    Ok(User::find_by_statement(stmt(db.backend(), &format!("{USER_SQL} ORDER BY a.username"), vec![]))
        .all(&db.conn)
        .await?)
}

/// A new account. The password arrives already hashed (argon2id, by the web crate).
pub struct NewUser<'a> {
    pub username: &'a str,
    pub display_name: &'a str,
    pub password_hash: &'a str,
    pub unit_id: i64,
    pub person_id: Option<i64>,
}

pub async fn create_user(w: &mut WriteTx, u: &NewUser<'_>) -> StoreResult<i64> {
    let username = normalise_username(u.username);
    if username.is_empty()
        || username.len() > 60
        || !username.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
    {
        return Err(StoreError::invalid(
            "username",
            "Tên đăng nhập chỉ gồm chữ không dấu, số và . _ - (tối đa 60 ký tự)",
        ));
    }
    let exists =
        count(&w.tx, "SELECT COUNT(*) AS n FROM app_user WHERE username = ?", vec![username.clone().into()]).await?;
    if exists > 0 {
        return Err(StoreError::invalid("username", format!("Tên đăng nhập “{username}” đã có")));
    }
    let now = now_text();
    let row = IdRow::find_by_statement(stmt(
        w.backend(),
        "INSERT INTO app_user (username, display_name, password_hash, unit_id, person_id, active, created_at, password_changed_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        vec![
            username.clone().into(),
            tdkt_domain::text::clean(u.display_name).into(),
            u.password_hash.into(),
            u.unit_id.into(),
            u.person_id.into(),
            true.into(),
            now.clone().into(),
            now.into(),
        ],
    ))
    .one(&w.tx)
    .await?
    .ok_or(StoreError::NotFound("tài khoản vừa tạo"))?;
    w.record(
        "user.create",
        "user",
        Some(row.id.to_string()),
        Some(u.unit_id),
        serde_json::json!({"username": username, "display_name": u.display_name}),
    )
    .await?;
    Ok(row.id)
}

pub async fn grant_role(w: &mut WriteTx, user_id: i64, role: Role, unit_id: i64) -> StoreResult<()> {
    let exists = count(
        &w.tx,
        "SELECT COUNT(*) AS n FROM user_role WHERE user_id = ? AND role = ? AND unit_id = ?",
        vec![user_id.into(), role.code().into(), unit_id.into()],
    )
    .await?;
    if exists > 0 {
        return Err(StoreError::invalid("role", "Tài khoản đã có vai trò này ở đơn vị này"));
    }
    w.exec(
        "INSERT INTO user_role (user_id, role, unit_id) VALUES (?, ?, ?)",
        vec![user_id.into(), role.code().into(), unit_id.into()],
    )
    .await?;
    w.record(
        "user.grant",
        "user",
        Some(user_id.to_string()),
        Some(unit_id),
        serde_json::json!({"role": role.code(), "unit_id": unit_id}),
    )
    .await
}

pub async fn revoke_role(w: &mut WriteTx, user_id: i64, role: Role, unit_id: i64) -> StoreResult<()> {
    let n = w
        .exec(
            "DELETE FROM user_role WHERE user_id = ? AND role = ? AND unit_id = ?",
            vec![user_id.into(), role.code().into(), unit_id.into()],
        )
        .await?;
    if n == 0 {
        return Err(StoreError::NotFound("vai trò"));
    }
    w.exec("DELETE FROM session WHERE user_id = ?", vec![user_id.into()]).await?;
    w.record(
        "user.revoke",
        "user",
        Some(user_id.to_string()),
        Some(unit_id),
        serde_json::json!({"role": role.code(), "unit_id": unit_id}),
    )
    .await
}

pub async fn set_active(w: &mut WriteTx, user_id: i64, active: bool) -> StoreResult<()> {
    w.exec("UPDATE app_user SET active = ? WHERE id = ?", vec![active.into(), user_id.into()]).await?;
    if !active {
        w.exec("DELETE FROM session WHERE user_id = ?", vec![user_id.into()]).await?;
    }
    w.record(
        if active { "user.enable" } else { "user.disable" },
        "user",
        Some(user_id.to_string()),
        None,
        serde_json::json!({}),
    )
    .await
}

/// Replaces the password hash and ends every other session of the user.
pub async fn set_password(
    w: &mut WriteTx,
    user_id: i64,
    password_hash: &str,
    keep_session: Option<&str>,
) -> StoreResult<()> {
    w.exec(
        "UPDATE app_user SET password_hash = ?, password_changed_at = ? WHERE id = ?",
        vec![password_hash.into(), now_text().into(), user_id.into()],
    )
    .await?;
    w.exec(
        "DELETE FROM session WHERE user_id = ? AND id <> ?",
        vec![user_id.into(), keep_session.unwrap_or_default().into()],
    )
    .await?;
    w.record("user.password", "user", Some(user_id.to_string()), None, serde_json::json!({})).await
}

#[derive(FromQueryResult)]
struct GrantRow {
    role: String,
    unit_id: i64,
    path: String,
}

/// The user's grants with the paths of their units.
pub async fn grants(db: &Db, user_id: i64) -> StoreResult<Vec<Grant>> {
    Ok(GrantRow::find_by_statement(stmt(
        db.backend(),
        "SELECT r.role, r.unit_id, u.path FROM user_role r JOIN unit u ON u.id = r.unit_id WHERE r.user_id = ? ORDER BY r.id",
        vec![user_id.into()],
    ))
    .all(&db.conn)
    .await?
    .into_iter()
    .filter_map(|g| Role::parse(&g.role).map(|role| Grant { role, unit_id: g.unit_id, unit_path: g.path }))
    .collect())
}

// ---------------------------------------------------------------- sessions

#[derive(Debug, Clone, FromQueryResult)]
pub struct Session {
    pub id: String,
    pub user_id: i64,
    pub csrf_token: String,
    pub expires_at: String,
    pub last_seen_at: String,
}

pub async fn create_session(w: &WriteTx, id: &str, user_id: i64, csrf: &str, expires_at: &str) -> StoreResult<()> {
    let now = now_text();
    w.exec(
        "INSERT INTO session (id, user_id, csrf_token, created_at, expires_at, last_seen_at) VALUES (?, ?, ?, ?, ?, ?)",
        vec![id.into(), user_id.into(), csrf.into(), now.clone().into(), expires_at.into(), now.into()],
    )
    .await?;
    Ok(())
}

/// The live session with this id (hash of the cookie token), if not expired.
pub async fn find_session(db: &Db, id: &str) -> StoreResult<Option<Session>> {
    Ok(Session::find_by_statement(stmt(
        db.backend(),
        "SELECT s.id, s.user_id, s.csrf_token, s.expires_at, s.last_seen_at FROM session s JOIN app_user a ON a.id = s.user_id \
         WHERE s.id = ? AND s.expires_at > ? AND a.active = ?",
        vec![id.into(), now_text().into(), true.into()],
    ))
    .one(&db.conn)
    .await?)
}

/// Slides the session's expiry (not audited: bookkeeping, not a change of data).
pub async fn touch_session(db: &Db, id: &str, expires_at: &str) -> StoreResult<()> {
    use sea_orm::ConnectionTrait;
    let _turn = db.turn().await;
    db.conn
        .execute_raw(stmt(
            db.backend(),
            "UPDATE session SET last_seen_at = ?, expires_at = ? WHERE id = ?",
            vec![now_text().into(), expires_at.into(), id.into()],
        ))
        .await?;
    Ok(())
}

pub async fn delete_session(w: &WriteTx, id: &str) -> StoreResult<()> {
    w.exec("DELETE FROM session WHERE id = ?", vec![id.into()]).await?;
    Ok(())
}

/// Removes expired sessions and old failure records.
pub async fn purge_expired(db: &Db, failures_before: &str) -> StoreResult<()> {
    use sea_orm::ConnectionTrait;
    let _turn = db.turn().await;
    db.conn
        .execute_raw(stmt(db.backend(), "DELETE FROM session WHERE expires_at <= ?", vec![now_text().into()]))
        .await?;
    db.conn
        .execute_raw(stmt(db.backend(), "DELETE FROM login_failure WHERE at < ?", vec![failures_before.into()]))
        .await?;
    Ok(())
}

// ---------------------------------------------------------------- login failures

pub async fn record_login_failure(db: &Db, username: &str, client: &str) -> StoreResult<()> {
    use sea_orm::ConnectionTrait;
    let _turn = db.turn().await;
    db.conn
        .execute_raw(stmt(
            db.backend(),
            "INSERT INTO login_failure (username, client, at) VALUES (?, ?, ?)",
            vec![normalise_username(username).into(), client.into(), now_text().into()],
        ))
        .await?;
    Ok(())
}

/// Failed logins since `since` for this username and for this client address.
pub async fn login_failures_since(db: &Db, username: &str, client: &str, since: &str) -> StoreResult<(u64, u64)> {
    let by_user = count(
        &db.conn,
        "SELECT COUNT(*) AS n FROM login_failure WHERE username = ? AND at > ?",
        vec![normalise_username(username).into(), since.into()],
    )
    .await?;
    let by_client = count(
        &db.conn,
        "SELECT COUNT(*) AS n FROM login_failure WHERE client = ? AND at > ?",
        vec![client.into(), since.into()],
    )
    .await?;
    Ok((by_user, by_client))
}

pub async fn clear_login_failures(db: &Db, username: &str) -> StoreResult<()> {
    use sea_orm::ConnectionTrait;
    let _turn = db.turn().await;
    db.conn
        .execute_raw(stmt(
            db.backend(),
            "DELETE FROM login_failure WHERE username = ?",
            vec![normalise_username(username).into()],
        ))
        .await?;
    Ok(())
}

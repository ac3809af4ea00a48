//! The council's sessions and secret ballot.
//!
//! A session has an agenda (every nominee of the dossiers put before it), the members present,
//! and ballots. Casting a ballot writes two rows in one transaction: `council_voted` says that a
//! member voted on an item (its key refuses a second vote), `council_ballot` holds the choice
//! under a random key, with no member and no time. No query here joins the two, and no function
//! returns a choice or a count before the session is closed: [`close`] counts the ballots and
//! stores the counts on the agenda. The audit entry of a vote names the items, never the choice.
//!
//! Limit: this holds for everyone who uses tdkt, administrators included. Someone reading the
//! PostgreSQL database directly while a session is open could match the two rows of a vote by the
//! transaction that wrote them; the close rewrites the ballots in a random order to remove that
//! link from the live rows.

use chrono::NaiveDate;
use rand::RngCore;
use sea_orm::{ConnectionTrait, FromQueryResult};
use serde::Serialize;
use tdkt_domain::council::Choice;
use tdkt_domain::text;

use crate::audit::WriteTx;
use crate::db::{Db, now_text, stmt};
use crate::error::{StoreError, StoreResult};
use crate::org::count;

#[derive(FromQueryResult)]
struct Id {
    id: i64,
}

/// A session of the council.
#[derive(Debug, Clone, Serialize, FromQueryResult)]
pub struct Session {
    pub id: i64,
    pub council_id: i64,
    pub council_name: String,
    pub title: String,
    pub meets_on: NaiveDate,
    pub chair_person_id: i64,
    pub chair_name: String,
    /// `open` (voting) or `closed`.
    pub status: String,
    pub members: Option<i32>,
    pub present: Option<i32>,
    pub quorum_ratio: Option<f64>,
    pub vote_ratio: Option<f64>,
    pub created_at: String,
    pub closed_at: Option<String>,
}

impl Session {
    pub fn is_open(&self) -> bool {
        self.status == "open"
    }
}

const SESSION_SELECT: &str = "SELECT s.id, s.council_id, c.name AS council_name, s.title, s.meets_on, s.chair_person_id, \
     p.full_name AS chair_name, s.status, s.members, s.present, s.quorum_ratio, s.vote_ratio, s.created_at, s.closed_at \
     FROM council_session s JOIN council c ON c.id = s.council_id JOIN person p ON p.id = s.chair_person_id";

pub async fn sessions(db: &Db) -> StoreResult<Vec<Session>> {
    Ok(Session::find_by_statement(stmt(
        db.backend(),
        &format!("{SESSION_SELECT} ORDER BY s.meets_on DESC, s.id DESC"),
        vec![],
    ))
    .all(&db.conn)
    .await?)
}

pub async fn get_session(db: &impl ConnectionTrait, id: i64) -> StoreResult<Session> {
    Session::find_by_statement(stmt(
        db.get_database_backend(),
        &format!("{SESSION_SELECT} WHERE s.id = ?"),
        vec![id.into()],
    ))
    .one(db)
    .await?
    .ok_or(StoreError::NotFound("phiên họp Hội đồng"))
}

/// The first column (`id`) of the rows `sql` returns, as ids.
async fn ids(db: &impl ConnectionTrait, sql: &str, values: Vec<sea_orm::Value>) -> StoreResult<Vec<i64>> {
    Ok(Id::find_by_statement(stmt(db.get_database_backend(), sql, values))
        .all(db)
        .await?
        .into_iter()
        .map(|r| r.id)
        .collect())
}

/// A list of person ids from `sql` with one `?` for `id`.
async fn person_ids(db: &impl ConnectionTrait, sql: &str, id: i64) -> StoreResult<Vec<i64>> {
    ids(db, sql, vec![id.into()]).await
}

/// The members of a council (person ids).
pub async fn member_ids(db: &impl ConnectionTrait, council_id: i64) -> StoreResult<Vec<i64>> {
    person_ids(db, "SELECT person_id AS id FROM council_member WHERE council_id = ? ORDER BY person_id", council_id)
        .await
}

/// The members recorded as present (person ids).
pub async fn present(db: &impl ConnectionTrait, session_id: i64) -> StoreResult<Vec<i64>> {
    person_ids(db, "SELECT person_id AS id FROM council_attendance WHERE session_id = ? ORDER BY person_id", session_id)
        .await
}

/// What the office fills in to open a session.
#[derive(Debug, Clone)]
pub struct NewSession {
    pub council_id: i64,
    pub title: String,
    pub meets_on: NaiveDate,
    pub chair_person_id: i64,
    /// Dossiers before the council (status `council`); all their nominees go on the agenda.
    pub dossier_ids: Vec<i64>,
}

/// Opens a session with its agenda. Each dossier must be before the council and on no other
/// open session.
pub async fn create_session(w: &mut WriteTx, s: &NewSession) -> StoreResult<i64> {
    let title = text::clean(&s.title);
    if title.is_empty() {
        return Err(StoreError::invalid("title", "cần ghi tên phiên họp"));
    }
    if !member_ids(&w.tx, s.council_id).await?.contains(&s.chair_person_id) {
        return Err(StoreError::invalid("chair", "người chủ trì phải là thành viên Hội đồng"));
    }
    if s.dossier_ids.is_empty() {
        return Err(StoreError::invalid("dossiers", "chưa chọn hồ sơ nào để trình Hội đồng"));
    }
    let mut dossiers = vec![];
    for &id in &s.dossier_ids {
        let d = crate::dossier::get(&w.tx, id).await?;
        if d.status != tdkt_domain::dossier::Status::Council {
            return Err(StoreError::invalid(
                "dossiers",
                format!("hồ sơ “{}” đang ở trạng thái “{}”, chưa trình Hội đồng", d.title, d.status.label()),
            ));
        }
        let busy = count(
            &w.tx,
            "SELECT COUNT(*) AS n FROM council_item i JOIN council_session s ON s.id = i.session_id \
             WHERE i.dossier_id = ? AND s.status = 'open'",
            vec![id.into()],
        )
        .await?;
        if busy > 0 {
            return Err(StoreError::invalid("dossiers", format!("hồ sơ “{}” đã có trong một phiên họp khác", d.title)));
        }
        dossiers.push(d);
    }
    let r = Id::find_by_statement(stmt(
        w.backend(),
        "INSERT INTO council_session (council_id, title, meets_on, chair_person_id, status, created_at) \
         VALUES (?, ?, ?, ?, 'open', ?) RETURNING id",
        vec![s.council_id.into(), title.clone().into(), s.meets_on.into(), s.chair_person_id.into(), now_text().into()],
    ))
    .one(&w.tx)
    .await?
    .ok_or(StoreError::NotFound("phiên họp vừa tạo"))?;
    let mut position = 0;
    for d in &dossiers {
        for n in crate::dossier::nominees(&w.tx, d.id).await? {
            position += 1;
            w.exec(
                "INSERT INTO council_item (session_id, dossier_id, nominee_id, position) VALUES (?, ?, ?, ?)",
                vec![r.id.into(), d.id.into(), n.id.into(), position.into()],
            )
            .await?;
        }
        w.record(
            "dossier.on_agenda",
            "dossier",
            Some(d.id.to_string()),
            Some(d.unit_id),
            serde_json::json!({"session": r.id, "title": title}),
        )
        .await?;
    }
    w.record(
        "council_session.create",
        "council_session",
        Some(r.id.to_string()),
        None,
        serde_json::json!({"title": title, "meets_on": s.meets_on, "dossiers": s.dossier_ids, "items": position}),
    )
    .await?;
    Ok(r.id)
}

/// Records who is present (replacing the earlier list) while the session is open.
pub async fn set_attendance(w: &mut WriteTx, session: &Session, person_ids: &[i64]) -> StoreResult<()> {
    if !get_session(&w.tx, session.id).await?.is_open() {
        return Err(StoreError::invalid("status", "phiên họp đã kết thúc"));
    }
    let members = member_ids(&w.tx, session.council_id).await?;
    if let Some(p) = person_ids.iter().find(|p| !members.contains(p)) {
        return Err(StoreError::invalid("present", format!("người có mã {p} không phải thành viên Hội đồng")));
    }
    // A member who has voted stays present: their ballots are counted.
    let before = present(&w.tx, session.id).await?;
    for p in &before {
        if !person_ids.contains(p) && has_voted(&w.tx, session.id, *p).await? {
            return Err(StoreError::invalid("present", "một thành viên đã bỏ phiếu không thể bị ghi vắng mặt"));
        }
    }
    w.exec("DELETE FROM council_attendance WHERE session_id = ?", vec![session.id.into()]).await?;
    for p in person_ids {
        w.exec(
            "INSERT INTO council_attendance (session_id, person_id) VALUES (?, ?)",
            vec![session.id.into(), (*p).into()],
        )
        .await?;
    }
    w.record(
        "council_session.attendance",
        "council_session",
        Some(session.id.to_string()),
        None,
        serde_json::json!({"present": person_ids.len(), "members": members.len()}),
    )
    .await
}

async fn has_voted(db: &impl ConnectionTrait, session_id: i64, person_id: i64) -> StoreResult<bool> {
    Ok(count(
        db,
        "SELECT COUNT(*) AS n FROM council_voted v JOIN council_item i ON i.id = v.item_id WHERE i.session_id = ? AND v.person_id = ?",
        vec![session_id.into(), person_id.into()],
    )
    .await?
        > 0)
}

/// One nominee on the agenda. `voters` is how many members have voted on it; the counts are set
/// only when the session is closed.
#[derive(Debug, Clone, Serialize, FromQueryResult)]
pub struct Item {
    pub id: i64,
    pub position: i32,
    pub dossier_id: i64,
    pub dossier_title: String,
    pub proposing_unit: String,
    pub nominee_id: i64,
    pub name: String,
    pub unit_name: String,
    pub award_code: String,
    pub award_name: String,
    pub year: i32,
    pub verdict: String,
    pub voters: i64,
    pub yes: Option<i32>,
    pub no: Option<i32>,
    pub passed: Option<bool>,
}

pub async fn items(db: &impl ConnectionTrait, session_id: i64) -> StoreResult<Vec<Item>> {
    Ok(Item::find_by_statement(stmt(
        db.get_database_backend(),
        "SELECT i.id, i.position, i.dossier_id, d.title AS dossier_title, du.name AS proposing_unit, i.nominee_id, \
         COALESCE(p.full_name, cu.name) AS name, COALESCE(pu.name, cu.name) AS unit_name, n.award_code, t.name AS award_name, \
         n.year, n.verdict, (SELECT COUNT(*) FROM council_voted v WHERE v.item_id = i.id) AS voters, i.yes, i.no, i.passed \
         FROM council_item i JOIN dossier d ON d.id = i.dossier_id JOIN unit du ON du.id = d.unit_id \
         JOIN dossier_nominee n ON n.id = i.nominee_id JOIN award_type t ON t.code = n.award_code \
         LEFT JOIN person p ON p.id = n.person_id LEFT JOIN unit pu ON pu.id = p.unit_id LEFT JOIN unit cu ON cu.id = n.unit_id \
         WHERE i.session_id = ? ORDER BY i.position",
        vec![session_id.into()],
    ))
    .all(db)
    .await?)
}

/// The items of the session a member has voted on (not how).
pub async fn voted_by(db: &impl ConnectionTrait, session_id: i64, person_id: i64) -> StoreResult<Vec<i64>> {
    ids(
        db,
        "SELECT v.item_id AS id FROM council_voted v JOIN council_item i ON i.id = v.item_id \
         WHERE i.session_id = ? AND v.person_id = ? ORDER BY v.item_id",
        vec![session_id.into(), person_id.into()],
    )
    .await
}

/// Casts a member's ballots on some items of an open session, all or none: the member must be
/// recorded present, each item must be on this session's agenda, and a member votes once per item.
pub async fn vote(w: &mut WriteTx, session_id: i64, person_id: i64, choices: &[(i64, Choice)]) -> StoreResult<()> {
    let session = get_session(&w.tx, session_id).await?;
    if !session.is_open() {
        return Err(StoreError::invalid("vote", "phiên họp đã kết thúc bỏ phiếu"));
    }
    if choices.is_empty() {
        return Err(StoreError::invalid("vote", "chưa chọn ý kiến cho người nào"));
    }
    if !present(&w.tx, session_id).await?.contains(&person_id) {
        return Err(StoreError::invalid("vote", "thư ký chưa ghi nhận bạn có mặt tại phiên họp"));
    }
    // Only the items asked about are read: a session may have hundreds.
    let asked: Vec<sea_orm::Value> = choices.iter().map(|(i, _)| (*i).into()).collect();
    let marks = vec!["?"; asked.len()].join(", ");
    let mut vals = vec![session_id.into()];
    vals.extend(asked.iter().cloned());
    let on_agenda =
        ids(&w.tx, &format!("SELECT id FROM council_item WHERE session_id = ? AND id IN ({marks})"), vals).await?;
    let mut vals = vec![person_id.into()];
    vals.extend(asked);
    let already = ids(
        &w.tx,
        &format!("SELECT item_id AS id FROM council_voted WHERE person_id = ? AND item_id IN ({marks})"),
        vals,
    )
    .await?;
    let mut seen = vec![];
    for (item, _) in choices {
        if !on_agenda.contains(item) {
            return Err(StoreError::invalid("vote", format!("mục {item} không có trong chương trình phiên họp")));
        }
        if already.contains(item) || seen.contains(item) {
            return Err(StoreError::invalid(
                "vote",
                "bạn đã bỏ phiếu cho người, tập thể này; mỗi thành viên chỉ bỏ một phiếu",
            ));
        }
        seen.push(*item);
    }
    // Drawn before any await: the generator stays on this thread.
    let keys = ballot_keys(choices.len());
    for ((item, choice), key) in choices.iter().zip(keys) {
        w.exec("INSERT INTO council_voted (item_id, person_id) VALUES (?, ?)", vec![(*item).into(), person_id.into()])
            .await?;
        w.exec(
            "INSERT INTO council_ballot (id, item_id, choice) VALUES (?, ?, ?)",
            vec![key.into(), (*item).into(), choice.code().into()],
        )
        .await?;
    }
    let mut items: Vec<i64> = choices.iter().map(|(i, _)| *i).collect();
    items.sort_unstable();
    w.record(
        "council_session.vote",
        "council_session",
        Some(session_id.to_string()),
        None,
        serde_json::json!({"items": items}),
    )
    .await
}

/// The figures a session closes with.
#[derive(Debug, Clone, Copy)]
pub struct Closing {
    pub members: usize,
    pub present: usize,
    pub quorum_ratio: f64,
    pub vote_ratio: f64,
}

/// Counts the ballots of each item, decides who passes (`tdkt_domain::council::passes`) and closes
/// the session. The caller moves the dossiers on in the same transaction.
pub async fn close(w: &mut WriteTx, session_id: i64, c: Closing) -> StoreResult<Vec<Item>> {
    let n = w
        .exec(
            "UPDATE council_session SET status = 'closed', members = ?, present = ?, quorum_ratio = ?, vote_ratio = ?, closed_at = ? \
             WHERE id = ? AND status = 'open'",
            vec![
                (c.members as i32).into(),
                (c.present as i32).into(),
                c.quorum_ratio.into(),
                c.vote_ratio.into(),
                now_text().into(),
                session_id.into(),
            ],
        )
        .await?;
    if n == 0 {
        return Err(StoreError::invalid("status", "phiên họp đã kết thúc trước đó"));
    }
    #[derive(FromQueryResult)]
    struct Tally {
        item_id: i64,
        choice: String,
        n: i64,
    }
    let tallies = Tally::find_by_statement(stmt(
        w.backend(),
        "SELECT b.item_id, b.choice, COUNT(*) AS n FROM council_ballot b JOIN council_item i ON i.id = b.item_id \
         WHERE i.session_id = ? GROUP BY b.item_id, b.choice",
        vec![session_id.into()],
    ))
    .all(&w.tx)
    .await?;
    reshuffle(w, session_id).await?;
    let agenda = items(&w.tx, session_id).await?;
    let mut passed_count = 0;
    for item in &agenda {
        let of = |c: Choice| tallies.iter().find(|t| t.item_id == item.id && t.choice == c.code()).map_or(0, |t| t.n);
        let (yes, no) = (of(Choice::Yes), of(Choice::No));
        let passed = tdkt_domain::council::passes(yes as usize, c.present, c.vote_ratio);
        passed_count += usize::from(passed);
        w.exec(
            "UPDATE council_item SET yes = ?, no = ?, passed = ? WHERE id = ?",
            vec![(yes as i32).into(), (no as i32).into(), passed.into(), item.id.into()],
        )
        .await?;
    }
    w.record(
        "council_session.close",
        "council_session",
        Some(session_id.to_string()),
        None,
        serde_json::json!({
            "members": c.members, "present": c.present, "quorum_ratio": c.quorum_ratio,
            "vote_ratio": c.vote_ratio, "items": agenda.len(), "passed": passed_count
        }),
    )
    .await?;
    items(&w.tx, session_id).await
}

/// `n` random keys for ballot rows (128 bits each, hex), unrelated to who voted or when. A plain
/// function, so the thread's generator is never held across an await.
pub(crate) fn ballot_keys(n: usize) -> Vec<String> {
    (0..n)
        .map(|_| {
            let mut key = [0u8; 16];
            rand::rng().fill_bytes(&mut key);
            hex::encode(key)
        })
        .collect()
}

/// Writes the session's ballots again, in a random order under new keys, in the closing
/// transaction. On PostgreSQL a ballot row carries the id of the transaction that wrote it, the
/// same as its `council_voted` row, and sits near it on disk; rewritten together at the close,
/// the ballots carry the closing transaction's id and a random order instead. (The rows replaced
/// stay on disk until PostgreSQL vacuums the table: only someone with direct access to the
/// database files could look at them meanwhile.)
async fn reshuffle(w: &mut WriteTx, session_id: i64) -> StoreResult<()> {
    #[derive(FromQueryResult)]
    struct Ballot {
        item_id: i64,
        choice: String,
    }
    let mut ballots = Ballot::find_by_statement(stmt(
        w.backend(),
        "SELECT b.item_id, b.choice FROM council_ballot b JOIN council_item i ON i.id = b.item_id WHERE i.session_id = ?",
        vec![session_id.into()],
    ))
    .all(&w.tx)
    .await?;
    {
        use rand::seq::SliceRandom;
        ballots.shuffle(&mut rand::rng());
    }
    let keys = ballot_keys(ballots.len());
    w.exec(
        "DELETE FROM council_ballot WHERE item_id IN (SELECT id FROM council_item WHERE session_id = ?)",
        vec![session_id.into()],
    )
    .await?;
    for (b, key) in ballots.into_iter().zip(keys) {
        w.exec(
            "INSERT INTO council_ballot (id, item_id, choice) VALUES (?, ?, ?)",
            vec![key.into(), b.item_id.into(), b.choice.into()],
        )
        .await?;
    }
    Ok(())
}

/// The council's result for the nominees of a dossier: (nominee id, passed) from its last closed
/// session.
pub async fn results_of_dossier(db: &impl ConnectionTrait, dossier_id: i64) -> StoreResult<Vec<(i64, bool)>> {
    #[derive(FromQueryResult)]
    struct Row {
        nominee_id: i64,
        passed: bool,
    }
    Ok(Row::find_by_statement(stmt(
        db.get_database_backend(),
        "SELECT i.nominee_id, i.passed FROM council_item i JOIN council_session s ON s.id = i.session_id \
         WHERE i.dossier_id = ? AND s.status = 'closed' AND i.passed IS NOT NULL ORDER BY s.closed_at, i.position",
        vec![dossier_id.into()],
    ))
    .all(db)
    .await?
    .into_iter()
    .map(|r| (r.nominee_id, r.passed))
    .collect())
}

//! Bulk loads of registry rows (a province's first registry, `tdkt bench registry`): a
//! [`LoadTx`] writes only through the registry's batch insert functions, with
//! [`SetAside`] for the indexes of a table the load outgrows.
//!
//! On PostgreSQL a load is an ordinary [`WriteTx`]: `SetAside` drops the foreign keys and one join
//! checks them when they are added again. On SQLite it runs on a connection of its own that
//! checks no foreign key row by row (a lookup of the parent for every row and key was a visible
//! part of the single writer's time): the ids of people and units and the award codes are read
//! inside the transaction, which holds the write lock, and the insert functions check every row
//! against them, failing the load on a dangling one. Nothing else can write through a `LoadTx`,
//! so no row written with the database's checks off escapes tdkt's own.
//!
//! A load's commit on SQLite writes its pages to the write-ahead log and returns; copying them
//! into the database file (the checkpoint, as much again in bytes, and a wait for the disk) is
//! left to a [`Checkpoint`] that runs beside whatever the caller does next, such as the next
//! table's load. The load's connection commits with `synchronous = NORMAL`: the log is written
//! but not flushed to disk at the commit, which SQLite keeps safe from corruption in WAL mode;
//! the checkpoint flushes the log before it copies it. A caller that must know the load is on
//! disk awaits [`Checkpoint::wait`]. Checkpoints of loads one after another wait for each other
//! (SQLite runs one at a time), so the last one's wait covers the earlier ones too.

use tdkt_rules::Catalogue;
use tdkt_rules::history::Rating;

use sea_orm::{DatabaseConnection, FromQueryResult, Statement};

use crate::audit::{Actor, WriteTx};
use crate::db::Db;
use crate::error::{StoreError, StoreResult};
use crate::registry::{self, NewAward, NewInitiative, SetAside};

/// The transaction of a bulk load; see the module's documentation.
pub struct LoadTx {
    w: WriteTx,
    /// SQLite: the load's own connection, for its checkpoint after the commit.
    loader: Option<DatabaseConnection>,
}

impl Db {
    /// Begins a bulk load on behalf of `actor`.
    pub async fn load(&self, actor: &Actor) -> StoreResult<LoadTx> {
        if !self.is_sqlite() {
            return Ok(LoadTx { w: self.write(actor).await?, loader: None });
        }
        let options = (*self.conn.get_sqlite_connection_pool().connect_options())
            .clone()
            .foreign_keys(false)
            .synchronous(sea_orm::sqlx::sqlite::SqliteSynchronous::Normal)
            // The commit does not copy the log into the file; its `Checkpoint` does.
            .pragma("wal_autocheckpoint", "0");
        let pool = sea_orm::sqlx::sqlite::SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options)
            .await
            .map_err(|e| StoreError::Other(format!("không mở được kết nối nạp dữ liệu: {e}")))?;
        // The same writer queue as every other write of this process.
        let loader =
            Db { conn: sea_orm::SqlxSqliteConnector::from_sqlx_sqlite_pool(pool), writers: self.writers.clone() };
        let mut w = loader.write(actor).await?;
        w.check_refs_itself().await?;
        Ok(LoadTx { w, loader: Some(loader.conn) })
    }
}

impl LoadTx {
    /// Sets the indexes of `table` aside when `rows` outnumber its rows ([`SetAside::when_larger`]).
    pub async fn set_aside(&mut self, table: &str, rows: u64) -> StoreResult<SetAside> {
        SetAside::when_larger(&mut self.w, table, rows).await
    }

    /// Makes the indexes again ([`SetAside::restore`]); its error fails the load.
    pub async fn restore(&mut self, aside: SetAside) -> StoreResult<()> {
        aside.restore(&mut self.w).await
    }

    /// After a failed load ([`SetAside::abandon`]).
    pub async fn abandon(&mut self, aside: SetAside) -> StoreResult<()> {
        aside.abandon(&mut self.w).await
    }

    pub async fn insert_awards(&mut self, catalogue: &Catalogue, rows: &[NewAward], why: &str) -> StoreResult<u64> {
        registry::insert_awards(&mut self.w, catalogue, rows, why).await
    }

    pub async fn insert_person_ratings(&mut self, rows: &[(i64, i32, Rating)], why: &str) -> StoreResult<u64> {
        registry::insert_person_ratings(&mut self.w, rows, why).await
    }

    pub async fn insert_initiatives(&mut self, rows: &[NewInitiative], why: &str) -> StoreResult<u64> {
        registry::insert_initiatives(&mut self.w, rows, why).await
    }

    /// Whether the database itself checks this load's foreign keys as rows are written (false
    /// on SQLite, where tdkt checks them).
    pub async fn database_checks_keys(&self) -> StoreResult<bool> {
        if self.w.backend() != sea_orm::DbBackend::Sqlite {
            return Ok(true);
        }
        Ok(crate::org::count(&self.w.tx, "SELECT foreign_keys AS n FROM pragma_foreign_keys", vec![]).await? == 1)
    }

    /// Commits the load and its audit entries. On SQLite the pages of the load are then copied
    /// from the write-ahead log into the database file by the returned [`Checkpoint`], in the
    /// background.
    pub async fn commit(self) -> StoreResult<Checkpoint> {
        self.w.commit().await?;
        let Some(conn) = self.loader else { return Ok(Checkpoint(None)) };
        Ok(Checkpoint(Some(tokio::spawn(copy_log(conn)))))
    }
}

/// How long a load's checkpoint tries again while another checkpoint runs or a reader still
/// needs the log, before it leaves the rest to SQLite's next checkpoint.
const CHECKPOINT_PATIENCE: std::time::Duration = std::time::Duration::from_secs(600);

#[derive(FromQueryResult)]
struct Checkpointed {
    busy: i64,
    log: i64,
    checkpointed: i64,
}

/// Copies the write-ahead log into the database file: PASSIVE, so neither readers nor the next
/// writer wait for it. SQLite answers "busy" at once while another connection checkpoints (an
/// earlier load's copy still running), and copies only what no reader still needs; so this tries
/// again until the log it sees is copied whole, and says whether it was.
async fn copy_log(conn: DatabaseConnection) -> StoreResult<bool> {
    let started = std::time::Instant::now();
    loop {
        let sql = Statement::from_string(sea_orm::DbBackend::Sqlite, "PRAGMA wal_checkpoint(PASSIVE)");
        let Some(c) = Checkpointed::find_by_statement(sql).one(&conn).await? else { return Ok(false) };
        if c.busy == 0 && c.checkpointed == c.log {
            return Ok(true);
        }
        if started.elapsed() > CHECKPOINT_PATIENCE {
            return Ok(false);
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

/// The copy of a committed SQLite load from the write-ahead log into the database file, running
/// on the load's own connection ([`copy_log`]). Dropped, it goes on by itself; an unfinished copy
/// is safe (SQLite's next checkpoint finishes it).
#[must_use = "a checkpoint runs in the background; await `wait` to know the load is in the database file"]
pub struct Checkpoint(Option<tokio::task::JoinHandle<StoreResult<bool>>>);

impl Checkpoint {
    /// Waits until the load's pages are flushed to disk and copied into the database file, and
    /// says whether they all were: false when a reader kept part of the log longer than
    /// `CHECKPOINT_PATIENCE` (the load is committed; SQLite's next checkpoint copies the rest).
    pub async fn wait(self) -> StoreResult<bool> {
        match self.0 {
            None => Ok(true),
            Some(task) => {
                task.await.map_err(|e| StoreError::Other(format!("sao chép nhật ký WAL dừng bất thường: {e}")))?
            }
        }
    }
}

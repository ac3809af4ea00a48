//! Subcommands: serve, migrate, demo, import, user, audit, config, check, eligible, bench.

use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use tdkt_domain::authz::Role;
use tdkt_store::{Actor, Db};

use crate::config::{Config, Sources};
use crate::demo;

#[derive(Parser)]
#[command(name = "tdkt", version, about = "Thi đua, khen thưởng — quản lý công tác thi đua, khen thưởng của tỉnh")]
struct Cli {
    /// TOML configuration file (also TDKT_CONFIG; ./tdkt.toml is read when present).
    #[arg(long, global = true, env = "TDKT_CONFIG")]
    config: Option<String>,
    /// Database URL (sqlite://... or postgres://...), overrides TDKT_DATABASE_URL.
    #[arg(long, global = true)]
    database_url: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Start the web server (migrations are applied first).
    Serve {
        /// Address to listen on (overrides TDKT_ADDR).
        #[arg(long)]
        addr: Option<String>,
        /// Load the demo province first when the database is empty.
        #[arg(long)]
        demo: bool,
    },
    /// Apply pending database migrations.
    Migrate,
    /// Load the demo province (Sơn La) into an empty database.
    Demo {
        /// About how many people to generate.
        #[arg(long, default_value_t = 20_000)]
        people: usize,
    },
    /// Import units, people, or registry lists (awards, ratings, initiatives, discipline) from .xlsx or .csv,
    /// or a plan with its key tasks from its text (`import plan FILE`).
    Import {
        /// units, people, awards, ratings, initiatives, discipline or plan
        what: String,
        file: String,
        /// plan: print what would be imported, and write nothing
        #[arg(long)]
        dry_run: bool,
        /// plan: print JSON
        #[arg(long)]
        json: bool,
        /// plan: the issuing unit's code (default: the province)
        #[arg(long)]
        unit: Option<String>,
        /// plan: the code of the block or cluster the plan is for (its head unit issues it)
        #[arg(long)]
        group: Option<String>,
        /// plan: the plan's year, when the text does not give it
        #[arg(long)]
        year: Option<i32>,
    },
    /// Accounts.
    #[command(subcommand)]
    User(UserCmd),
    /// The audit log.
    #[command(subcommand)]
    Audit(AuditCmd),
    /// Configuration.
    #[command(subcommand)]
    Config(ConfigCmd),
    /// Whether a history qualifies for an award, condition by condition (no database needed).
    Check(crate::check::CheckArgs),
    /// Everyone in the registry (or a unit) who qualifies for an award in a year.
    Eligible(crate::eligible::EligibleArgs),
    /// Benchmarks (figures for the closing notes; not tests).
    #[command(subcommand)]
    Bench(crate::bench::BenchCmd),
}

#[derive(Subcommand)]
enum UserCmd {
    /// Create an account with one role on one unit. The password comes from TDKT_NEW_PASSWORD.
    Add {
        #[arg(long)]
        username: String,
        #[arg(long)]
        name: String,
        /// Unit code where the role applies (and home unit).
        #[arg(long)]
        unit: String,
        /// quan_tri, chuyen_vien, lanh_dao, hoi_dong, nguoi_ky, can_bo_don_vi, truong_khoi
        #[arg(long)]
        role: String,
    },
}

#[derive(Subcommand)]
enum AuditCmd {
    /// Check the hash chain from the first entry; report the first broken link.
    Verify,
}

#[derive(Subcommand)]
enum ConfigCmd {
    /// Print the documented example configuration.
    Example,
    /// Print the configuration in force after every layer.
    Show,
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let rt = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("Không khởi động được: {e}");
            return ExitCode::FAILURE;
        }
    };
    match rt.block_on(run(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("Lỗi: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn load_config(cli: &Cli, addr: Option<String>) -> anyhow::Result<Config> {
    let file =
        cli.config.clone().or_else(|| std::path::Path::new("tdkt.toml").exists().then(|| "tdkt.toml".to_string()));
    let env = |k: &str| std::env::var(k).ok();
    Config::load(Sources {
        file: file.as_deref(),
        env: &env,
        addr_flag: addr,
        database_url_flag: cli.database_url.clone(),
    })
    .map_err(anyhow::Error::msg)
}

pub(crate) async fn open(config: &Config) -> anyhow::Result<Db> {
    let db = Db::connect(&config.database_url).await?;
    let applied = tdkt_store::migrate::migrate(&db).await?;
    if !applied.is_empty() {
        tracing::info!(?applied, "migrations applied");
    }
    Ok(db)
}

fn init_logging(filter: &str) {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_new(filter)
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .try_init();
}

pub(crate) fn spinner(msg: &str) -> ProgressBar {
    let pb = ProgressBar::new_spinner();
    pb.set_message(msg.to_string());
    pb.enable_steady_tick(std::time::Duration::from_millis(120));
    pb
}

async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match &cli.command {
        Command::Config(ConfigCmd::Example) => {
            print!("{}", Config::example());
            return Ok(ExitCode::SUCCESS);
        }
        Command::Bench(cmd) => {
            // The server a benchmark drives logs its errors.
            init_logging(&std::env::var("TDKT_LOG").unwrap_or_else(|_| "warn".into()));
            return crate::bench::run(cmd).await;
        }
        Command::Check(args) => return crate::check::run(args),
        _ => {}
    }
    let addr = match &cli.command {
        Command::Serve { addr, .. } => addr.clone(),
        _ => None,
    };
    let config = load_config(&cli, addr)?;
    init_logging(&config.log);
    match &cli.command {
        Command::Config(ConfigCmd::Show) => {
            let mut shown = config.clone();
            shown.database_url = tdkt_store::db::redact(&shown.database_url);
            if !shown.files_s3_secret_key.is_empty() {
                shown.files_s3_secret_key = "***".into();
            }
            print!("{}", toml::to_string(&shown)?);
        }
        Command::Migrate => {
            let db = Db::connect(&config.database_url).await?;
            let applied = tdkt_store::migrate::migrate(&db).await?;
            let all = tdkt_store::migrate::applied_versions(&db).await?;
            println!("Đã áp dụng {} migration mới; cơ sở dữ liệu ở phiên bản {:?}.", applied.len(), all.last());
        }
        Command::Demo { people } => {
            let db = open(&config).await?;
            load_demo(&db, *people, &config.files().map_err(anyhow::Error::msg)?).await?;
            print_logins(None);
        }
        Command::Serve { demo: with_demo, .. } => {
            let db = open(&config).await?;
            let is_demo = if *with_demo && tdkt_store::org::is_empty(&db).await? {
                load_demo(&db, 20_000, &config.files().map_err(anyhow::Error::msg)?).await?;
                true
            } else {
                tdkt_store::org::meta_get(&db.conn, "demo").await?.is_some()
            };
            let listener = tokio::net::TcpListener::bind(&config.addr)
                .await
                .with_context(|| format!("không mở được cổng {}", config.addr))?;
            let url = format!("http://{}", listener.local_addr()?);
            println!("tdkt đang chạy tại {url}  (cơ sở dữ liệu: {})", tdkt_store::db::redact(&config.database_url));
            if is_demo {
                print_logins(Some(&url));
            }
            tokio::spawn(purge_periodically(db.clone()));
            let state = tdkt_web::AppState { db, config: Arc::new(config.web().map_err(anyhow::Error::msg)?) };
            if state.config.public_url.is_none() && !config.addr.starts_with("127.") {
                eprintln!("Lưu ý: chưa đặt public_url: mã QR trên giấy chứng nhận sẽ dùng địa chỉ của trang đang mở.");
            }
            println!("Tệp đính kèm của hồ sơ: {}", state.config.files.describe());
            tokio::spawn(tdkt_web::jobs::worker(state.clone()));
            tdkt_web::serve(listener, state, shutdown()).await?;
        }
        Command::Import { what, file, dry_run, json, unit, group, year } => {
            if what == "plan" {
                let o = crate::plan_import::PlanOptions {
                    dry_run: *dry_run,
                    json: *json,
                    unit: unit.as_deref(),
                    group: group.as_deref(),
                    year: *year,
                };
                return crate::plan_import::run(&config, file, &o).await;
            }
            if *dry_run || *json || unit.is_some() || group.is_some() || year.is_some() {
                anyhow::bail!("--dry-run, --json, --unit, --group và --year chỉ dùng với “tdkt import plan”");
            }
            return import(&config, what, file).await;
        }
        Command::Eligible(args) => {
            let db = open(&config).await?;
            return crate::eligible::run(&db, args).await;
        }
        Command::User(UserCmd::Add { username, name, unit, role }) => {
            let db = open(&config).await?;
            let role = Role::parse(role).with_context(|| format!("vai trò “{role}” không hợp lệ"))?;
            let unit = tdkt_store::org::find_unit_by_code(&db.conn, unit)
                .await?
                .with_context(|| format!("không có đơn vị mã “{unit}”"))?;
            let pw =
                std::env::var("TDKT_NEW_PASSWORD").context("đặt mật khẩu trong biến môi trường TDKT_NEW_PASSWORD")?;
            tdkt_web::password::check_strength(&pw, username).map_err(anyhow::Error::msg)?;
            let hash = tdkt_web::password::hash(&pw).map_err(anyhow::Error::msg)?;
            let mut w = db.write(&Actor::system("tdkt user add")).await?;
            let id = tdkt_store::users::create_user(
                &mut w,
                &tdkt_store::users::NewUser {
                    username,
                    display_name: name,
                    password_hash: &hash,
                    unit_id: unit.id,
                    person_id: None,
                },
            )
            .await?;
            tdkt_store::users::grant_role(&mut w, id, role, unit.id).await?;
            w.commit().await?;
            println!("Đã tạo tài khoản {username} ({}) tại {}.", role.label(), unit.name);
        }
        Command::Audit(AuditCmd::Verify) => {
            let db = open(&config).await?;
            match tdkt_store::audit::verify(&db).await? {
                Ok(v) => println!("Chuỗi nhật ký nguyên vẹn: {} bản ghi, mã băm cuối {}.", v.entries, v.last_hash),
                Err(b) => {
                    println!("Chuỗi nhật ký bị gãy tại bản ghi số {}: {}.", b.seq, b.reason);
                    return Ok(ExitCode::from(2));
                }
            }
        }
        Command::Config(ConfigCmd::Example) | Command::Bench(_) | Command::Check(_) => {}
    }
    Ok(ExitCode::SUCCESS)
}

async fn load_demo(db: &Db, people: usize, files: &tdkt_store::files::Blobs) -> anyhow::Result<()> {
    let pb = spinner("Đang nạp tỉnh mẫu Sơn La…");
    let progress = |step: &str| pb.set_message(format!("Đang nạp tỉnh mẫu Sơn La: {step}…"));
    let s = demo::load_with_files(db, people, &progress, Some(files)).await?;
    pb.finish_and_clear();
    println!(
        "Đã nạp tỉnh mẫu Sơn La: {} đơn vị, {} cán bộ, {} cụm/khối thi đua, hội đồng {} thành viên.",
        s.units, s.people, s.groups, s.council_members
    );
    Ok(())
}

fn print_logins(url: Option<&str>) {
    if let Some(url) = url {
        println!("Mở {url} và đăng nhập bằng một tài khoản mẫu (mật khẩu chung: {}):", demo::DEMO_PASSWORD);
    } else {
        println!("Tài khoản mẫu (mật khẩu chung: {}):", demo::DEMO_PASSWORD);
    }
    for (u, name, _, grants) in demo::DEMO_USERS {
        let roles: Vec<&str> = grants.iter().map(|(r, _)| r.label()).collect();
        println!("  {u:<12} {name} — {}", roles.join(", "));
    }
    println!(
        "  {}01 … {}13   các thành viên khác của Hội đồng TĐKT (mỗi người một tài khoản để bỏ phiếu)",
        demo::COUNCIL_ACCOUNT_PREFIX,
        demo::COUNCIL_ACCOUNT_PREFIX
    );
}

/// Removes expired sessions and day-old failed-login records, hourly. Several servers may do
/// this at once: the deletes are idempotent.
async fn purge_periodically(db: Db) {
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(3600));
    loop {
        tick.tick().await;
        let day_ago =
            (chrono::Utc::now() - chrono::Duration::days(1)).to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        if let Err(e) = tdkt_store::users::purge_expired(&db, &day_ago).await {
            tracing::warn!(error = %e, "purging expired sessions failed");
        }
    }
}

async fn shutdown() {
    let _ = tokio::signal::ctrl_c().await;
}

/// A registry list from a file: every row checked, then written in one transaction.
async fn import_registry(
    db: &Db,
    list: tdkt_sheets::registry::RegistryList,
    table: &tdkt_sheets::Table,
    file: &str,
) -> anyhow::Result<ExitCode> {
    use tdkt_sheets::registry::RegistryList;
    use tdkt_store::registry_import as ri;
    let rows = tdkt_sheets::registry::registry_rows(table, list).map_err(|m| anyhow::anyhow!("{file}: {m}"))?;
    let catalogue = tdkt_rules::Catalogue::builtin();
    let pb = spinner(&format!("Đang kiểm tra {} dòng {}…", rows.len(), list.label()));
    let all = |_: &str| true;
    let mut w = db.write(&Actor::system("tdkt import")).await?;
    let outcome = match list {
        RegistryList::Awards => ri::import_awards(&mut w, catalogue, &rows, &all).await?,
        RegistryList::Ratings => ri::import_ratings(&mut w, &rows, &all).await?,
        RegistryList::Initiatives => ri::import_initiatives(&mut w, &rows, &all).await?,
        RegistryList::Discipline => ri::import_discipline(&mut w, &rows, &all).await?,
    };
    pb.finish_and_clear();
    match outcome {
        Ok(r) if r.created + r.updated > 0 => {
            w.record(
                "import.cli",
                list.code(),
                None,
                None,
                serde_json::json!({"file": file, "created": r.created, "updated": r.updated, "skipped": r.skipped}),
            )
            .await?;
            w.commit().await?;
            println!(
                "Đã nhập {file}: thêm mới {}, cập nhật {}, bỏ qua {} dòng đã có.",
                r.created, r.updated, r.skipped
            );
            Ok(ExitCode::SUCCESS)
        }
        Ok(r) => {
            w.rollback().await?;
            println!("{file}: không có gì mới ({} dòng đã có trong sổ).", r.skipped);
            Ok(ExitCode::SUCCESS)
        }
        Err(errors) => {
            w.rollback().await?;
            println!("{file}: {} lỗi, chưa ghi gì:", errors.len());
            for e in &errors {
                println!(
                    "  dòng {}, cột “{}”: {}",
                    e.row,
                    tdkt_sheets::org::header_of(list.columns(), &e.field),
                    e.message
                );
            }
            Ok(ExitCode::from(2))
        }
    }
}

async fn import(config: &Config, what: &str, file: &str) -> anyhow::Result<ExitCode> {
    let db = open(config).await?;
    let bytes = std::fs::read(file).with_context(|| format!("không đọc được tệp {file}"))?;
    let table = tdkt_sheets::read_table(&bytes, file).map_err(|e| anyhow::anyhow!("{file}: {e}"))?;
    let total = table.rows.len() as u64;
    let pb = ProgressBar::new(total);
    pb.set_style(
        ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} dòng ({eta})")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    pb.set_message("Đang kiểm tra và ghi");
    let progress = |n: u64| pb.set_position(n);
    let all = |_: &str| true;
    let mut w = db.write(&Actor::system("tdkt import")).await?;
    let (outcome, columns) = match what {
        "units" => {
            let rows = tdkt_sheets::org::unit_rows(&table).map_err(anyhow::Error::msg)?;
            (tdkt_store::import::import_units(&mut w, &rows, &all, &progress).await?, tdkt_sheets::org::UNIT_COLUMNS)
        }
        "people" => {
            let rows = tdkt_sheets::org::person_rows(&table).map_err(anyhow::Error::msg)?;
            (
                tdkt_store::import::import_people(&mut w, &rows, chrono::Utc::now().date_naive(), &all, &progress)
                    .await?,
                tdkt_sheets::org::PERSON_COLUMNS,
            )
        }
        other => {
            let Some(list) = tdkt_sheets::registry::RegistryList::parse(other) else {
                anyhow::bail!(
                    "không biết nhập “{other}”: dùng units, people, awards, ratings, initiatives, discipline hoặc plan"
                );
            };
            pb.finish_and_clear();
            w.rollback().await?;
            return import_registry(&db, list, &table, file).await;
        }
    };
    pb.finish_and_clear();
    match outcome {
        Ok(r) if r.created + r.updated > 0 => {
            w.record(
                "import.cli",
                what,
                None,
                None,
                serde_json::json!({"file": file, "created": r.created, "updated": r.updated}),
            )
            .await?;
            w.commit().await?;
            println!("Đã nhập {file}: thêm mới {}, cập nhật {}.", r.created, r.updated);
            Ok(ExitCode::SUCCESS)
        }
        Ok(_) => {
            w.rollback().await?;
            println!("{file}: không có dòng dữ liệu nào.");
            Ok(ExitCode::from(2))
        }
        Err(errors) => {
            w.rollback().await?;
            println!("{file}: {} lỗi, chưa ghi gì:", errors.len());
            for e in &errors {
                println!("  dòng {}, cột “{}”: {}", e.row, tdkt_sheets::org::header_of(columns, &e.field), e.message);
            }
            Ok(ExitCode::from(2))
        }
    }
}

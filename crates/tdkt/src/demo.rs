//! Loads the demo province (Sơn La, crate `tdkt-demo`) into an empty database, with demo
//! accounts for every role. Demo accounts exist only in a database made here.

use std::collections::HashMap;

use anyhow::{Context, bail};
use tdkt_demo::{PersonSeed, Province, UnitSeed};
use tdkt_domain::authz::Role;
use tdkt_domain::org::{CouncilRole, GroupRole, PersonInput};
use tdkt_store::org::{self, GroupInput};
use tdkt_store::users::{self, NewUser};
use tdkt_store::{Actor, Db, WriteTx};

/// The one password of every demo account.
pub const DEMO_PASSWORD: &str = "tdkt-demo-2026";

/// A demo account: username, display name, home unit code, roles (each granted on a unit code).
pub type DemoUser = (&'static str, &'static str, &'static str, &'static [(Role, &'static str)]);

/// The demo accounts, one or more per role.
pub const DEMO_USERS: &[DemoUser] = &[
    ("quantri", "Quản trị hệ thống", "SNV", &[(Role::Admin, "UBND")]),
    ("chuyenvien", "Chuyên viên Ban TĐKT (Sở Nội vụ)", "SNV", &[(Role::Officer, "UBND")]),
    ("lanhdao", "Lãnh đạo Sở Nội vụ", "SNV", &[(Role::DeptLeader, "UBND")]),
    ("hoidong", "Thành viên Hội đồng TĐKT", "UBND", &[(Role::CouncilMember, "UBND")]),
    ("chutich", "Chủ tịch UBND tỉnh", "UBND", &[(Role::Signer, "UBND"), (Role::CouncilMember, "UBND")]),
    ("canbo.so", "Cán bộ TĐKT Sở Y tế", "SYT", &[(Role::UnitOfficer, "SYT")]),
    ("canbo.xa", "Cán bộ TĐKT xã Mường Bú", "XA-03847", &[(Role::UnitOfficer, "XA-03847")]),
    ("truongkhoi", "Trưởng khối (Sở Tư pháp)", "STP", &[(Role::UnitOfficer, "STP"), (Role::BlockHead, "STP")]),
    ("canbo.stc", "Cán bộ TĐKT Sở Tài chính", "STC", &[(Role::UnitOfficer, "STC")]),
    ("canbo.ttr", "Cán bộ TĐKT Thanh tra tỉnh", "TTR", &[(Role::UnitOfficer, "TTR")]),
];

/// Accounts of the other council members: `hd01`, `hd02`... (one per member, to vote).
pub const COUNCIL_ACCOUNT_PREFIX: &str = "hd";

pub struct Summary {
    pub units: usize,
    pub people: u64,
    pub groups: usize,
    pub council_members: usize,
}

/// Builds the demo province with about `people` staff. Refuses a database that holds data.
pub async fn load(db: &Db, people: usize, progress: &dyn Fn(&str)) -> anyhow::Result<Summary> {
    load_with_files(db, people, progress, None).await
}

/// As [`load`]; with a file store, the demo's dossier on posting also gets its documents (short
/// sample PDFs, marked as such).
pub async fn load_with_files(
    db: &Db,
    people: usize,
    progress: &dyn Fn(&str),
    files: Option<&tdkt_store::files::Blobs>,
) -> anyhow::Result<Summary> {
    if !org::is_empty(db).await? {
        bail!("Cơ sở dữ liệu đã có dữ liệu: `tdkt demo` chỉ nạp vào cơ sở dữ liệu trống");
    }
    let p: Province = tdkt_demo::province(people, 2026);
    let mut w = db.write(&Actor::system("tdkt demo")).await?;
    progress("đơn vị");
    let ids = create_units(&mut w, &p.units).await?;
    for l in &p.lineage {
        org::add_lineage(&mut w, ids[&l.predecessor_code], ids[&l.successor_code], l.kind, l.on, &l.note).await?;
    }
    progress("cán bộ");
    let rows: Vec<(PersonInput, i64)> = p.people.iter().map(|s| (person_input(s.clone()), ids[&s.unit_code])).collect();
    let inserted = org::insert_people_batch(&w, &rows).await?;
    w.record("person.demo_load", "person", None, None, serde_json::json!({"people": inserted})).await?;
    progress("cụm, khối, hội đồng");
    for g in &p.groups {
        let members = g
            .members
            .iter()
            .map(|c| {
                let role = if *c == g.head {
                    GroupRole::Head
                } else if *c == g.deputy {
                    GroupRole::Deputy
                } else {
                    GroupRole::Member
                };
                (c.clone(), role)
            })
            .collect();
        org::create_group(
            &mut w,
            &GroupInput { code: g.code.clone(), name: g.name.clone(), kind: g.kind, year: g.year, members },
        )
        .await?;
    }
    let person_ids = org::person_ids(&w.tx).await?;
    progress("lịch sử khen thưởng");
    load_histories(&mut w, &p, &person_ids, &ids).await?;
    let council_id = org::create_council(&mut w, &p.council.name, p.council.term_start, p.council.term_end).await?;
    for m in &p.council.members {
        org::add_council_member(&mut w, council_id, person_ids[m.person_index], m.role, &m.title).await?;
    }
    progress("tài khoản");
    // The council accounts belong to members: `chutich` to the chair (who presides over the
    // sessions), `hoidong` to the first ordinary member; a ballot is cast as the account's person.
    let member_with =
        |role: CouncilRole| p.council.members.iter().find(|m| m.role == role).map(|m| person_ids[m.person_index]);
    for (username, display, home, grants) in DEMO_USERS {
        let hash = tdkt_web::password::hash(DEMO_PASSWORD).map_err(anyhow::Error::msg)?;
        let person_id = match *username {
            "chutich" => member_with(CouncilRole::Chair),
            "hoidong" => member_with(CouncilRole::Member),
            _ => None,
        };
        let id = users::create_user(
            &mut w,
            &NewUser { username, display_name: display, password_hash: &hash, unit_id: ids[*home], person_id },
        )
        .await?;
        for (role, unit) in *grants {
            users::grant_role(&mut w, id, *role, ids[*unit]).await?;
        }
    }
    // Every other council member gets an account too (hd01, hd02...), so that a session can
    // reach its quorum and vote in the demo.
    let hash = tdkt_web::password::hash(DEMO_PASSWORD).map_err(anyhow::Error::msg)?;
    let linked = [member_with(CouncilRole::Chair), member_with(CouncilRole::Member)];
    let mut n = 0;
    for m in &p.council.members {
        let person = person_ids[m.person_index];
        if linked.contains(&Some(person)) {
            continue;
        }
        n += 1;
        let username = format!("{COUNCIL_ACCOUNT_PREFIX}{n:02}");
        let display = format!("{} (Hội đồng TĐKT)", m.title);
        let id = users::create_user(
            &mut w,
            &NewUser {
                username: &username,
                display_name: &display,
                password_hash: &hash,
                unit_id: ids["UBND"],
                person_id: Some(person),
            },
        )
        .await?;
        users::grant_role(&mut w, id, Role::CouncilMember, ids["UBND"]).await?;
    }
    // No text in force sets the council's quorum or pass ratio (law.md §4.4): the demo province
    // sets its own, as a province does in its council's rules.
    let from = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).context("ngày")?;
    let note = "Giá trị của tỉnh mẫu (quy chế hoạt động của Hội đồng), không phải quy định của pháp luật";
    tdkt_store::registry::set_param_override(&mut w, "council.quorum_ratio", from, Some(0.5), note).await?;
    tdkt_store::registry::set_param_override(&mut w, "council.vote_ratio", from, Some(0.5), note).await?;
    // Reward money rounded up to tens of thousands of đồng, as the repealed NĐ 91/2017 did; the
    // rule in force is not in the notes, so the demo province sets it like its other values.
    let note =
        "Giá trị của tỉnh mẫu (làm tròn như Nghị định 91/2017/NĐ-CP đã hết hiệu lực), cần đối chiếu văn bản hiện hành";
    tdkt_store::registry::set_param_override(&mut w, "reward.round_up_to", from, Some(10_000.0), note).await?;
    org::meta_set(&w, "demo", "Sơn La").await?;
    w.commit().await?;
    progress("hồ sơ đề nghị khen thưởng");
    load_dossiers(db, &ids, files).await?;
    progress("kế hoạch, nhiệm vụ trọng tâm");
    load_plans(db, &ids).await?;
    progress("phong trào, giao ước, chấm điểm");
    load_emulation(db, &ids, files).await?;
    Ok(Summary {
        units: p.units.len(),
        people: inserted,
        groups: p.groups.len(),
        council_members: p.council.members.len(),
    })
}

/// The two rounds of 2026 and the first of 2027 (the seed plan appraises round 1 in March and
/// round 2 in October; the last days for units are the demo's own) and a dossier being prepared by each demo unit
/// officer, with nominees the engine finds eligible for the provincial Bằng khen (no documents
/// yet: attaching them is the unit officer's next step), and a dossier for an order on public
/// posting.
async fn load_dossiers(
    db: &Db,
    ids: &HashMap<String, i64>,
    files: Option<&tdkt_store::files::Blobs>,
) -> anyhow::Result<()> {
    use tdkt_domain::dossier::{DocKind, DossierKind};
    use tdkt_store::dossier::{self, NewDossier, NewNominee};
    use tdkt_store::registry::{self, Holder};
    let engine = tdkt_rules::Engine::builtin()?;
    let day = |m, d| chrono::NaiveDate::from_ymd_opt(2026, m, d).context("ngày của đợt");
    let mut w = db.write(&Actor::system("tdkt demo")).await?;
    dossier::create_round(&mut w, 2026, 1, "Đợt 1 năm 2026", day(2, 27)?).await?;
    let round = dossier::create_round(&mut w, 2026, 2, "Đợt 2 năm 2026", day(9, 30)?).await?;
    let next = chrono::NaiveDate::from_ymd_opt(2027, 2, 26).context("ngày của đợt")?;
    dossier::create_round(&mut w, 2027, 1, "Đợt 1 năm 2027", next).await?;
    w.commit().await?;
    for (unit_code, title) in [
        ("SYT", "Đề nghị tặng Bằng khen của Chủ tịch UBND tỉnh cho cá nhân có thành tích xuất sắc năm 2025"),
        ("XA-03847", "Đề nghị tặng Bằng khen của Chủ tịch UBND tỉnh năm 2025 cho cán bộ xã Mường Bú"),
    ] {
        let unit = org::get_unit(&db.conn, ids[unit_code]).await?;
        let filter = org::PersonFilter {
            unit_path: Some(unit.path.clone()),
            scope: vec![unit.path.clone()],
            ..org::PersonFilter::default()
        };
        let people = org::search_people(db, &filter, 1, 400).await?.items;
        let mut nominees = vec![];
        for p in people {
            let judged = registry::judge(db, &engine, Holder::Person(p.id), "BK_TINH", 2025).await?;
            if let Ok(v) = judged.verdict
                && v.eligible()
            {
                nominees.push((p.id, v));
                if nominees.len() == 3 {
                    break;
                }
            }
        }
        let mut w = db.write(&Actor::system("tdkt demo")).await?;
        let id = dossier::create(
            &mut w,
            &NewDossier {
                unit_id: unit.id,
                round_id: round,
                kind: DossierKind::Regular,
                simplified: false,
                title: title.into(),
            },
        )
        .await?;
        let d = dossier::get(&w.tx, id).await?;
        for (person, v) in nominees {
            let n = NewNominee {
                holder: Holder::Person(person),
                award_code: "BK_TINH".into(),
                year: 2025,
                verdict: "eligible".into(),
                verdict_json: serde_json::to_string(&v)?,
            };
            dossier::add_nominee(&mut w, &d, &n).await?;
        }
        w.commit().await?;
    }
    // A doctor of the provincial hospital proposed for an order, on public posting since the demo
    // was loaded: the public portal lists them and takes comments.
    let unit = org::get_unit(&db.conn, *ids.get("SYT.BVDK-TINH").context("bệnh viện tỉnh của bản demo")?).await?;
    let filter = org::PersonFilter {
        unit_path: Some(unit.path.clone()),
        scope: vec![unit.path.clone()],
        ..org::PersonFilter::default()
    };
    if let Some(p) = org::search_people(db, &filter, 1, 1).await?.items.into_iter().next() {
        use tdkt_domain::dossier::{Action, Status};
        let judged = registry::judge(db, &engine, Holder::Person(p.id), "HCLD3", 2025).await?;
        let (verdict, json) = match &judged.verdict {
            Ok(v) => (if v.eligible() { "eligible" } else { "not_eligible" }, serde_json::to_string(v)?),
            Err(_) => ("unknown", "{}".to_string()),
        };
        let mut w = db.write(&Actor::system("tdkt demo")).await?;
        let id = dossier::create(
            &mut w,
            &NewDossier {
                unit_id: unit.id,
                round_id: round,
                kind: DossierKind::Regular,
                simplified: false,
                title: "Đề nghị tặng Huân chương Lao động hạng Ba cho cá nhân có thành tích xuất sắc".into(),
            },
        )
        .await?;
        let d = dossier::get(&w.tx, id).await?;
        let n = NewNominee {
            holder: Holder::Person(p.id),
            award_code: "HCLD3".into(),
            year: 2025,
            verdict: verdict.into(),
            verdict_json: json,
        };
        dossier::add_nominee(&mut w, &d, &n).await?;
        if let Some(files) = files {
            let who = format!(
                "{} {}, {}, {}",
                if p.gender == "nu" { "Bà" } else { "Ông" },
                p.full_name,
                p.position,
                unit.name
            );
            let body = unit.name.to_uppercase();
            let sample = "(Tài liệu mẫu của bản trình diễn tdkt, không phải văn bản thật.)".to_string();
            let docs = [
                (
                    DocKind::Submission,
                    "To trinh de nghi HCLD hang Ba.pdf",
                    "TỜ TRÌNH\nVề việc đề nghị tặng Huân chương Lao động hạng Ba",
                    vec![
                        "Kính gửi: Hội đồng Thi đua - Khen thưởng tỉnh Sơn La.".to_string(),
                        format!("{} đề nghị Chủ tịch Ủy ban nhân dân tỉnh xem xét, trình Thủ tướng Chính phủ đề nghị Chủ tịch nước tặng Huân chương Lao động hạng Ba cho {who}, đã có thành tích xuất sắc trong công tác.", unit.name),
                        sample.clone(),
                    ],
                ),
                (
                    DocKind::AchievementReport,
                    "Bao cao thanh tich.pdf",
                    "BÁO CÁO THÀNH TÍCH\nĐề nghị tặng Huân chương Lao động hạng Ba",
                    vec![
                        format!("I. Sơ lược lý lịch: {who}."),
                        "II. Thành tích đạt được: hoàn thành xuất sắc nhiệm vụ nhiều năm liền; sáng kiến được công nhận và áp dụng tại đơn vị.".to_string(),
                        "III. Các hình thức đã được khen thưởng: theo sổ khen thưởng của tỉnh.".to_string(),
                        sample.clone(),
                    ],
                ),
                (
                    DocKind::Minutes,
                    "Bien ban binh xet.pdf",
                    "BIÊN BẢN\nHọp Hội đồng Thi đua - Khen thưởng của đơn vị",
                    vec![
                        format!("Hội đồng Thi đua - Khen thưởng {} họp xét và nhất trí đề nghị khen thưởng cho {who}.", unit.name),
                        sample,
                    ],
                ),
            ];
            for (kind, file_name, title, paragraphs) in docs {
                let bytes = tdkt_docs::pdf::note_pdf(&body, title, &paragraphs)?;
                let sha256 = files.put(&bytes).await?;
                let doc = dossier::NewDocument {
                    kind,
                    file_name: file_name.into(),
                    media_type: "application/pdf".into(),
                    size: bytes.len() as i64,
                    sha256,
                };
                dossier::add_document(&mut w, &d, &doc).await?;
            }
        }
        for (action, to) in [
            (Action::Submit, Status::Submitted),
            (Action::StartAppraisal, Status::Appraising),
            (Action::PassToCouncil, Status::Posting),
        ] {
            let d = dossier::get(&w.tx, id).await?;
            dossier::move_to(&mut w, &d, &action, to).await?;
        }
        w.commit().await?;
    }
    Ok(())
}

/// The years of award history the demo holds (the 2026 cycle is under way).
pub const HISTORY_YEARS: std::ops::RangeInclusive<i32> = 2016..=2025;

/// Ratings, titles with their decisions, initiatives, discipline and open matters of every demo person.
async fn load_histories(
    w: &mut WriteTx,
    p: &Province,
    person_ids: &[i64],
    unit_ids: &HashMap<String, i64>,
) -> anyhow::Result<()> {
    use chrono::NaiveDate;
    use tdkt_rules::history::{AwardKind, Level, Rating, WorkKind};
    use tdkt_store::registry::{self, Holder, NewAward, NewDecision, NewInitiative};

    let catalogue = tdkt_rules::Catalogue::builtin();
    let mut ratings = Vec::new();
    let mut awards = Vec::new();
    let mut initiatives = Vec::new();
    let mut decisions: HashMap<(String, i32, &'static str), i64> = HashMap::new();
    let mut issued: HashMap<String, usize> = HashMap::new();
    let date = |y: i32, m: u32, d: u32| NaiveDate::from_ymd_opt(y, m, d).context("ngày quyết định");
    for (i, (seed, &pid)) in p.people.iter().zip(person_ids).enumerate() {
        let h = tdkt_demo::history::history(
            2026,
            i as u64,
            seed.recruited_on,
            *HISTORY_YEARS.start(),
            *HISTORY_YEARS.end(),
        );
        for (y, r) in &h.ratings {
            ratings.push((pid, *y, Rating::parse(r).context("mức đánh giá")?));
        }
        for a in &h.awards {
            // Unit-level titles are decided by the unit (a commune by its People's Committee),
            // the rest by the province or the Prime Minister, once a year each.
            let (issuer, suffix, signed) = match a.code {
                "LDTT" | "CSTD_CS" | "GK" => {
                    // A commune's decisions are its People's Committee's; other units sign with a
                    // short form of their code (SYT.TTYT-KV-THUAN-CHAU → TTYT).
                    let code = &seed.unit_code;
                    let short = code.rsplit('.').next().and_then(|c| c.split('-').next()).unwrap_or(code);
                    let suffix = if code.starts_with("XA-") { "UBND".to_string() } else { short.to_string() };
                    (seed.unit_code.clone(), suffix, date(a.year + 1, 1, 15)?)
                }
                "BK_TTG" => ("TTG".to_string(), "TTg".to_string(), date(a.year + 1, 4, 20)?),
                _ => ("UBND".to_string(), "UBND".to_string(), date(a.year + 1, 2, 25)?),
            };
            let key = (issuer.clone(), a.year, if a.kind == "cong_trang" { "thuong_xuyen" } else { "khac" });
            let decision_id = match decisions.get(&key) {
                Some(id) => *id,
                None => {
                    let n = issued.entry(issuer.clone()).or_default();
                    *n += 1;
                    let n = *n;
                    let number = format!("{}/QĐ-{suffix}", 10 + n * 7 + (a.year as usize % 10));
                    let issuer_name = match issuer.as_str() {
                        "TTG" => "Thủ tướng Chính phủ".to_string(),
                        "UBND" => "Chủ tịch Ủy ban nhân dân tỉnh Sơn La".to_string(),
                        code => p.units.iter().find(|u| u.code == code).map(|u| u.name.clone()).unwrap_or_default(),
                    };
                    let id = registry::ensure_decision(
                        w,
                        &NewDecision {
                            number,
                            signed_on: signed,
                            issuer: issuer_name,
                            signer: String::new(),
                            unit_id: unit_ids.get(&issuer).copied(),
                        },
                    )
                    .await?;
                    decisions.insert(key, id);
                    id
                }
            };
            awards.push(NewAward {
                holder: Holder::Person(pid),
                code: a.code.to_string(),
                year: a.year,
                period_from: (a.code == "CSTD_TINH").then_some(a.year - 2),
                kind: AwardKind::parse(a.kind).context("loại hình khen thưởng")?,
                decision_id: Some(decision_id),
            });
        }
        for x in &h.initiatives {
            initiatives.push(NewInitiative {
                person_id: pid,
                title: x.title.clone(),
                year: x.year,
                level: Level::parse(x.level).context("cấp sáng kiến")?,
                kind: WorkKind::parse(x.kind).context("loại sáng kiến")?,
                recognised_by: "Hội đồng sáng kiến cơ sở".into(),
            });
        }
        for (from, to) in &h.discipline {
            registry::add_discipline(w, Holder::Person(pid), "Khiển trách", *from, *to, "").await?;
        }
        for (kind, opened) in &h.pending {
            registry::add_pending(w, Holder::Person(pid), kind, *opened, "Đang xác minh").await?;
        }
    }
    registry::insert_person_ratings(w, &ratings, "tdkt demo").await?;
    registry::insert_awards(w, catalogue, &awards, "tdkt demo").await?;
    registry::insert_initiatives(w, &initiatives, "tdkt demo").await?;
    Ok(())
}

/// Creates units in the given order (parents first) and returns their ids by code.
pub async fn create_units(w: &mut WriteTx, units: &[UnitSeed]) -> anyhow::Result<HashMap<String, i64>> {
    let mut ids = HashMap::with_capacity(units.len());
    for u in units {
        let id = org::create_unit(w, u).await.with_context(|| format!("đơn vị {}", u.code))?;
        ids.insert(u.code.clone(), id);
    }
    Ok(ids)
}

/// A generated person as the store takes it.
pub fn person_input(s: PersonSeed) -> PersonInput {
    PersonInput {
        full_name: s.full_name,
        gender: s.gender,
        birth_date: Some(s.birth_date),
        ethnicity: s.ethnicity,
        unit_code: s.unit_code,
        position: s.position,
        leadership: s.leadership,
        recruited_on: Some(s.recruited_on),
    }
}

/// The Sơn La 2026 plan as the province wrote it (tab-separated appendix, HTML bold).
const SON_LA_PLAN: &str = include_str!("../../../fixtures/plans/son-la-2026.txt");

/// The province's 2026 plan (the seed plan, as written), with the progress its lead (Sở Nội vụ)
/// and a cooperating unit reported as of 15/11/2026, so the demo is the same whenever it is
/// loaded; and the plan of the block of general bodies derived from it.
async fn load_plans(db: &Db, ids: &HashMap<String, i64>) -> anyhow::Result<()> {
    use chrono::Datelike;
    use tdkt_store::plans;
    let parsed = tdkt_domain::plan::parse(SON_LA_PLAN);
    let mut w = db.write(&Actor::system("tdkt demo")).await?;
    let new = plans::NewPlan {
        parsed: &parsed,
        unit_id: ids["UBND"],
        group_id: None,
        parent_id: None,
        year: None,
        source_name: "Kế hoạch triển khai công tác thi đua, khen thưởng năm 2026 (bản dự thảo chưa số)",
    };
    let plan_id = plans::create(&mut w, &new).await?;
    let (group_id, head) = plans::group_head(db, "KHOI-TH-2026").await?.context("khối tổng hợp")?;
    w.commit().await?;
    let as_of = chrono::NaiveDate::from_ymd_opt(2026, 11, 15).context("ngày")?;
    let tasks = plans::tasks(db, plan_id).await?;
    let mut w = db.write(&Actor::system("tdkt demo")).await?;
    for (i, t) in tasks.iter().enumerate() {
        let Some(lead) = t.lead_unit_id else { continue };
        let deadline = t.due().deadline();
        let (percent, note) = match deadline {
            // One training course slipped: reported at 80 % after its month.
            _ if t.content.starts_with("Tổ chức lớp tập huấn") => {
                (80, "Đã mở lớp cho các sở, ngành; còn lớp cho các xã, phường vùng cao, dời sang tháng 12.")
            }
            Some(d) if d < as_of => (100, "Đã hoàn thành; văn bản lưu tại Sở Nội vụ."),
            Some(_) if t.due_text.starts_with("Xong") => {
                (60, "Đã kiểm tra 9/15 cơ quan, đơn vị theo kế hoạch kiểm tra.")
            }
            Some(d) if d.month() == 11 => (30, "Đang tổng hợp báo cáo của các cơ quan, đơn vị, địa phương."),
            Some(_) => continue,
            None => (50, "Thực hiện thường xuyên trong năm."),
        };
        let r = plans::NewReport { unit_id: lead, percent, note: note.into(), file: None, on: as_of };
        plans::add_report(&mut w, t.id, &r).await?;
        if i == 0 {
            let r = plans::NewReport {
                unit_id: ids["VP-UBND"],
                percent: 100,
                note: "Đã phối hợp thẩm tra dự thảo Chỉ thị trước khi trình ký.".into(),
                file: None,
                on: as_of,
            };
            plans::add_report(&mut w, t.id, &r).await?;
        }
    }
    let block_plan = plans::derive(&mut w, plan_id, group_id, head).await?;
    w.commit().await?;
    let first = plans::tasks(db, block_plan).await?.into_iter().next().context("nhiệm vụ của khối")?;
    let mut w = db.write(&Actor::system("tdkt demo")).await?;
    let r = plans::NewReport {
        unit_id: head,
        percent: 100,
        note: "Khối đã tổng hợp báo cáo của 5 cơ quan thành viên gửi Sở Nội vụ.".into(),
        file: None,
        on: as_of,
    };
    plans::add_report(&mut w, first.id, &r).await?;
    w.commit().await?;
    Ok(())
}

/// The province's 2026 movement (launched, registration by 31/03/2026) with the registrations of
/// two units; the covenant of the block of general bodies signed by three of its five members;
/// the block's score sheet, which four members have scored (Sở Tư pháp, the block head's unit,
/// has not: the browser test does it), and, with a file store for their evidence (a short sample
/// PDF, marked as such), sent; and the province's pass ratio for block votes, which no text in
/// force sets (law.md §4.7).
async fn load_emulation(
    db: &Db,
    ids: &HashMap<String, i64>,
    files: Option<&tdkt_store::files::Blobs>,
) -> anyhow::Result<()> {
    use tdkt_domain::emulation::{MovementKind, MovementStatus, RegStatus};
    use tdkt_store::{emulation as emu, scoring};
    let day = |m, d| chrono::NaiveDate::from_ymd_opt(2026, m, d).context("ngày");
    let mut w = db.write(&Actor::system("tdkt demo")).await?;
    let movement = emu::create_movement(
        &mut w,
        &emu::NewMovement {
            unit_id: ids["UBND"],
            kind: MovementKind::Regular,
            name: "Phong trào thi đua yêu nước năm 2026".into(),
            starts_on: day(1, 1)?,
            ends_on: day(12, 31)?,
            register_by: Some(day(3, 31)?),
            criteria: "Thi đua hoàn thành xuất sắc các chỉ tiêu phát triển kinh tế - xã hội năm 2026.\nĐẩy mạnh cải cách hành chính, chuyển đổi số.\nXây dựng tổ chức đảng, chính quyền, đoàn thể trong sạch, vững mạnh.".into(),
            anniversaries: "Kỷ niệm 136 năm Ngày sinh Chủ tịch Hồ Chí Minh (19/5/1890 - 19/5/2026)\nKỷ niệm 80 năm Ngày Toàn quốc kháng chiến (19/12/1946 - 19/12/2026)".into(),
            group_id: None,
            plan_id: None,
        },
    )
    .await?;
    emu::set_status(&mut w, movement, MovementStatus::Launched).await?;
    let staff = |code: &str| org::person_ids_of_unit(db, ids[code]);
    let syt = staff("SYT").await?;
    let snv = staff("SNV").await?;
    for (code, people, targets, status) in [
        (
            "SYT",
            &syt,
            "Hoàn thành 100% chỉ tiêu khám chữa bệnh được giao; 95% trạm y tế xã đạt chuẩn.",
            RegStatus::Submitted,
        ),
        (
            "SNV",
            &snv,
            "Tham mưu hoàn thành Kế hoạch công tác thi đua, khen thưởng năm 2026 đúng tiến độ.",
            RegStatus::Accepted,
        ),
    ] {
        let mut items: Vec<(Option<i64>, String)> = vec![(None, "TTLDXS".into())];
        items.extend(
            people
                .iter()
                .take(6)
                .enumerate()
                .map(|(i, p)| (Some(*p), if i == 0 { "CSTD_CS" } else { "LDTT" }.to_owned())),
        );
        let reg = emu::save_registration(
            &mut w,
            movement,
            ids[code],
            &emu::RegistrationInput { targets: targets.into(), items },
        )
        .await?;
        emu::set_registration_status(&mut w, reg, RegStatus::Draft, RegStatus::Submitted, "").await?;
        if status == RegStatus::Accepted {
            emu::set_registration_status(&mut w, reg, RegStatus::Submitted, RegStatus::Accepted, "").await?;
        }
    }
    let (group, _) = tdkt_store::plans::group_head(db, "KHOI-TH-2026").await?.context("khối tổng hợp")?;
    let covenant = emu::save_covenant(
        &mut w,
        group,
        "Giao ước thi đua năm 2026 của Khối các cơ quan tổng hợp",
        "Các cơ quan thành viên thi đua hoàn thành xuất sắc nhiệm vụ chính trị được giao năm 2026.\nThực hiện tốt công tác thi đua, khen thưởng; phát hiện, bồi dưỡng và nhân rộng điển hình tiên tiến.\nĐẩy mạnh cải cách hành chính, chuyển đổi số; thực hành tiết kiệm, chống lãng phí.\nXây dựng tổ chức đảng, đoàn thể trong sạch, vững mạnh; nội bộ đoàn kết.",
    )
    .await?;
    for (code, title) in [("STP", "Giám đốc"), ("SNV", "Giám đốc"), ("STC", "Giám đốc")] {
        let leader = org::people_by_ids(db, &staff(code).await?).await?.into_iter().find(|p| p.is_leader());
        let name = leader.map_or_else(|| "Thủ trưởng đơn vị".to_owned(), |p| p.full_name);
        emu::sign(&mut w, covenant, ids[code], &name, title).await?;
    }
    let criteria = tdkt_domain::emulation::parse_criteria(SCORE_SHEET).map_err(|e| anyhow::anyhow!("{e}"))?;
    let sheet = scoring::create_sheet(&mut w, group, "Bảng chấm điểm thi đua năm 2026", &criteria).await?;
    let crits = scoring::criteria(&w.tx, sheet).await?;
    // Points of each member that has sent its own scoring (thousandths), one per criterion.
    let own: [(&str, [i64; 8]); 4] = [
        ("SNV", [38_000, 9_000, 10_000, 9_000, 10_000, 19_000, 3_000, 0]),
        ("STC", [37_000, 9_500, 9_000, 8_500, 9_000, 19_500, 2_000, 1_000]),
        ("VP-UBND", [36_000, 9_000, 9_500, 8_000, 10_000, 18_000, 1_000, 0]),
        ("TTR", [35_500, 8_500, 9_000, 8_500, 9_500, 19_000, 0, 2_000]),
    ];
    for (code, pts) in own {
        let evidence = match files {
            Some(files) => {
                let unit = org::get_unit(&w.tx, ids[code]).await?;
                let bytes = tdkt_docs::pdf::note_pdf(
                    &unit.name.to_uppercase(),
                    "Báo cáo kết quả thực hiện nhiệm vụ năm 2026 (tài liệu mẫu)",
                    &["Tài liệu mẫu của dữ liệu trình diễn: minh chứng kết quả thực hiện các chỉ tiêu, nhiệm vụ được giao năm 2026.".to_owned()],
                )?;
                let sha = files.put(&bytes).await?;
                Some(tdkt_store::files::StoredFile {
                    name: "Bao-cao-ket-qua-nam-2026.pdf".to_owned(),
                    media_type: "application/pdf".to_owned(),
                    size: bytes.len() as i64,
                    sha256: sha,
                })
            }
            None => None,
        };
        let points: Vec<scoring::Points> = crits
            .iter()
            .zip(pts)
            .map(|(c, p)| scoring::Points {
                criterion_id: c.id,
                points: p,
                note: "Theo báo cáo tổng kết năm của đơn vị.".into(),
                file: if c.evidence_required { evidence.clone() } else { None },
            })
            .collect();
        scoring::save(&mut w, sheet, ids[code], scoring::Stage::Own, &points).await?;
        if evidence.is_some() {
            scoring::submit(&mut w, sheet, ids[code]).await?;
        }
    }
    let from = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).context("ngày")?;
    let note = "Giá trị của tỉnh mẫu (quy định bình xét, suy tôn của tỉnh), không phải quy định của pháp luật";
    tdkt_store::registry::set_param_override(&mut w, "block_vote.pass_ratio", from, Some(0.5), note).await?;
    w.commit().await?;
    Ok(())
}

/// The demo block's score sheet (the criteria a province's block uses, with points to adjust).
pub const SCORE_SHEET: &str = "I. Thực hiện nhiệm vụ chính trị được giao
1.1 | Hoàn thành các chỉ tiêu, nhiệm vụ được giao trong năm | 40 | tiêu chí | minh chứng
1.2 | Cải cách hành chính, chuyển đổi số | 10
II. Công tác thi đua, khen thưởng
2.1 | Ban hành kế hoạch, phát động phong trào, đăng ký và ký giao ước thi đua | 10
2.2 | Phát hiện, bồi dưỡng, nhân rộng điển hình tiên tiến | 10
2.3 | Thực hiện chế độ thông tin, báo cáo đúng hạn | 10
III. Xây dựng tổ chức, đoàn thể
3.1 | Tổ chức đảng, đoàn thể trong sạch, vững mạnh; nội bộ đoàn kết | 20
IV. Điểm thưởng, điểm trừ
T.1 | Được khen thưởng đột xuất, có sáng kiến cấp tỉnh | 5 | điểm thưởng
T.2 | Chậm báo cáo, vi phạm quy định bị nhắc nhở | 5 | điểm trừ";

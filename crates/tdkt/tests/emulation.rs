//! Movements, registration, covenants, block scoring and the vote, over HTTP on both databases:
//! a commune registers (on the page and through the Excel template) and the department accepts;
//! a member signs the block's covenant once; the block head's unit scores itself with evidence,
//! the block reviews (a change needs a reason), the department sets the final points; the
//! members vote in secret and the vote's result makes the flag dossier of the leading unit,
//! whose verdict now sees it led its block.

#![allow(clippy::unwrap_used)]

mod common;

use common::{TestApp, backends};
use reqwest::multipart::{Form, Part};
use tdkt_store::scoring;

async fn block(app: &TestApp) -> i64 {
    tdkt_store::plans::group_head(&app.tdb.db, "KHOI-TH-2026").await.unwrap().unwrap().0
}

async fn post(c: &reqwest::Client, url: String, form: &[(&str, &str)]) -> (u16, String) {
    let r = c.post(url).form(form).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

#[tokio::test]
async fn registration_through_the_page_the_template_and_the_department() {
    for b in backends() {
        let app = TestApp::demo(b, 200).await;
        let db = &app.tdb.db;
        let movement = tdkt_store::emulation::movements(db, Some(2026)).await.unwrap().remove(0);
        let xa = app.unit_id("XA-03847").await;
        let (c, csrf) = app.login("canbo.xa").await;
        // The commune sees the launched movement on its dashboard.
        let home = c.get(format!("{}/", app.url)).send().await.unwrap().text().await.unwrap();
        assert!(home.contains("Phong trào thi đua yêu nước năm 2026"), "{b}");
        let url = format!("{}/movements/{}/units/{xa}", app.url, movement.id);
        let person = tdkt_store::org::person_ids_of_unit(db, xa).await.unwrap()[0].to_string();
        let (s, _) =
            post(&c, url.clone(), &[("_csrf", &csrf), ("action", "add"), ("person", &person), ("title", "LDTT")]).await;
        assert_eq!(s, 303, "{b}");
        // A title that is not an emulation title for a person is named.
        let (s, page) =
            post(&c, url.clone(), &[("_csrf", &csrf), ("action", "add"), ("person", &person), ("title", "TTLDXS")])
                .await;
        assert_eq!(s, 200, "{b}");
        assert!(page.contains("không phải danh hiệu thi đua đăng ký được"), "{b}");

        // The Excel template lists the staff; filled and uploaded, it registers them.
        let bytes = c.get(format!("{url}/template.xlsx")).send().await.unwrap().bytes().await.unwrap();
        let table = tdkt_sheets::read_table(&bytes, "mau.xlsx").unwrap();
        let id_col = table.column(&["Mã hệ thống"]).unwrap();
        let title_col = table.column(&["Danh hiệu đăng ký"]).unwrap();
        let mut rows: Vec<Vec<String>> = table.rows.iter().map(|r| r.cells.clone()).collect();
        for r in &mut rows {
            r.resize(5, String::new());
        }
        let added = rows.iter().position(|r| r[id_col] == person).unwrap();
        assert_eq!(rows[added][title_col], "Lao động tiên tiến", "{b}: the template shows what is registered");
        // Two other rows: one good title, one unknown.
        let others: Vec<usize> = (0..rows.len()).filter(|i| *i != added).take(2).collect();
        rows[others[0]][title_col] = "Chiến sĩ thi đua cơ sở".into();
        rows[others[1]][title_col] = "Danh hiệu lạ".into();
        let bad_line = others[1] + 2;
        let headers: Vec<&str> = table.headers.iter().map(String::as_str).collect();
        let bad = tdkt_sheets::write_xlsx("Dang ky", None, &headers, &rows).unwrap();
        let upload = |bytes: Vec<u8>| Form::new().part("file", Part::bytes(bytes).file_name("dang-ky.xlsx"));
        let r = c.post(format!("{url}/upload?_csrf={csrf}")).multipart(upload(bad)).send().await.unwrap();
        assert_eq!(r.status(), 200, "{b}");
        let page = r.text().await.unwrap();
        assert!(page.contains(&format!("Dòng {bad_line}, cột “Danh hiệu đăng ký”")), "{b}: the bad row is named");
        rows[others[1]][title_col].clear();
        let good = tdkt_sheets::write_xlsx("Dang ky", None, &headers, &rows).unwrap();
        let r = c.post(format!("{url}/upload?_csrf={csrf}")).multipart(upload(good)).send().await.unwrap();
        assert_eq!(r.status(), 303, "{b}");
        let reg = tdkt_store::emulation::registration(&db.conn, movement.id, xa).await.unwrap().unwrap();
        let items = tdkt_store::emulation::items(&db.conn, reg.id).await.unwrap();
        assert_eq!(items.len(), 2, "{b}: {items:?}");
        assert!(items.iter().any(|i| i.award_code == "CSTD_CS"
            && i.person_id.map(|p| p.to_string()) == Some(rows[others[0]][id_col].clone())));

        // The collective's title and targets, then sending.
        let (s, _) = post(
            &c,
            url.clone(),
            &[
                ("_csrf", &csrf),
                ("action", "submit"),
                ("collective", "TTLDTT"),
                ("targets", "Hoàn thành 100% chỉ tiêu thu ngân sách."),
            ],
        )
        .await;
        assert_eq!(s, 303, "{b}");
        let reg = tdkt_store::emulation::registration(&db.conn, movement.id, xa).await.unwrap().unwrap();
        assert_eq!(reg.status, "submitted", "{b}");
        // Sent, it no longer changes.
        let (s, page) = post(&c, url.clone(), &[("_csrf", &csrf), ("action", "save"), ("targets", "khác")]).await;
        assert!(s == 200 && page.contains("không sửa được"), "{b}");

        // Another commune's officer may not register it; the block head may not step on a
        // commune outside the block; the department returns it with a reason, then accepts.
        let (so, so_csrf) = app.login("canbo.so").await;
        let (s, _) = post(&so, url.clone(), &[("_csrf", &so_csrf), ("action", "save"), ("targets", "x")]).await;
        assert_eq!(s, 403, "{b}");
        let (head, head_csrf) = app.login("truongkhoi").await;
        let step = format!("{}/registrations/{}/step", app.url, reg.id);
        let (s, _) = post(&head, step.clone(), &[("_csrf", &head_csrf), ("action", "consolidate")]).await;
        assert_eq!(s, 403, "{b}");
        let (office, ocsrf) = app.login("chuyenvien").await;
        let (s, page) = post(&office, step.clone(), &[("_csrf", &ocsrf), ("action", "return")]).await;
        assert!(s == 200 && page.contains("cần ghi lý do trả lại"), "{b}");
        let (s, _) = post(&office, step.clone(), &[("_csrf", &ocsrf), ("action", "accept")]).await;
        assert_eq!(s, 303, "{b}");
        let reg = tdkt_store::emulation::registration(&db.conn, movement.id, xa).await.unwrap().unwrap();
        assert_eq!(reg.status, "accepted", "{b}");
    }
}

#[tokio::test]
async fn the_block_signs_scores_ranks_and_acclaims_its_leading_unit() {
    for b in backends() {
        let app = TestApp::demo(b, 200).await;
        let db = &app.tdb.db;
        let group = block(&app).await;
        let burl = format!("{}/blocks/{group}", app.url);

        // The covenant: a member that has not signed signs once; a unit outside cannot.
        let (ttr, ttr_csrf) = app.login("canbo.ttr").await;
        let ttr_unit = app.unit_id("TTR").await.to_string();
        let sign = [
            ("_csrf", ttr_csrf.as_str()),
            ("unit", &ttr_unit),
            ("signer_name", "Lò Văn Minh"),
            ("signer_title", "Chánh Thanh tra"),
        ];
        assert_eq!(post(&ttr, format!("{burl}/covenant/sign"), &sign).await.0, 303, "{b}");
        let (s, page) = post(&ttr, format!("{burl}/covenant/sign"), &sign).await;
        assert!(s == 200 && page.contains("đã ký giao ước"), "{b}");
        let (so, so_csrf) = app.login("canbo.so").await;
        let syt = app.unit_id("SYT").await.to_string();
        let (s, _) = post(
            &so,
            format!("{burl}/covenant/sign"),
            &[("_csrf", &so_csrf), ("unit", &syt), ("signer_name", "A"), ("signer_title", "B")],
        )
        .await;
        assert_eq!(s, 403, "{b}");
        assert_eq!(so.get(&burl).send().await.unwrap().status(), 403, "{b}: not a member");

        // The four other members send their own scoring (with evidence for the criterion that
        // asks for it); the block head's unit scores itself over HTTP.
        let sheet = scoring::sheet_of_group(&db.conn, group).await.unwrap().unwrap();
        let crits = scoring::criteria(&db.conn, sheet.id).await.unwrap();
        let blobs = tdkt_store::files::Blobs::disk(app.files_dir.clone());
        let sha = blobs.put(b"%PDF-1.4 minh chung").await.unwrap();
        let mut w = db.write(&tdkt_store::Actor::system("thử")).await.unwrap();
        for code in ["SNV", "STC", "VP-UBND", "TTR"] {
            let unit = app.unit_id(code).await;
            let file = Some(tdkt_store::files::StoredFile {
                name: "mc.pdf".to_owned(),
                media_type: "application/pdf".to_owned(),
                size: 19,
                sha256: sha.clone(),
            });
            let points: Vec<scoring::Points> = crits
                .iter()
                .map(|c| scoring::Points {
                    criterion_id: c.id,
                    points: c.max_points / 2,
                    note: String::new(),
                    file: file.clone(),
                })
                .collect();
            scoring::save(&mut w, sheet.id, unit, scoring::Stage::Own, &points).await.unwrap();
            scoring::submit(&mut w, sheet.id, unit).await.unwrap();
        }
        w.commit().await.unwrap();
        let (head, hcsrf) = app.login("truongkhoi").await;
        let stp = app.unit_id("STP").await;
        let surl = format!("{burl}/scores/{stp}?_csrf={hcsrf}");
        let mut form = Form::new().text("action", "submit");
        for c in &crits {
            let p = if c.code == "1.2" { "11".to_owned() } else { tdkt_domain::emulation::format_points(c.max_points) };
            form = form.text(format!("p_{}", c.id), if c.kind == "penalty" { "0".into() } else { p });
        }
        let r = head.post(&surl).multipart(form).send().await.unwrap();
        assert_eq!(r.status(), 200, "{b}");
        let page = r.text().await.unwrap();
        assert!(page.contains("Tiêu chí 1.2: điểm phải từ 0 đến 10"), "{b}: the point over the maximum is named");
        let mut form = Form::new().text("action", "submit");
        for c in &crits {
            let p =
                if c.kind == "penalty" { "0".to_owned() } else { tdkt_domain::emulation::format_points(c.max_points) };
            form = form.text(format!("p_{}", c.id), p);
        }
        let r = head.post(&surl).multipart(form).send().await.unwrap();
        assert_eq!(r.status(), 200, "{b}: 1.1 asks for evidence");
        assert!(r.text().await.unwrap().contains("Tiêu chí 1.1: cần tệp minh chứng"), "{b}");
        let mut form = Form::new().text("action", "submit");
        for c in &crits {
            let p =
                if c.kind == "penalty" { "0".to_owned() } else { tdkt_domain::emulation::format_points(c.max_points) };
            form = form.text(format!("p_{}", c.id), p);
            if c.evidence_required {
                form = form
                    .part(format!("f_{}", c.id), Part::bytes(b"%PDF-1.4 bao cao".to_vec()).file_name("Báo cáo.pdf"));
            }
        }
        assert_eq!(head.post(&surl).multipart(form).send().await.unwrap().status(), 303, "{b}");
        // Another member's officer may not see the head's unit's sheet (the deputy's may).
        assert_eq!(ttr.get(format!("{burl}/scores/{stp}")).send().await.unwrap().status(), 403, "{b}");
        let (stc, stc_csrf) = app.login("canbo.stc").await;

        // The block reviews: a change without a reason is refused; then the department.
        assert_eq!(post(&head, format!("{burl}/sheet/advance"), &[("_csrf", &hcsrf), ("to", "review")]).await.0, 303);
        let snv = app.unit_id("SNV").await;
        let first = &crits[0];
        let rurl = format!("{burl}/scores/{snv}?_csrf={hcsrf}");
        let form = Form::new().text("action", "save").text(format!("p_{}", first.id), "15");
        let r = head.post(&rurl).multipart(form).send().await.unwrap();
        assert!(r.text().await.unwrap().contains("cần ghi lý do"), "{b}");
        let form = Form::new()
            .text("action", "save")
            .text(format!("p_{}", first.id), "15")
            .text(format!("n_{}", first.id), "Minh chứng chưa đủ cho 5 chỉ tiêu");
        assert_eq!(head.post(&rurl).multipart(form).send().await.unwrap().status(), 303, "{b}");
        assert_eq!(post(&head, format!("{burl}/sheet/advance"), &[("_csrf", &hcsrf), ("to", "final")]).await.0, 303);
        // Publishing is the department's.
        assert_eq!(post(&head, format!("{burl}/sheet/advance"), &[("_csrf", &hcsrf), ("to", "closed")]).await.0, 403);
        let (office, ocsrf) = app.login("chuyenvien").await;
        assert_eq!(post(&office, format!("{burl}/sheet/advance"), &[("_csrf", &ocsrf), ("to", "closed")]).await.0, 303);
        let ranking = scoring::ranking(db, &scoring::sheet(&db.conn, sheet.id).await.unwrap()).await.unwrap();
        assert_eq!(ranking[0].unit_id, stp, "{b}: full points rank first");
        assert_eq!(ranking[0].rank, 1);
        let snv_row = ranking.iter().find(|r| r.unit_id == snv).unwrap();
        assert!(snv_row.reviewed < snv_row.own, "{b}: the block's review counts");

        // An account whose home unit heads the block but whose role is on another unit is not
        // the block head.
        let stp_s = stp.to_string();
        let hash = tdkt_web::password::hash(tdkt::demo::DEMO_PASSWORD).unwrap();
        let mut w = db.write(&tdkt_store::Actor::system("thử")).await.unwrap();
        let new = tdkt_store::users::NewUser {
            username: "canbo.syt.stp",
            display_name: "Cán bộ Sở Y tế (biệt phái từ Sở Tư pháp)",
            password_hash: &hash,
            unit_id: stp,
            person_id: None,
        };
        let uid = tdkt_store::users::create_user(&mut w, &new).await.unwrap();
        let syt_id = app.unit_id("SYT").await;
        tdkt_store::users::grant_role(&mut w, uid, tdkt_domain::authz::Role::UnitOfficer, syt_id).await.unwrap();
        w.commit().await.unwrap();
        let (other, other_csrf) = app.login("canbo.syt.stp").await;
        assert_eq!(
            post(&other, format!("{burl}/vote"), &[("_csrf", &other_csrf), ("flag", &stp_s)]).await.0,
            403,
            "{b}"
        );

        // The vote: the head opens it; members vote once each; nothing is counted before close.
        assert_eq!(post(&head, format!("{burl}/vote"), &[("_csrf", &hcsrf), ("flag", &stp_s)]).await.0, 303, "{b}");
        let vote = scoring::vote_of_group(&db.conn, group).await.unwrap().unwrap();
        let item = scoring::vote_items(&db.conn, vote.id).await.unwrap().remove(0);
        let choice = format!("item_{}", item.id);
        assert_eq!(
            post(&head, format!("{burl}/vote/ballot"), &[("_csrf", &hcsrf), ("unit", &stp_s), (&choice, "agree")])
                .await
                .0,
            303
        );
        let (s, page) =
            post(&head, format!("{burl}/vote/ballot"), &[("_csrf", &hcsrf), ("unit", &stp_s), (&choice, "agree")])
                .await;
        assert!(s == 200 && page.contains("mỗi đơn vị chỉ bỏ một phiếu"), "{b}");
        let snv_s = snv.to_string();
        assert_eq!(
            post(&office, format!("{burl}/vote/ballot"), &[("_csrf", &ocsrf), ("unit", &snv_s), (&choice, "agree")])
                .await
                .0,
            303
        );
        // An officer votes only for a unit of theirs.
        let (s, _) =
            post(&ttr, format!("{burl}/vote/ballot"), &[("_csrf", &ttr_csrf), ("unit", &snv_s), (&choice, "agree")])
                .await;
        assert_eq!(s, 403, "{b}");
        let stc_s = app.unit_id("STC").await.to_string();
        assert_eq!(
            post(&stc, format!("{burl}/vote/ballot"), &[("_csrf", &stc_csrf), ("unit", &stc_s), (&choice, "agree")])
                .await
                .0,
            303
        );
        let page = head.get(&burl).send().await.unwrap().text().await.unwrap();
        assert!(page.contains("3/5") && !page.contains("vote-result"), "{b}: the count waits for the close");
        assert_eq!(post(&ttr, format!("{burl}/vote/close"), &[("_csrf", &ttr_csrf)]).await.0, 403, "{b}");
        assert_eq!(post(&head, format!("{burl}/vote/close"), &[("_csrf", &hcsrf)]).await.0, 303, "{b}");

        // 3 of 5 agree, at least half: the flag dossier is made for Sở Tư pháp, and its
        // verdict sees that it led its block in 2026.
        let item = scoring::vote_items(&db.conn, vote.id).await.unwrap().remove(0);
        assert_eq!((item.agree, item.passed), (Some(3), Some(true)), "{b}");
        let dossier = item.dossier_id.expect("a dossier for the passed proposal");
        let d = tdkt_store::dossier::get(&db.conn, dossier).await.unwrap();
        assert_eq!(d.unit_id, stp, "{b}");
        let nominees = tdkt_store::dossier::nominees(&db.conn, dossier).await.unwrap();
        assert_eq!((nominees[0].award_code.as_str(), nominees[0].verdict.as_str()), ("CO_TD_TINH", "eligible"), "{b}");
        let page = head.get(format!("{}/dossiers/{dossier}", app.url)).send().await.unwrap();
        assert_eq!(page.status(), 200, "{b}");
    }
}

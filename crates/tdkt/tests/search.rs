//! Person search against a brute-force reading of the same data: every plan of the search
//! (word or pair range, broad name-order sample, the person table) must return exactly the
//! people whose folded name has each query word as a whole word (the last may only start one),
//! in Vietnamese order.

#![allow(clippy::unwrap_used)]

mod common;

use common::{TestDb, backends};
use tdkt_domain::text;
use tdkt_store::org::{self, PersonFilter};

#[tokio::test]
async fn every_search_plan_agrees_with_brute_force() {
    for b in backends() {
        let tdb = TestDb::new(b).await;
        tdkt::demo::load(&tdb.db, 3000, &|_| {}).await.unwrap();
        let root = org::find_unit_by_code(&tdb.db.conn, "UBND").await.unwrap().unwrap();
        let snv = org::find_unit_by_code(&tdb.db.conn, "SNV").await.unwrap().unwrap();
        let everyone =
            org::export_people(&tdb.db, &PersonFilter { scope: vec![root.path.clone()], ..Default::default() })
                .await
                .unwrap();
        assert!(everyone.len() >= 3000);
        let queries = [
            "nguyen thi huong",
            "huong",
            "huon",
            "thi",
            "van",
            "lo van",
            "nguyen",
            "ha",
            "tran thanh ha",
            "giang a",
            "dang",
            "đặng",
            "ĐIÊU",
            "vi thi",
            "xuan",
            "a",
            "zzz",
            "thi van",
        ];
        for q in queries {
            let terms = text::query_terms(q);
            let mut expected: Vec<(String, i64)> = everyone
                .iter()
                .filter(|p| {
                    // Every word but the last must be a whole word; the last may start one.
                    let words: Vec<String> = text::fold(&p.full_name).split(' ').map(str::to_owned).collect();
                    terms.iter().enumerate().all(|(i, t)| {
                        if i + 1 == terms.len() {
                            words.iter().any(|w| w.starts_with(t.as_str()))
                        } else {
                            words.iter().any(|w| w == t)
                        }
                    })
                })
                .map(|p| (text::person_sort_key(&p.full_name), p.id))
                .collect();
            expected.sort();
            let expected: Vec<i64> = expected.into_iter().map(|(_, id)| id).collect();
            for (scope, unit_path) in [(root.path.clone(), None), (snv.path.clone(), Some(snv.path.clone()))] {
                let f = PersonFilter {
                    q: Some(q.into()),
                    scope: vec![scope.clone()],
                    unit_path: unit_path.clone(),
                    ..Default::default()
                };
                let want: Vec<i64> = match &unit_path {
                    None => expected.clone(),
                    Some(p) => expected
                        .iter()
                        .copied()
                        .filter(|id| everyone.iter().any(|e| e.id == *id && e.unit_path.starts_with(p.as_str())))
                        .collect(),
                };
                for limits in [
                    org::SearchLimits::default(),
                    org::SearchLimits { selective: 20, broad_sample: 300, exact_count: 30 },
                ] {
                    let first = org::search_people_with(&tdb.db, &f, 1, 50, limits).await.unwrap();
                    let got: Vec<i64> = first.items.iter().map(|p| p.id).collect();
                    assert_eq!(
                        got,
                        want.iter().copied().take(50).collect::<Vec<_>>(),
                        "{b}: “{q}” in {scope}: first page"
                    );
                    if first.total_capped {
                        assert!(
                            want.len() as u64 > first.total,
                            "{b}: “{q}”: a capped count says “more than”, truthfully"
                        );
                    } else {
                        assert_eq!(first.total, want.len() as u64, "{b}: “{q}” in {scope}: count");
                        let second = org::search_people_with(&tdb.db, &f, 2, 50, limits).await.unwrap();
                        let got2: Vec<i64> = second.items.iter().map(|p| p.id).collect();
                        assert_eq!(
                            got2,
                            want.iter().copied().skip(50).take(50).collect::<Vec<_>>(),
                            "{b}: “{q}”: second page"
                        );
                    }
                }
            }
        }
    }
}

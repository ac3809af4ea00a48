//! The table of eligibility cases in `cases.json`: each names an award, a year and a history, and
//! the verdict expected (overall and per route), or the error expected.

use chrono::NaiveDate;
use serde::Deserialize;
use tdkt_rules::{Engine, History, Outcome};

#[derive(Deserialize)]
struct Case {
    name: String,
    award: String,
    year: i32,
    history: serde_json::Value,
    #[serde(default)]
    on: Option<NaiveDate>,
    #[serde(default)]
    params: Option<String>,
    #[serde(default)]
    result: Option<Outcome>,
    #[serde(default)]
    routes: Option<Vec<bool>>,
    #[serde(default)]
    rule_set: Option<String>,
    /// Text that must appear in some condition's detail (or in the error).
    #[serde(default)]
    detail: Option<String>,
    #[serde(default)]
    error: Option<String>,
}

#[test]
fn the_case_table() {
    let cases: Vec<Case> = serde_json::from_str(include_str!("cases.json")).unwrap();
    assert!(cases.len() >= 40, "the issue asks for at least 40 cases");
    let base = Engine::builtin().unwrap();
    let mut failures = Vec::new();
    for c in &cases {
        let engine = match &c.params {
            Some(p) => base.clone().with_params(base.params.with_overrides_toml(p).unwrap()),
            None => base.clone(),
        };
        let outcome = serde_json::from_value::<History>(c.history.clone())
            .map_err(|e| e.to_string())
            .and_then(|h| engine.check(&h, &c.award, c.year, c.on).map_err(|e| e.to_string()));
        let problem = match (&c.error, outcome) {
            (Some(want), Err(got)) if got.contains(want.as_str()) => None,
            (Some(want), Err(got)) => Some(format!("error “{got}” does not mention “{want}”")),
            (Some(want), Ok(v)) => Some(format!("expected an error about “{want}”, got {:?}", v.result)),
            (None, Err(e)) => Some(format!("unexpected error: {e}")),
            (None, Ok(v)) => {
                let routes: Vec<bool> = v.routes.iter().map(|r| r.eligible).collect();
                let details: Vec<&str> =
                    v.routes.iter().flat_map(|r| r.conditions.iter().map(|c| c.detail.as_str())).collect();
                if Some(v.result) != c.result {
                    Some(format!(
                        "result {:?}, expected {:?}\n{}",
                        v.result,
                        c.result,
                        serde_json::to_string_pretty(&v).unwrap()
                    ))
                } else if c.routes.as_ref().is_some_and(|want| *want != routes) {
                    Some(format!(
                        "routes {routes:?}, expected {:?}\n{}",
                        c.routes,
                        serde_json::to_string_pretty(&v).unwrap()
                    ))
                } else if c.rule_set.as_ref().is_some_and(|want| *want != v.rule_set) {
                    Some(format!("rule set {}, expected {:?}", v.rule_set, c.rule_set))
                } else if c.detail.as_ref().is_some_and(|want| !details.iter().any(|d| d.contains(want.as_str()))) {
                    Some(format!("no detail mentions {:?}: {details:?}", c.detail))
                } else {
                    None
                }
            }
        };
        if let Some(p) = problem {
            failures.push(format!("{}: {p}", c.name));
        }
    }
    assert!(failures.is_empty(), "{} of {} cases failed:\n{}", failures.len(), cases.len(), failures.join("\n\n"));
}

#[test]
fn a_route_of_judgements_alone_is_never_eligible_and_every_condition_cites_its_article() {
    let engine = Engine::builtin().unwrap();
    let h: History = serde_json::from_str(r#"{"subject": {"kind": "individual"}}"#).unwrap();
    let v = engine.check(&h, "BK_TTG", 2025, None).unwrap();
    assert_eq!(v.result, Outcome::NotEligible);
    assert!(v.routes.iter().all(|r| !r.eligible));
    for r in &v.routes {
        for c in &r.conditions {
            assert!(!c.basis.is_empty() && !c.text.is_empty(), "{c:?}");
        }
    }
}

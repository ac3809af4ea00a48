use super::*;
use crate::authz::Role;

fn who(role: Role) -> Who {
    Who { role, over_unit: true, chair: false }
}

fn ready() -> Facts {
    Facts { missing: vec![], nominees: 2, needs_posting: false, decided_above: false, council_passed: true }
}

fn ret(reason: &str) -> Action {
    Action::Return { reason: reason.into() }
}

#[test]
fn a_dossier_walks_from_draft_to_decision() {
    let f = ready();
    let mut s = Status::Draft;
    for (action, by, to) in [
        (Action::Submit, who(Role::UnitOfficer), Status::Submitted),
        (Action::StartAppraisal, who(Role::Officer), Status::Appraising),
        (ret("Thiếu biên bản bình xét có chữ ký"), who(Role::Officer), Status::Returned),
        (Action::Submit, who(Role::UnitOfficer), Status::Submitted),
        (Action::StartAppraisal, who(Role::Officer), Status::Appraising),
        (Action::PassToCouncil, who(Role::Officer), Status::Council),
        (Action::CloseVote, Who { role: Role::CouncilMember, over_unit: true, chair: true }, Status::Voted),
        (Action::Decide, who(Role::Signer), Status::Decided),
    ] {
        s = transition(s, &action, by, &f).unwrap_or_else(|e| panic!("{action:?} from {s:?}: {e}"));
        assert_eq!(s, to, "{action:?}");
    }
    assert!(s.is_final());
}

#[test]
fn posting_and_higher_authorities_take_their_own_paths() {
    let f = Facts { needs_posting: true, decided_above: true, ..ready() };
    let o = who(Role::Officer);
    assert_eq!(transition(Status::Appraising, &Action::PassToCouncil, o, &f), Ok(Status::Posting));
    assert_eq!(transition(Status::Posting, &Action::EndPosting, o, &f), Ok(Status::Council));
    let e = transition(Status::Voted, &Action::Decide, who(Role::Signer), &f).unwrap_err();
    assert!(e.0.contains("cấp trên"), "{e}");
    assert_eq!(transition(Status::Voted, &Action::Forward, o, &f), Ok(Status::Forwarded));
    assert_eq!(forwarded_outcome(Status::Forwarded, true, o), Ok(Status::Decided));
    assert_eq!(forwarded_outcome(Status::Forwarded, false, o), Ok(Status::Refused));
    assert!(forwarded_outcome(Status::Voted, true, o).is_err());
    assert!(forwarded_outcome(Status::Forwarded, true, who(Role::UnitOfficer)).is_err());
    // Within the province's authority there is nothing to forward.
    assert!(transition(Status::Voted, &Action::Forward, o, &ready()).is_err());
}

#[test]
fn refusals_name_the_reason_and_change_nothing() {
    let f = ready();
    let unit = who(Role::UnitOfficer);
    let office = who(Role::Officer);
    let cases: Vec<(Status, Action, Who, Facts, &str)> = vec![
        // Missing documents are named.
        (
            Status::Draft,
            Action::Submit,
            unit,
            Facts { missing: vec![DocKind::Minutes], ..ready() },
            "Biên bản bình xét",
        ),
        (Status::Draft, Action::Submit, unit, Facts { nominees: 0, ..ready() }, "chưa có người"),
        // Another unit's officer.
        (Status::Draft, Action::Submit, Who { over_unit: false, ..unit }, f.clone(), "của đơn vị"),
        // Submitting twice.
        (Status::Submitted, Action::Submit, unit, f.clone(), "Đã gửi"),
        // A unit cannot appraise, return, pass on or refuse.
        (Status::Submitted, Action::StartAppraisal, unit, f.clone(), "chuyên viên"),
        (Status::Appraising, ret("x"), unit, f.clone(), "chuyên viên"),
        (Status::Appraising, Action::PassToCouncil, unit, f.clone(), "chuyên viên"),
        (Status::Appraising, Action::Refuse { reason: "x".into() }, unit, f.clone(), "chuyên viên"),
        // Reasons are required.
        (Status::Appraising, ret("  "), office, f.clone(), "lý do"),
        (Status::Appraising, Action::Refuse { reason: String::new() }, office, f.clone(), "lý do"),
        // Order of steps.
        (Status::Draft, Action::StartAppraisal, office, f.clone(), "Đang soạn"),
        (Status::Submitted, Action::PassToCouncil, office, f.clone(), "Đã gửi"),
        (Status::Council, Action::Decide, who(Role::Signer), f.clone(), "Trình Hội đồng"),
        (Status::Appraising, Action::Withdraw, unit, f.clone(), "Đang thẩm định"),
        (Status::Posting, Action::CloseVote, who(Role::CouncilMember), f.clone(), "công khai"),
        // Only the chair closes a vote; only a signer signs.
        (Status::Council, Action::CloseVote, who(Role::CouncilMember), f.clone(), "người chủ trì"),
        (Status::Voted, Action::Decide, office, f.clone(), "thẩm quyền"),
        (Status::Voted, Action::Decide, Who { over_unit: false, ..who(Role::Signer) }, f.clone(), "thẩm quyền"),
        (
            Status::Voted,
            Action::Decide,
            who(Role::Signer),
            Facts { council_passed: false, ..ready() },
            "không thông qua",
        ),
        // The office returns or refuses; it does not act in the unit's name.
        (Status::Submitted, Action::Withdraw, office, f.clone(), "đơn vị"),
        (Status::Returned, Action::Submit, office, f.clone(), "của đơn vị"),
        // Administrators do not take part; finished dossiers stay finished.
        (Status::Submitted, Action::StartAppraisal, who(Role::Admin), f.clone(), "Quản trị"),
        (Status::Decided, ret("x"), office, f.clone(), "đã kết thúc"),
        (Status::Withdrawn, Action::Submit, unit, f.clone(), "đã kết thúc"),
        (Status::Refused, Action::Submit, unit, f.clone(), "đã kết thúc"),
    ];
    for (s, a, w, facts, text) in cases {
        let e = transition(s, &a, w, &facts).expect_err(&format!("{a:?} from {s:?} by {w:?}"));
        assert!(e.0.contains(text), "{a:?} from {s:?}: “{e}” should say “{text}”");
    }
}

#[test]
fn every_state_and_action_is_decided_without_panicking() {
    let actions = [
        Action::Submit,
        Action::Withdraw,
        Action::StartAppraisal,
        ret("lý do"),
        Action::Refuse { reason: "lý do".into() },
        Action::PassToCouncil,
        Action::EndPosting,
        Action::CloseVote,
        Action::Decide,
        Action::Forward,
    ];
    let mut allowed = 0;
    for s in Status::ALL {
        assert_eq!(Status::parse(s.code()), Some(s));
        for a in &actions {
            for role in Role::ALL {
                for over_unit in [false, true] {
                    let w = Who { role: *role, over_unit, chair: true };
                    if let Ok(to) = transition(s, a, w, &ready()) {
                        allowed += 1;
                        assert_ne!(to, s, "{a:?} from {s:?} moves the dossier");
                        assert!(!s.is_final());
                    }
                }
            }
        }
    }
    assert!(allowed > 10);
}

#[test]
fn documents_follow_articles_84_and_85() {
    let title = Proposes { title: true, emulation_fighter: true, simplified: false };
    let docs: Vec<DocKind> = required_documents(title).into_iter().map(|d| d.0).collect();
    assert_eq!(
        docs,
        [DocKind::Submission, DocKind::AchievementReport, DocKind::Minutes, DocKind::InitiativeCertificate]
    );
    assert!(required_documents(title).iter().all(|d| d.1.contains("Điều 84 khoản 1")));
    let form = Proposes::default();
    assert!(required_documents(form).iter().all(|d| d.1.contains("Điều 84 khoản 2")));
    assert_eq!(required_documents(form).len(), 3);
    let simple = Proposes { simplified: true, ..title };
    assert_eq!(
        missing_documents(simple, &[DocKind::Submission]),
        [DocKind::AchievementReport],
        "the simplified procedure asks for the submission and a short report only"
    );
    assert!(DossierKind::LongService.always_simplified() && !DossierKind::Regular.always_simplified());
    for k in DossierKind::ALL {
        assert_eq!(DossierKind::parse(k.code()), Some(k));
    }
    for d in DocKind::ALL {
        assert_eq!(DocKind::parse(d.code()), Some(d));
    }
    assert_eq!(DocKind::parse("to trinh de nghi khen thuong"), Some(DocKind::Submission));
    assert_eq!(Status::parse("TRẢ LẠI ĐỂ BỔ SUNG"), Some(Status::Returned));
}

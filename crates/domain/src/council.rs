//! The council's vote on nominees (law.md §4.4): a secret ballot, one vote per member and
//! nominee, results hidden until the session is closed, and the quorum and pass threshold as the
//! province's parameters. No text in force that sets those two figures was found, so nothing
//! here assumes one: a session cannot be closed while either is unset.

use serde::{Deserialize, Serialize};

/// A member's choice on one nominee.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Choice {
    Yes,
    No,
}

impl Choice {
    pub const ALL: [Choice; 2] = [Choice::Yes, Choice::No];

    pub fn code(self) -> &'static str {
        match self {
            Choice::Yes => "dong_y",
            Choice::No => "khong_dong_y",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Choice::Yes => "Đồng ý",
            Choice::No => "Không đồng ý",
        }
    }

    pub fn parse(s: &str) -> Option<Choice> {
        Choice::ALL.into_iter().find(|c| c.code() == s.trim())
    }
}

/// The province's figures for a session, read on the day it meets.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Thresholds {
    /// Share of the council's members that must be present (`council.quorum_ratio`).
    pub quorum_ratio: Option<f64>,
    /// Share of the members present whose "yes" a nominee needs (`council.vote_ratio`).
    pub vote_ratio: Option<f64>,
}

/// Why a session cannot be closed yet.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct NotYet(pub String);

/// Checks that a session may be closed: both figures set and the quorum reached. A member present
/// who did not vote on a nominee simply gives no "yes" (the minutes count them apart).
pub fn may_close(t: Thresholds, members: usize, present: usize) -> Result<(f64, f64), NotYet> {
    let Some(quorum) = t.quorum_ratio else {
        return Err(NotYet(
            "Tỉnh chưa đặt tỷ lệ thành viên có mặt để phiên họp hợp lệ (tham số council.quorum_ratio, trang Danh mục, quy tắc, tham số)"
                .into(),
        ));
    };
    let Some(vote) = t.vote_ratio else {
        return Err(NotYet(
            "Tỉnh chưa đặt tỷ lệ phiếu đồng ý để Hội đồng đề nghị khen thưởng (tham số council.vote_ratio, trang Danh mục, quy tắc, tham số)"
                .into(),
        ));
    };
    if members == 0 || present == 0 {
        return Err(NotYet("Chưa ghi nhận thành viên nào có mặt".into()));
    }
    if (present as f64) < quorum * members as f64 - 1e-9 {
        return Err(NotYet(format!(
            "Chưa đủ số thành viên có mặt: {present}/{members}, cần ít nhất {}",
            (quorum * members as f64 - 1e-9).ceil()
        )));
    }
    Ok((quorum, vote))
}

/// Whether a nominee passes: "yes" ballots at least `vote_ratio` of the members present.
pub fn passes(yes: usize, present: usize, vote_ratio: f64) -> bool {
    present > 0 && yes as f64 >= vote_ratio * present as f64 - 1e-9
}

#[cfg(test)]
mod tests {
    use super::*;

    const SET: Thresholds = Thresholds { quorum_ratio: Some(2.0 / 3.0), vote_ratio: Some(0.5) };

    #[test]
    fn nothing_is_assumed_when_the_province_has_not_set_the_figures() {
        let unset = Thresholds { quorum_ratio: None, vote_ratio: Some(0.5) };
        assert!(may_close(unset, 15, 15).unwrap_err().0.contains("council.quorum_ratio"));
        let unset = Thresholds { quorum_ratio: Some(0.5), vote_ratio: None };
        assert!(may_close(unset, 15, 15).unwrap_err().0.contains("council.vote_ratio"));
    }

    #[test]
    fn the_quorum_is_needed() {
        // 2/3 of 15 is 10.
        assert!(may_close(SET, 15, 9).unwrap_err().0.contains("9/15, cần ít nhất 10"));
        assert_eq!(may_close(SET, 15, 10), Ok((2.0 / 3.0, 0.5)));
        assert!(may_close(SET, 15, 0).is_err());
    }

    #[test]
    fn a_nominee_passes_at_the_threshold_and_not_below() {
        assert!(passes(5, 10, 0.5));
        assert!(!passes(4, 10, 0.5));
        assert!(passes(7, 10, 2.0 / 3.0));
        assert!(!passes(6, 10, 2.0 / 3.0));
        assert!(!passes(0, 0, 0.5));
    }

    #[test]
    fn choices_round_trip() {
        for c in Choice::ALL {
            assert_eq!(Choice::parse(c.code()), Some(c));
        }
        assert_eq!(Choice::parse("có"), None);
    }
}

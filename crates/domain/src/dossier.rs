//! Nomination dossiers (hồ sơ đề nghị khen thưởng): their kinds, the documents the law asks for,
//! and the lifecycle as a state machine. A transition that the current state, the role or the
//! facts do not allow is refused with a message in Vietnamese and changes nothing: callers apply
//! the returned state only on `Ok`.
//!
//! The documents follow Law Đ84 (k1 for emulation titles, k2 for forms of commendation) and the
//! simplified procedure of Law Đ85 / NĐ 98/2023 Đ40 (law.md §3.3, §4.2). The flow follows law.md
//! §4.1: the unit submits, the commendation office appraises (returning for supplement or
//! refusing), nominees that need it are posted publicly (§4.3), the council votes, the decision is
//! signed; awards decided higher up leave the province and their outcome is entered afterwards.

use serde::{Deserialize, Serialize};

use crate::authz::Role;
use crate::text;

/// The value of `all` whose code or label is `s`, ignoring case and diacritics.
fn by_code_or_label<T: Copy>(
    all: &[T],
    s: &str,
    code: fn(T) -> &'static str,
    label: fn(T) -> &'static str,
) -> Option<T> {
    let f = text::fold(s);
    all.iter().copied().find(|x| text::fold(code(*x)) == f || text::fold(label(*x)) == f)
}

/// The kind of a dossier (law.md §3.1, §3.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DossierKind {
    /// Thường xuyên: the yearly round, by achievements (công trạng).
    Regular,
    /// Theo chuyên đề / theo đợt: at the review of a movement.
    Thematic,
    /// Đột xuất.
    AdHoc,
    /// Quá trình cống hiến, niên hạn.
    LongService,
    /// Đối ngoại.
    Foreign,
}

impl DossierKind {
    pub const ALL: [DossierKind; 5] = [
        DossierKind::Regular,
        DossierKind::Thematic,
        DossierKind::AdHoc,
        DossierKind::LongService,
        DossierKind::Foreign,
    ];

    pub fn code(self) -> &'static str {
        match self {
            DossierKind::Regular => "thuong_xuyen",
            DossierKind::Thematic => "chuyen_de",
            DossierKind::AdHoc => "dot_xuat",
            DossierKind::LongService => "cong_hien",
            DossierKind::Foreign => "doi_ngoai",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            DossierKind::Regular => "Thường xuyên (công trạng)",
            DossierKind::Thematic => "Theo chuyên đề, theo đợt",
            DossierKind::AdHoc => "Đột xuất",
            DossierKind::LongService => "Quá trình cống hiến, niên hạn",
            DossierKind::Foreign => "Đối ngoại",
        }
    }

    pub fn parse(s: &str) -> Option<DossierKind> {
        by_code_or_label(&DossierKind::ALL, s, DossierKind::code, DossierKind::label)
    }

    /// Kinds the simplified procedure always applies to (Law Đ85 k1, cases 2 and 4); an ad-hoc
    /// award qualifies when the achievement is outstanding, which a person decides.
    pub fn always_simplified(self) -> bool {
        matches!(self, DossierKind::LongService | DossierKind::Foreign)
    }
}

/// A typed document of a dossier (law.md §4.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocKind {
    /// Tờ trình đề nghị.
    Submission,
    /// Báo cáo thành tích (báo cáo tóm tắt thành tích under the simplified procedure).
    AchievementReport,
    /// Biên bản bình xét thi đua / biên bản xét khen thưởng.
    Minutes,
    /// Xác nhận sáng kiến, đề tài khoa học của cấp có thẩm quyền.
    InitiativeCertificate,
    /// Tài liệu khác.
    Other,
}

impl DocKind {
    pub const ALL: [DocKind; 5] = [
        DocKind::Submission,
        DocKind::AchievementReport,
        DocKind::Minutes,
        DocKind::InitiativeCertificate,
        DocKind::Other,
    ];

    pub fn code(self) -> &'static str {
        match self {
            DocKind::Submission => "to_trinh",
            DocKind::AchievementReport => "bao_cao_thanh_tich",
            DocKind::Minutes => "bien_ban",
            DocKind::InitiativeCertificate => "xac_nhan_sang_kien",
            DocKind::Other => "khac",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            DocKind::Submission => "Tờ trình đề nghị khen thưởng",
            DocKind::AchievementReport => "Báo cáo thành tích",
            DocKind::Minutes => "Biên bản bình xét, xét khen thưởng",
            DocKind::InitiativeCertificate => "Xác nhận sáng kiến, đề tài khoa học",
            DocKind::Other => "Tài liệu khác",
        }
    }

    pub fn parse(s: &str) -> Option<DocKind> {
        by_code_or_label(&DocKind::ALL, s, DocKind::code, DocKind::label)
    }
}

/// What a dossier proposes, as far as its documents depend on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Proposes {
    /// Some nominee is proposed for an emulation title (Law Đ84 k1) rather than only forms of
    /// commendation (k2).
    pub title: bool,
    /// Some nominee is proposed for CSTĐCS, CSTĐ of the province or CSTĐTQ, whose dossier needs
    /// the certification of an initiative or science work (Đ84 k1 point d).
    pub emulation_fighter: bool,
    /// The simplified procedure applies (Law Đ85).
    pub simplified: bool,
}

/// The documents the law requires for a dossier, with the article they come from.
pub fn required_documents(p: Proposes) -> Vec<(DocKind, &'static str)> {
    if p.simplified {
        return vec![
            (DocKind::Submission, "Điều 85 Luật TĐKT 2022; Điều 40 Nghị định 98/2023/NĐ-CP"),
            (DocKind::AchievementReport, "Điều 85 Luật TĐKT 2022 (báo cáo tóm tắt thành tích)"),
        ];
    }
    let k = if p.title { "Điều 84 khoản 1 Luật TĐKT 2022" } else { "Điều 84 khoản 2 Luật TĐKT 2022" };
    let mut docs = vec![(DocKind::Submission, k), (DocKind::AchievementReport, k), (DocKind::Minutes, k)];
    if p.emulation_fighter {
        docs.push((DocKind::InitiativeCertificate, "Điều 84 khoản 1 Luật TĐKT 2022"));
    }
    docs
}

/// The documents required and not attached.
pub fn missing_documents(p: Proposes, attached: &[DocKind]) -> Vec<DocKind> {
    required_documents(p).into_iter().map(|(d, _)| d).filter(|d| !attached.contains(d)).collect()
}

/// Where a dossier is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Đang soạn: the unit is preparing it.
    Draft,
    /// Đã gửi: waiting for the commendation office.
    Submitted,
    /// Trả lại để bổ sung: back with the unit, with reasons.
    Returned,
    /// Đang thẩm định.
    Appraising,
    /// Đang công khai lấy ý kiến.
    Posting,
    /// Trình Hội đồng TĐKT.
    Council,
    /// Hội đồng đã bỏ phiếu.
    Voted,
    /// Đã trình cấp trên (Thủ tướng, Chủ tịch nước) and waiting for their decision.
    Forwarded,
    /// Đã có quyết định khen thưởng.
    Decided,
    /// Không đủ điều kiện / không được khen thưởng.
    Refused,
    /// Đơn vị đã rút.
    Withdrawn,
}

impl Status {
    pub const ALL: [Status; 11] = [
        Status::Draft,
        Status::Submitted,
        Status::Returned,
        Status::Appraising,
        Status::Posting,
        Status::Council,
        Status::Voted,
        Status::Forwarded,
        Status::Decided,
        Status::Refused,
        Status::Withdrawn,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Submitted => "submitted",
            Status::Returned => "returned",
            Status::Appraising => "appraising",
            Status::Posting => "posting",
            Status::Council => "council",
            Status::Voted => "voted",
            Status::Forwarded => "forwarded",
            Status::Decided => "decided",
            Status::Refused => "refused",
            Status::Withdrawn => "withdrawn",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Status::Draft => "Đang soạn",
            Status::Submitted => "Đã gửi, chờ thẩm định",
            Status::Returned => "Trả lại để bổ sung",
            Status::Appraising => "Đang thẩm định",
            Status::Posting => "Đang công khai lấy ý kiến",
            Status::Council => "Trình Hội đồng",
            Status::Voted => "Hội đồng đã bỏ phiếu",
            Status::Forwarded => "Đã trình cấp trên",
            Status::Decided => "Đã có quyết định",
            Status::Refused => "Không được khen thưởng",
            Status::Withdrawn => "Đơn vị đã rút",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        by_code_or_label(&Status::ALL, s, Status::code, Status::label)
    }

    /// No transition leaves these.
    pub fn is_final(self) -> bool {
        matches!(self, Status::Decided | Status::Refused | Status::Withdrawn)
    }

    /// The unit may change nominees and documents only here.
    pub fn unit_may_edit(self) -> bool {
        matches!(self, Status::Draft | Status::Returned)
    }
}

/// What someone asks to do with a dossier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// The unit sends it (again, after a return).
    Submit,
    /// The unit takes it back before appraisal starts.
    Withdraw,
    /// The office starts appraising.
    StartAppraisal,
    /// The office sends it back for supplement, with the reasons.
    Return { reason: String },
    /// The office (or, after the vote, the council's result) ends it without an award.
    Refuse { reason: String },
    /// The office passes the appraised nominees on: to public posting when some need it, or
    /// straight to the council.
    PassToCouncil,
    /// The posting period is over (the caller has checked the working days).
    EndPosting,
    /// The council's chair closes the vote.
    CloseVote,
    /// The decision is signed (awards within the province's authority).
    Decide,
    /// Sent to a higher authority (Prime Minister, President).
    Forward,
}

impl Action {
    pub fn label(&self) -> &'static str {
        match self {
            Action::Submit => "gửi hồ sơ",
            Action::Withdraw => "rút hồ sơ",
            Action::StartAppraisal => "bắt đầu thẩm định",
            Action::Return { .. } => "trả lại để bổ sung",
            Action::Refuse { .. } => "kết luận không khen thưởng",
            Action::PassToCouncil => "chuyển Hội đồng",
            Action::EndPosting => "kết thúc công khai",
            Action::CloseVote => "kết thúc bỏ phiếu",
            Action::Decide => "ký quyết định",
            Action::Forward => "trình cấp trên",
        }
    }
}

/// Who acts, relative to the dossier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Who {
    pub role: Role,
    /// The role is held on the dossier's unit or a unit above it.
    pub over_unit: bool,
    /// The council member chairs the council's session.
    pub chair: bool,
}

/// What the state machine needs to know besides the status.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Facts {
    /// Required documents not attached (see [`missing_documents`]).
    pub missing: Vec<DocKind>,
    /// Nominees on the dossier.
    pub nominees: usize,
    /// Some nominee's award must be posted publicly before the council (law.md §4.3).
    pub needs_posting: bool,
    /// The award is decided above the province.
    pub decided_above: bool,
    /// The council's vote passed at least one nominee.
    pub council_passed: bool,
}

/// A refused transition, in words an officer understands.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Refusal(pub String);

fn refuse(msg: impl Into<String>) -> Result<Status, Refusal> {
    Err(Refusal(msg.into()))
}

/// The state after `action`, or why it is not allowed.
pub fn transition(status: Status, action: &Action, who: Who, facts: &Facts) -> Result<Status, Refusal> {
    use Role::{Admin, CouncilMember, DeptLeader, Officer, Signer, UnitOfficer};
    let office = matches!(who.role, Officer | DeptLeader) && who.over_unit;
    // The proposing unit speaks through its own officer: the office returns or refuses, it does
    // not submit or withdraw in the unit's name.
    let unit = who.role == UnitOfficer && who.over_unit;
    if status.is_final() {
        return refuse(format!("Hồ sơ đã kết thúc ({}): không thể {}", status.label(), action.label()));
    }
    if who.role == Admin {
        // Administrators run the system; they do not take part in the procedure.
        return refuse(format!("Quản trị hệ thống không {} trong quy trình khen thưởng", action.label()));
    }
    let wrong_state =
        || refuse(format!("Không thể {} khi hồ sơ đang ở trạng thái “{}”", action.label(), status.label()));
    match action {
        Action::Submit => {
            if !status.unit_may_edit() {
                return wrong_state();
            }
            if !unit {
                return refuse("Chỉ cán bộ thi đua, khen thưởng của đơn vị mới gửi được hồ sơ của đơn vị");
            }
            if facts.nominees == 0 {
                return refuse("Hồ sơ chưa có người hoặc tập thể nào được đề nghị");
            }
            if !facts.missing.is_empty() {
                let names: Vec<&str> = facts.missing.iter().map(|d| d.label()).collect();
                return refuse(format!("Hồ sơ còn thiếu: {}", names.join("; ")));
            }
            Ok(Status::Submitted)
        }
        Action::Withdraw => {
            if !matches!(status, Status::Draft | Status::Submitted | Status::Returned) {
                return wrong_state();
            }
            if !unit {
                return refuse("Chỉ đơn vị đề nghị mới rút được hồ sơ");
            }
            Ok(Status::Withdrawn)
        }
        Action::StartAppraisal => {
            if status != Status::Submitted {
                return wrong_state();
            }
            if !office {
                return refuse("Chỉ chuyên viên thi đua, khen thưởng mới thẩm định hồ sơ");
            }
            Ok(Status::Appraising)
        }
        Action::Return { reason } => {
            if !matches!(status, Status::Submitted | Status::Appraising) {
                return wrong_state();
            }
            if !office {
                return refuse("Chỉ chuyên viên thi đua, khen thưởng mới trả lại hồ sơ");
            }
            if reason.trim().is_empty() {
                return refuse("Cần ghi lý do trả lại để đơn vị bổ sung");
            }
            Ok(Status::Returned)
        }
        Action::Refuse { reason } => {
            let allowed = match status {
                Status::Appraising | Status::Voted | Status::Forwarded => office,
                _ => return wrong_state(),
            };
            if !allowed {
                return refuse("Chỉ chuyên viên thi đua, khen thưởng mới kết luận không khen thưởng");
            }
            if reason.trim().is_empty() {
                return refuse("Cần ghi lý do không khen thưởng");
            }
            Ok(Status::Refused)
        }
        Action::PassToCouncil => {
            if status != Status::Appraising {
                return wrong_state();
            }
            if !office {
                return refuse("Chỉ chuyên viên thi đua, khen thưởng mới chuyển hồ sơ lên Hội đồng");
            }
            Ok(if facts.needs_posting { Status::Posting } else { Status::Council })
        }
        Action::EndPosting => {
            if status != Status::Posting {
                return wrong_state();
            }
            if !office {
                return refuse("Chỉ chuyên viên thi đua, khen thưởng mới kết thúc việc công khai");
            }
            Ok(Status::Council)
        }
        Action::CloseVote => {
            if status != Status::Council {
                return wrong_state();
            }
            if !(who.role == CouncilMember && who.chair) {
                return refuse("Chỉ người chủ trì phiên họp mới kết thúc bỏ phiếu");
            }
            Ok(Status::Voted)
        }
        Action::Decide => {
            if status != Status::Voted {
                return wrong_state();
            }
            if facts.decided_above {
                return refuse("Hình thức này do cấp trên quyết định: hãy trình cấp trên");
            }
            if !(who.role == Signer && who.over_unit) {
                return refuse("Chỉ người có thẩm quyền mới ký quyết định khen thưởng");
            }
            if !facts.council_passed {
                return refuse("Hội đồng không thông qua ai trong hồ sơ: không ký quyết định khen thưởng");
            }
            Ok(Status::Decided)
        }
        Action::Forward => {
            if status != Status::Voted {
                return wrong_state();
            }
            if !facts.decided_above {
                return refuse("Hình thức này thuộc thẩm quyền của tỉnh: không trình cấp trên");
            }
            if !facts.council_passed {
                return refuse("Hội đồng không thông qua ai trong hồ sơ: không trình cấp trên");
            }
            if !office {
                return refuse("Chỉ chuyên viên thi đua, khen thưởng mới trình hồ sơ lên cấp trên");
            }
            Ok(Status::Forwarded)
        }
    }
}

/// Records the outcome of a dossier forwarded above the province (entered by the office).
pub fn forwarded_outcome(status: Status, awarded: bool, who: Who) -> Result<Status, Refusal> {
    if status != Status::Forwarded {
        return refuse(format!("Chỉ ghi kết quả của cấp trên cho hồ sơ đã trình cấp trên (đang “{}”)", status.label()));
    }
    if !(matches!(who.role, Role::Officer | Role::DeptLeader) && who.over_unit) {
        return refuse("Chỉ chuyên viên thi đua, khen thưởng mới ghi kết quả của cấp trên");
    }
    Ok(if awarded { Status::Decided } else { Status::Refused })
}

#[cfg(test)]
mod tests;

//! The units of the demo province: fixed tables and the plan of who works where.
//!
//! The commune list and the 2025 department mergers follow the research note
//! `shared/domain/sonla-units.md`; sub-units (schools, hospitals, health stations, centres) and
//! enterprises are plausible demo data, not an official register.

use chrono::NaiveDate;
use tdkt_domain::org::{LineageKind, UnitKind};

use crate::names::{COMMUNE_MIX, Mix, N_ETH, PROVINCIAL_MIX};
use crate::rng::hash_str;
use crate::{LineageSeed, UnitSeed};

/// How a unit is staffed: which posts it has and who holds the head post.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Staff {
    /// The province's People's Committee: its chair and vice-chairs only.
    Root,
    /// A department-level body; `head` and `deputy` are the titles of its leaders.
    Department { head: &'static str, deputy: &'static str },
    /// A centre, sub-department or museum under a department; `workers` are its worker posts.
    Centre { head: &'static str, deputy: &'static str, workers: &'static [(&'static str, u32)] },
    /// A provincial association or mass organisation.
    Association { head: &'static str, deputy: &'static str },
    /// A state enterprise.
    Enterprise,
    /// The People's Committee of a commune (`ward` for a phường).
    Commune { ward: bool },
    /// A school or college; `teacher` is the title of its teachers.
    School { teacher: &'static str },
    /// A hospital or provincial health centre.
    Hospital,
    /// A commune health station.
    Station,
}

/// A unit, how it is staffed, its share of the staff and the ethnic mix of its staff.
pub(crate) struct Plan {
    pub(crate) unit: UnitSeed,
    /// `None` for former units, which have no people.
    pub(crate) staff: Option<Staff>,
    /// Relative number of staff (the count for a province of about 20 000 people).
    pub(crate) weight: u64,
    /// Fewest people the unit gets, so that its leaders exist even in a tiny demo.
    pub(crate) min: usize,
    pub(crate) mix: Mix,
}

/// The code of the root unit.
pub(crate) const ROOT: &str = "UBND";

/// The day the 2025 department mergers took effect.
pub(crate) fn merger_day() -> NaiveDate {
    ymd(2025, 3, 1)
}

/// The day district-level government ended and the new communes began.
pub(crate) fn commune_day() -> NaiveDate {
    ymd(2025, 7, 1)
}

pub(crate) fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
}

/// A former district (or city, or town) of Sơn La, before 1 July 2025.
pub(crate) struct District {
    pub(crate) code: &'static str,
    pub(crate) name: &'static str,
    /// GSO code of the new commune or ward at the district's former seat.
    pub(crate) seat: &'static str,
    /// Extra weights added to [`COMMUNE_MIX`] for communes of the area.
    pub(crate) bonus: Mix,
}

const fn bonus(pairs: &[(usize, u32)]) -> Mix {
    let mut m = [0; N_ETH];
    let mut i = 0;
    while i < pairs.len() {
        m[pairs[i].0] += pairs[i].1;
        i += 1;
    }
    m
}

// Indices into `names::ETHNIC`.
const KINH: usize = 0;
const THAI: usize = 1;
const MONG: usize = 2;
const MUONG: usize = 3;
const DAO: usize = 4;
const KHMU: usize = 5;
const XINHMUN: usize = 6;
const KHANG: usize = 7;
const LAO: usize = 8;
const LAHA: usize = 9;

/// The 12 district-level units dissolved on 1 July 2025. Mộc Châu had become a town (thị xã)
/// early in 2025; the other eleven are the city of Sơn La and ten districts.
pub(crate) const DISTRICTS: [District; 12] = [
    District {
        code: "UBND-TP-SON-LA",
        name: "UBND thành phố Sơn La",
        seat: "03646",
        bonus: bonus(&[(KINH, 250), (THAI, 80)]),
    },
    District {
        code: "UBND-H-QUYNH-NHAI",
        name: "UBND huyện Quỳnh Nhai",
        seat: "03703",
        bonus: bonus(&[(THAI, 150), (KHANG, 25), (LAHA, 25)]),
    },
    District {
        code: "UBND-H-THUAN-CHAU",
        name: "UBND huyện Thuận Châu",
        seat: "03721",
        bonus: bonus(&[(THAI, 150), (MONG, 40), (KHMU, 25), (KHANG, 20)]),
    },
    District {
        code: "UBND-H-MUONG-LA",
        name: "UBND huyện Mường La",
        seat: "03808",
        bonus: bonus(&[(THAI, 120), (MONG, 60), (LAHA, 25)]),
    },
    District {
        code: "UBND-H-BAC-YEN",
        name: "UBND huyện Bắc Yên",
        seat: "03856",
        bonus: bonus(&[(MONG, 120), (MUONG, 60), (DAO, 30), (THAI, 30)]),
    },
    District {
        code: "UBND-H-PHU-YEN",
        name: "UBND huyện Phù Yên",
        seat: "03910",
        bonus: bonus(&[(MUONG, 180), (THAI, 40), (DAO, 25), (KINH, 40)]),
    },
    District {
        code: "UBND-TX-MOC-CHAU",
        name: "UBND thị xã Mộc Châu",
        seat: "03980",
        bonus: bonus(&[(KINH, 200), (THAI, 40), (MONG, 40), (DAO, 20)]),
    },
    District {
        code: "UBND-H-VAN-HO",
        name: "UBND huyện Vân Hồ",
        seat: "04048",
        bonus: bonus(&[(MONG, 90), (THAI, 60), (MUONG, 30), (DAO, 50)]),
    },
    District {
        code: "UBND-H-YEN-CHAU",
        name: "UBND huyện Yên Châu",
        seat: "04075",
        bonus: bonus(&[(THAI, 120), (KINH, 60), (XINHMUN, 25), (MONG, 30)]),
    },
    District {
        code: "UBND-H-MAI-SON",
        name: "UBND huyện Mai Sơn",
        seat: "04105",
        bonus: bonus(&[(KINH, 150), (THAI, 100), (KHMU, 20)]),
    },
    District {
        code: "UBND-H-SONG-MA",
        name: "UBND huyện Sông Mã",
        seat: "04168",
        bonus: bonus(&[(THAI, 120), (KHMU, 50), (LAO, 30), (XINHMUN, 30), (MONG, 30)]),
    },
    District {
        code: "UBND-H-SOP-COP",
        name: "UBND huyện Sốp Cộp",
        seat: "04231",
        bonus: bonus(&[(THAI, 100), (MONG, 70), (LAO, 40), (KHMU, 30)]),
    },
];

/// The 75 communes and wards after 1 July 2025: GSO code, name, index into [`DISTRICTS`] of the
/// former district whose area they mostly cover (approximate for a few, demo data), and whether
/// the unit was left unchanged by the 2025 arrangement.
pub(crate) const COMMUNES: [(&str, &str, usize, bool); 75] = [
    ("03646", "Phường Tô Hiệu", 0, false),
    ("03664", "Phường Chiềng An", 0, false),
    ("03670", "Phường Chiềng Cơi", 0, false),
    ("03679", "Phường Chiềng Sinh", 0, false),
    ("03688", "Xã Mường Chiên", 1, false),
    ("03694", "Xã Mường Giôn", 1, false),
    ("03703", "Xã Quỳnh Nhai", 1, false),
    ("03712", "Xã Mường Sại", 1, false),
    ("03721", "Xã Thuận Châu", 2, false),
    ("03724", "Xã Bình Thuận", 2, false),
    ("03727", "Xã Mường É", 2, false),
    ("03754", "Xã Chiềng La", 2, false),
    ("03757", "Xã Mường Khiêng", 2, false),
    ("03760", "Xã Mường Bám", 2, true),
    ("03763", "Xã Long Hẹ", 2, false),
    ("03781", "Xã Co Mạ", 2, false),
    ("03784", "Xã Nậm Lầu", 2, false),
    ("03799", "Xã Muổi Nọi", 2, false),
    ("03808", "Xã Mường La", 3, false),
    ("03814", "Xã Chiềng Lao", 3, false),
    ("03820", "Xã Ngọc Chiến", 3, true),
    ("03847", "Xã Mường Bú", 3, false),
    ("03850", "Xã Chiềng Hoa", 3, false),
    ("03856", "Xã Bắc Yên", 4, false),
    ("03862", "Xã Xím Vàng", 4, false),
    ("03868", "Xã Tà Xùa", 4, false),
    ("03871", "Xã Pắc Ngà", 4, false),
    ("03880", "Xã Tạ Khoa", 4, false),
    ("03892", "Xã Chiềng Sại", 4, false),
    ("03901", "Xã Suối Tọ", 5, true),
    ("03907", "Xã Mường Cơi", 5, false),
    ("03910", "Xã Phù Yên", 5, false),
    ("03922", "Xã Gia Phù", 5, false),
    ("03943", "Xã Mường Bang", 5, false),
    ("03958", "Xã Tường Hạ", 5, false),
    ("03961", "Xã Kim Bon", 5, false),
    ("03970", "Xã Tân Phong", 5, false),
    ("03979", "Phường Mộc Sơn", 6, false),
    ("03980", "Phường Mộc Châu", 6, false),
    ("03982", "Phường Thảo Nguyên", 6, false),
    ("03985", "Xã Chiềng Sơn", 6, false),
    ("03997", "Xã Tân Yên", 6, true),
    ("04000", "Xã Đoàn Kết", 6, false),
    ("04006", "Xã Song Khủa", 7, false),
    ("04018", "Xã Tô Múa", 7, false),
    ("04033", "Phường Vân Sơn", 6, false),
    ("04045", "Xã Lóng Sập", 6, false),
    ("04048", "Xã Vân Hồ", 7, false),
    ("04057", "Xã Xuân Nha", 7, false),
    ("04075", "Xã Yên Châu", 8, false),
    ("04078", "Xã Chiềng Hặc", 8, false),
    ("04087", "Xã Yên Sơn", 8, false),
    ("04096", "Xã Lóng Phiêng", 8, false),
    ("04099", "Xã Phiêng Khoài", 8, true),
    ("04105", "Xã Mai Sơn", 9, false),
    ("04108", "Xã Chiềng Sung", 9, false),
    ("04117", "Xã Mường Chanh", 9, false),
    ("04123", "Xã Chiềng Mung", 9, false),
    ("04132", "Xã Chiềng Mai", 9, false),
    ("04136", "Xã Tà Hộc", 9, false),
    ("04144", "Xã Phiêng Cằm", 9, false),
    ("04159", "Xã Phiêng Pằn", 9, false),
    ("04168", "Xã Sông Mã", 10, false),
    ("04171", "Xã Bó Sinh", 10, false),
    ("04183", "Xã Mường Lầm", 10, false),
    ("04186", "Xã Nậm Ty", 10, false),
    ("04195", "Xã Chiềng Sơ", 10, false),
    ("04204", "Xã Chiềng Khoong", 10, false),
    ("04210", "Xã Huổi Một", 10, false),
    ("04219", "Xã Mường Hung", 10, false),
    ("04222", "Xã Chiềng Khương", 10, false),
    ("04228", "Xã Púng Bánh", 11, false),
    ("04231", "Xã Sốp Cộp", 11, false),
    ("04240", "Xã Mường Lèo", 11, true),
    ("04246", "Xã Mường Lạn", 11, true),
];

/// The unit code of a commune or ward from its GSO code.
pub(crate) fn commune_code(gso: &str) -> String {
    format!("XA-{gso}")
}

const fn dept(head: &'static str, deputy: &'static str) -> Staff {
    Staff::Department { head, deputy }
}

const SO: Staff = dept("Giám đốc", "Phó Giám đốc");

/// Department-level bodies under the root: code, name, staffing, weight, new on 1 March 2025.
pub(crate) const DEPARTMENTS: [(&str, &str, Staff, u64, bool); 13] = [
    ("VP-UBND", "Văn phòng Ủy ban nhân dân tỉnh", dept("Chánh Văn phòng", "Phó Chánh Văn phòng"), 120, false),
    ("SNV", "Sở Nội vụ", SO, 150, false),
    ("STP", "Sở Tư pháp", SO, 80, false),
    ("STC", "Sở Tài chính", SO, 210, false),
    ("SXD", "Sở Xây dựng", SO, 190, false),
    ("SKHCN", "Sở Khoa học và Công nghệ", SO, 125, false),
    ("SVHTTDL", "Sở Văn hóa, Thể thao và Du lịch", SO, 170, false),
    ("SDTTG", "Sở Dân tộc và Tôn giáo", SO, 80, true),
    ("SYT", "Sở Y tế", SO, 95, false),
    ("SGDDT", "Sở Giáo dục và Đào tạo", SO, 115, false),
    ("SCT", "Sở Công Thương", SO, 140, false),
    ("SNNMT", "Sở Nông nghiệp và Môi trường", SO, 250, true),
    ("TTR", "Thanh tra tỉnh", dept("Chánh Thanh tra", "Phó Chánh Thanh tra"), 85, false),
];

const CENTRE: Staff = Staff::Centre {
    head: "Giám đốc",
    deputy: "Phó Giám đốc",
    workers: &[("Viên chức", 55), ("Chuyên viên", 25), ("Nhân viên", 20)],
};

const FOREST: Staff = Staff::Centre {
    head: "Chi cục trưởng",
    deputy: "Phó Chi cục trưởng",
    workers: &[("Kiểm lâm viên", 70), ("Kiểm lâm viên chính", 15), ("Kế toán", 5), ("Nhân viên", 10)],
};

const SCHOOL: Staff = Staff::School { teacher: "Giáo viên" };

/// Centres and sub-departments under departments: parent code, code suffix, name, staffing,
/// weight.
const CENTRES: [(&str, &str, &str, Staff, u64); 5] = [
    ("VP-UBND", "TTPVHCC", "Trung tâm Phục vụ hành chính công tỉnh", CENTRE, 45),
    ("SNV", "TTDVVL", "Trung tâm Dịch vụ việc làm tỉnh", CENTRE, 40),
    ("SVHTTDL", "TTVHNT", "Trung tâm Văn hóa Nghệ thuật tỉnh", CENTRE, 80),
    ("SVHTTDL", "BAO-TANG", "Bảo tàng tỉnh Sơn La", CENTRE, 45),
    ("SNNMT", "CCKL", "Chi cục Kiểm lâm tỉnh Sơn La", FOREST, 330),
];

/// Upper-secondary schools under Sở Giáo dục và Đào tạo: code suffix, name, weight.
const UPPER_SCHOOLS: [(&str, &str, u64); 25] = [
    ("THPT-CHUYEN", "Trường THPT Chuyên Sơn La", 90),
    ("THPT-CHIENG-SINH", "Trường THPT Chiềng Sinh", 85),
    ("THPT-TO-HIEU", "Trường THPT Tô Hiệu", 95),
    ("PTDTNT-TINH", "Trường Phổ thông Dân tộc nội trú tỉnh", 100),
    ("THPT-MUONG-BU", "Trường THPT Mường Bú", 60),
    ("THPT-MAI-SON", "Trường THPT Mai Sơn", 85),
    ("THPT-CHU-VAN-THINH", "Trường THPT Chu Văn Thịnh", 80),
    ("THPT-CO-NOI", "Trường THPT Cò Nòi", 75),
    ("THPT-THUAN-CHAU", "Trường THPT Thuận Châu", 80),
    ("THPT-TONG-LENH", "Trường THPT Tông Lệnh", 70),
    ("THPT-QUYNH-NHAI", "Trường THPT Quỳnh Nhai", 70),
    ("THPT-MUONG-GION", "Trường THPT Mường Giôn", 55),
    ("THPT-MUONG-LA", "Trường THPT Mường La", 75),
    ("THPT-BAC-YEN", "Trường THPT Bắc Yên", 65),
    ("THPT-PHU-YEN", "Trường THPT Phù Yên", 80),
    ("THPT-GIA-PHU", "Trường THPT Gia Phù", 60),
    ("THPT-MOC-LY", "Trường THPT Mộc Lỵ", 80),
    ("THPT-THAO-NGUYEN", "Trường THPT Thảo Nguyên", 75),
    ("THPT-TAN-LAP", "Trường THPT Tân Lập", 55),
    ("THPT-MOC-HA", "Trường THPT Mộc Hạ", 55),
    ("THPT-YEN-CHAU", "Trường THPT Yên Châu", 75),
    ("THPT-PHIENG-KHOAI", "Trường THPT Phiêng Khoài", 55),
    ("THPT-SONG-MA", "Trường THPT Sông Mã", 80),
    ("THPT-CHIENG-KHUONG", "Trường THPT Chiềng Khương", 60),
    ("THPT-SOP-COP", "Trường THPT Sốp Cộp", 60),
];

/// Hospitals and health centres under Sở Y tế: code suffix, name, weight.
const HOSPITALS: [(&str, &str, u64); 17] = [
    ("BVDK-TINH", "Bệnh viện Đa khoa tỉnh Sơn La", 950),
    ("BV-YHCT", "Bệnh viện Y học cổ truyền tỉnh Sơn La", 220),
    ("CDC", "Trung tâm Kiểm soát bệnh tật tỉnh Sơn La", 180),
    ("BV-PHCN", "Bệnh viện Phục hồi chức năng tỉnh Sơn La", 120),
    ("BV-TAM-THAN", "Bệnh viện Tâm thần tỉnh Sơn La", 130),
    ("BV-PHOI", "Bệnh viện Phổi tỉnh Sơn La", 140),
    ("BVDK-KV-THAO-NGUYEN", "Bệnh viện Đa khoa khu vực Thảo Nguyên", 450),
    ("BVDK-KV-PHU-YEN", "Bệnh viện Đa khoa khu vực Phù Yên", 380),
    ("TTYT-KV-MAI-SON", "Trung tâm Y tế khu vực Mai Sơn", 320),
    ("TTYT-KV-THUAN-CHAU", "Trung tâm Y tế khu vực Thuận Châu", 300),
    ("TTYT-KV-SONG-MA", "Trung tâm Y tế khu vực Sông Mã", 300),
    ("TTYT-KV-QUYNH-NHAI", "Trung tâm Y tế khu vực Quỳnh Nhai", 190),
    ("TTYT-KV-MUONG-LA", "Trung tâm Y tế khu vực Mường La", 220),
    ("TTYT-KV-BAC-YEN", "Trung tâm Y tế khu vực Bắc Yên", 180),
    ("TTYT-KV-YEN-CHAU", "Trung tâm Y tế khu vực Yên Châu", 200),
    ("TTYT-KV-SOP-COP", "Trung tâm Y tế khu vực Sốp Cộp", 160),
    ("TTYT-KV-VAN-HO", "Trung tâm Y tế khu vực Vân Hồ", 170),
];

/// Provincial associations and mass organisations: code, name, head title, deputy title, weight.
pub(crate) const ASSOCIATIONS: [(&str, &str, &str, &str, u64); 7] = [
    ("LDLD", "Liên đoàn Lao động tỉnh Sơn La", "Chủ tịch", "Phó Chủ tịch", 45),
    ("HND", "Hội Nông dân tỉnh Sơn La", "Chủ tịch", "Phó Chủ tịch", 35),
    ("TINH-DOAN", "Tỉnh đoàn Sơn La", "Bí thư", "Phó Bí thư", 40),
    ("HLHPN", "Hội Liên hiệp Phụ nữ tỉnh Sơn La", "Chủ tịch", "Phó Chủ tịch", 35),
    ("HCCB", "Hội Cựu chiến binh tỉnh Sơn La", "Chủ tịch", "Phó Chủ tịch", 25),
    ("HCTD", "Hội Chữ thập đỏ tỉnh Sơn La", "Chủ tịch", "Phó Chủ tịch", 20),
    ("LMHTX", "Liên minh Hợp tác xã tỉnh Sơn La", "Chủ tịch", "Phó Chủ tịch", 25),
];

/// State enterprises: code, name, weight.
pub(crate) const ENTERPRISES: [(&str, &str, u64); 4] = [
    ("DN-XSKT", "Công ty TNHH MTV Xổ số kiến thiết Sơn La", 60),
    ("DN-CAP-NUOC", "Công ty Cổ phần Cấp nước Sơn La", 240),
    ("DN-THUY-LOI", "Công ty TNHH MTV Quản lý khai thác công trình thủy lợi Sơn La", 220),
    ("DN-MT-DO-THI", "Công ty Cổ phần Môi trường và Dịch vụ đô thị Sơn La", 150),
];

/// Departments merged on 1 March 2025: code, name, successor code.
pub(crate) const MERGED: [(&str, &str, &str); 7] = [
    ("SKHDT", "Sở Kế hoạch và Đầu tư", "STC"),
    ("SLDTBXH", "Sở Lao động - Thương binh và Xã hội", "SNV"),
    ("SGTVT", "Sở Giao thông Vận tải", "SXD"),
    ("STTTT", "Sở Thông tin và Truyền thông", "SKHCN"),
    ("BDT", "Ban Dân tộc", "SDTTG"),
    ("SNNPTNT", "Sở Nông nghiệp và Phát triển nông thôn", "SNNMT"),
    ("STNMT", "Sở Tài nguyên và Môi trường", "SNNMT"),
];

fn unit(code: String, name: &str, kind: UnitKind, parent: &str) -> UnitSeed {
    UnitSeed {
        code,
        name: name.to_string(),
        kind,
        parent_code: Some(parent.to_string()),
        active_from: None,
        active_to: None,
    }
}

fn plan(unit: UnitSeed, staff: Staff, weight: u64, min: usize, mix: Mix) -> Plan {
    Plan { unit, staff: Some(staff), weight, min, mix }
}

/// A factor between 85 and 115 (per cent) fixed by a code, so that communes differ in size
/// without depending on the seed.
fn spread(code: &str) -> u64 {
    85 + hash_str(code) % 31
}

/// All units in tree order (every parent before its children, each parent followed by its own
/// sub-units), former units last, with their staffing plans. Independent of the seed.
pub(crate) fn plans() -> Vec<Plan> {
    let mut out = Vec::with_capacity(360);
    out.push(Plan {
        unit: UnitSeed {
            code: ROOT.to_string(),
            name: "Ủy ban nhân dân tỉnh Sơn La".to_string(),
            kind: UnitKind::PeoplesCommittee,
            parent_code: None,
            active_from: None,
            active_to: None,
        },
        staff: Some(Staff::Root),
        weight: 0,
        min: 4,
        mix: PROVINCIAL_MIX,
    });

    for (code, name, staff, weight, new) in DEPARTMENTS {
        let mut u = unit(code.to_string(), name, UnitKind::Department, ROOT);
        if new {
            u.active_from = Some(merger_day());
        }
        let min = if code == "SNV" { 4 } else { 3 };
        out.push(plan(u, staff, weight, min, PROVINCIAL_MIX));
        for (parent, suffix, name, staff, weight) in CENTRES {
            if parent == code {
                let u = unit(format!("{code}.{suffix}"), name, UnitKind::Other, code);
                out.push(plan(u, staff, weight, 1, PROVINCIAL_MIX));
            }
        }
        if code == "SGDDT" {
            for (suffix, name, weight) in UPPER_SCHOOLS {
                let u = unit(format!("{code}.{suffix}"), name, UnitKind::School, code);
                out.push(plan(u, SCHOOL, weight, 1, PROVINCIAL_MIX));
            }
        }
        if code == "SYT" {
            for (suffix, name, weight) in HOSPITALS {
                let u = unit(format!("{code}.{suffix}"), name, UnitKind::Hospital, code);
                out.push(plan(u, Staff::Hospital, weight, 1, PROVINCIAL_MIX));
            }
        }
    }

    for (code, name, head, deputy, weight) in ASSOCIATIONS {
        let u = unit(code.to_string(), name, UnitKind::Association, ROOT);
        out.push(plan(u, Staff::Association { head, deputy }, weight, 2, PROVINCIAL_MIX));
    }
    for (code, name, weight) in ENTERPRISES {
        let u = unit(code.to_string(), name, UnitKind::Enterprise, ROOT);
        out.push(plan(u, Staff::Enterprise, weight, 1, PROVINCIAL_MIX));
    }
    let college = unit("CD-SON-LA".to_string(), "Trường Cao đẳng Sơn La", UnitKind::School, ROOT);
    out.push(plan(college, Staff::School { teacher: "Giảng viên" }, 250, 1, PROVINCIAL_MIX));

    for &(gso, name, district, unchanged) in &COMMUNES {
        let code = commune_code(gso);
        let ward = name.starts_with("Phường ");
        let short = name.split_once(' ').map_or(name, |(_, rest)| rest);
        let mut mix = COMMUNE_MIX;
        for (m, b) in mix.iter_mut().zip(DISTRICTS[district].bonus) {
            *m += b;
        }
        let size = spread(&code) * if ward { 110 } else { 100 };
        let w = |base: u64| (base * size).div_ceil(10_000);
        let mut u = unit(code.clone(), name, UnitKind::Commune, ROOT);
        if !unchanged {
            u.active_from = Some(commune_day());
        }
        out.push(plan(u, Staff::Commune { ward }, w(38), 1, mix));
        let school = unit(format!("{code}.TH"), &format!("Trường Tiểu học {short}"), UnitKind::School, &code);
        out.push(plan(school, SCHOOL, w(44), 1, mix));
        if gso == "03646" {
            // There is a Điện Biên street in the city of Sơn La; the docs search for it.
            let u = unit(format!("{code}.TH-DIEN-BIEN"), "Trường Tiểu học Điện Biên", UnitKind::School, &code);
            out.push(plan(u, SCHOOL, w(40), 1, mix));
        }
        let u = unit(format!("{code}.THCS"), &format!("Trường THCS {short}"), UnitKind::School, &code);
        out.push(plan(u, SCHOOL, w(34), 1, mix));
        let level = if ward { "phường" } else { "xã" };
        let station = unit(format!("{code}.TYT"), &format!("Trạm Y tế {level} {short}"), UnitKind::Hospital, &code);
        out.push(plan(station, Staff::Station, w(10), 1, mix));
    }

    for (code, name, _) in MERGED {
        let mut u = unit(code.to_string(), name, UnitKind::Department, ROOT);
        u.active_to = Some(merger_day().pred_opt().unwrap_or(NaiveDate::MIN));
        out.push(Plan { unit: u, staff: None, weight: 0, min: 0, mix: PROVINCIAL_MIX });
    }
    for d in &DISTRICTS {
        let mut u = unit(d.code.to_string(), d.name, UnitKind::PeoplesCommittee, ROOT);
        u.active_to = Some(commune_day().pred_opt().unwrap_or(NaiveDate::MIN));
        out.push(Plan { unit: u, staff: None, weight: 0, min: 0, mix: PROVINCIAL_MIX });
    }
    out
}

/// The lineage of the 2025 reforms: department mergers and the dissolution of districts.
pub(crate) fn lineage() -> Vec<LineageSeed> {
    let mut out = Vec::with_capacity(MERGED.len() + DISTRICTS.len());
    for (code, _, successor) in MERGED {
        let name = DEPARTMENTS.iter().find(|d| d.0 == successor).map_or(successor, |d| d.1);
        let note = if code == "BDT" {
            format!(
                "Dữ liệu minh hoạ: thành lập {name} trên cơ sở Ban Dân tộc từ ngày 01/3/2025, theo phương án sắp xếp các cơ quan chuyên môn năm 2025."
            )
        } else {
            format!(
                "Dữ liệu minh hoạ: hợp nhất vào {name} từ ngày 01/3/2025, theo phương án sắp xếp các cơ quan chuyên môn năm 2025."
            )
        };
        out.push(LineageSeed {
            predecessor_code: code.to_string(),
            successor_code: successor.to_string(),
            kind: LineageKind::Merge,
            on: merger_day(),
            note,
        });
    }
    for d in &DISTRICTS {
        out.push(LineageSeed {
            predecessor_code: d.code.to_string(),
            successor_code: commune_code(d.seat),
            kind: LineageKind::Dissolve,
            on: commune_day(),
            note: "dữ liệu minh hoạ".to_string(),
        });
    }
    out
}

//! Personal names by ethnic group, and the ethnic mixes of Sơn La public servants.
//!
//! The lists are written for this demo from general knowledge of which family names, middle
//! names and given names are common in each community of north-western Vietnam; they are not
//! copied from any register. Weights are rough relative frequencies.

use tdkt_domain::org::Gender;

use crate::KNOWN_PERSON;
use crate::rng::Rng;

/// How the names of one community are built: family name, middle name, given name.
pub(crate) struct Style {
    male_middle: &'static [(&'static str, u32)],
    female_middle: &'static [(&'static str, u32)],
    male_given: &'static [&'static str],
    female_given: &'static [&'static str],
}

/// One ethnic group: its name as recorded in personnel files, its family names and its style.
pub(crate) struct Ethnic {
    pub(crate) name: &'static str,
    families: &'static [(&'static str, u32)],
    style: &'static Style,
}

/// Number of ethnic groups in [`ETHNIC`]; mixes are arrays of this many weights.
pub(crate) const N_ETH: usize = 11;

/// Weights over [`ETHNIC`], in its order.
pub(crate) type Mix = [u32; N_ETH];

const KINH_MALE_GIVEN: &[&str] = &[
    "Anh",
    "Bình",
    "Cường",
    "Dũng",
    "Đạt",
    "Đức",
    "Giang",
    "Hải",
    "Hiếu",
    "Hoàng",
    "Hùng",
    "Huy",
    "Khánh",
    "Kiên",
    "Lâm",
    "Long",
    "Mạnh",
    "Minh",
    "Nam",
    "Nghĩa",
    "Phong",
    "Phúc",
    "Quân",
    "Quang",
    "Sơn",
    "Tài",
    "Thắng",
    "Thành",
    "Thịnh",
    "Toàn",
    "Trung",
    "Tuấn",
    "Tùng",
    "Việt",
    "Vinh",
    "Hưng",
    "Hiệp",
    "Khoa",
    "Lực",
    "Hậu",
    "Thanh",
    "Tú",
    "Duy",
    "Hòa",
    "Chiến",
    "Công",
    "Định",
    "Hà",
    "Hạnh",
    "Kiểm",
    "Lợi",
    "Ngọc",
    "Quyết",
    "Thái",
    "Thuận",
    "Tiến",
    "Trường",
    "Tuyên",
    "Văn",
    "Dương",
];

const KINH_FEMALE_GIVEN: &[&str] = &[
    "Anh",
    "Ánh",
    "Bích",
    "Chi",
    "Dung",
    "Duyên",
    "Giang",
    "Hà",
    "Hạnh",
    "Hằng",
    "Hiền",
    "Hoa",
    "Huyền",
    "Hương",
    "Hường",
    "Lan",
    "Liên",
    "Linh",
    "Loan",
    "Mai",
    "My",
    "Nga",
    "Ngân",
    "Ngọc",
    "Nhung",
    "Oanh",
    "Phương",
    "Quyên",
    "Quỳnh",
    "Tâm",
    "Thảo",
    "Thu",
    "Thủy",
    "Trang",
    "Tuyết",
    "Vân",
    "Yến",
    "Huệ",
    "Lý",
    "Nhàn",
    "Thoa",
    "Hồng",
    "Lệ",
    "Minh",
    "Nguyệt",
    "Nhi",
    "Phượng",
    "Sen",
    "Thắm",
    "Thơm",
    "Thúy",
    "Trinh",
    "Uyên",
    "Xuân",
];

const KINH: Style = Style {
    male_middle: &[
        ("Văn", 30),
        ("Đức", 12),
        ("Minh", 10),
        ("Quang", 8),
        ("Ngọc", 5),
        ("Thanh", 6),
        ("Xuân", 5),
        ("Hải", 4),
        ("Mạnh", 3),
        ("Hữu", 6),
        ("Tiến", 3),
        ("Trung", 3),
        ("Công", 4),
        ("Đình", 5),
        ("Hồng", 2),
        ("Duy", 4),
        ("Thế", 4),
        ("Tuấn", 2),
        ("Việt", 2),
        ("Anh", 2),
    ],
    female_middle: &[
        ("Thị", 55),
        ("Thu", 6),
        ("Thanh", 5),
        ("Ngọc", 5),
        ("Hồng", 5),
        ("Minh", 3),
        ("Thùy", 4),
        ("Phương", 3),
        ("Mai", 2),
        ("Kim", 3),
        ("Lan", 2),
        ("Hải", 2),
        ("Xuân", 2),
        ("Bích", 2),
        ("Diệu", 1),
        ("Quỳnh", 2),
    ],
    male_given: KINH_MALE_GIVEN,
    female_given: KINH_FEMALE_GIVEN,
};

/// Mường and Tày officials in Sơn La mostly carry names of the Kinh pattern.
const MUONG: Style = Style {
    male_middle: &[("Văn", 70), ("Công", 18), ("Đình", 8), ("Minh", 4)],
    female_middle: &[("Thị", 88), ("Thu", 6), ("Thanh", 6)],
    male_given: KINH_MALE_GIVEN,
    female_given: KINH_FEMALE_GIVEN,
};

const THAI: Style = Style {
    male_middle: &[("Văn", 88), ("Xuân", 4), ("Thanh", 4), ("Minh", 4)],
    female_middle: &[("Thị", 92), ("Thu", 4), ("Thanh", 4)],
    male_given: &[
        "Pản", "Ín", "Xuân", "Thanh", "Chiến", "Bun", "Phong", "Hặc", "Sương", "Ơn", "Khằm", "Thoong", "Tươi", "Thắng",
        "Tuấn", "Dũng", "Hùng", "Kiên", "Ban", "Inh", "Hiệu", "Chung", "Hiên", "Xôm", "Ngọc", "Cường", "Hải", "Nam",
        "Duy", "Tuân", "Phăn", "Panh", "Liên", "Lả", "Tiến", "Quyết", "Hương", "Minh", "Hoan", "Sơn",
    ],
    female_given: &[
        "Hương", "Ngoan", "Ánh", "Xuân", "Thanh", "Bun", "Ban", "Ín", "Phương", "Hoa", "Nhung", "Dung", "Hằng", "Oanh",
        "Xuyến", "Hiên", "Lan", "Loan", "Hồng", "Minh", "Ỏn", "Nguyệt", "Thoa", "Lả", "Muôn", "Ngân", "Pọm", "Thương",
        "Yến", "Ly", "Chăm", "Hoan", "Thảo", "Tiên",
    ],
};

const MONG: Style = Style {
    male_middle: &[("A", 45), ("Seo", 15), ("Chứ", 10), ("Súa", 8), ("Văn", 22)],
    female_middle: &[("Thị", 100)],
    male_given: &[
        "Páo", "Dế", "Sính", "Chinh", "Chư", "Lử", "Dình", "Tủa", "Của", "Sáy", "Lồng", "Pó", "Chúa", "Vừ", "Khua",
        "Sênh", "Tếnh", "Dủa", "Chống", "Nhìa", "Thào", "Giống", "Lâu", "Chồng",
    ],
    female_given: &[
        "Mỷ", "Dợ", "Chò", "Pà", "Xua", "Ly", "Dua", "Mai", "Sua", "Say", "Ga", "Mang", "Chu", "Dia", "Phềnh", "Mua",
        "Lan", "Sy", "Máy", "Dê",
    ],
};

const DAO: Style = Style {
    male_middle: &[("Văn", 55), ("Tòn", 25), ("Kim", 10), ("Tiến", 10)],
    female_middle: &[("Thị", 90), ("Kim", 10)],
    male_given: &[
        "Chòi", "Sinh", "Kiềm", "Quẩy", "Phin", "Vảng", "Tiến", "Sơn", "Hải", "Minh", "Thanh", "Phú", "Châu", "Quyết",
        "Lìn", "Seng", "Lưu", "Hin",
    ],
    female_given: &[
        "Mẩy", "Nái", "Chài", "Dung", "Liên", "Mai", "Phương", "Xuân", "Kiều", "Thanh", "Hoa", "Chang", "Lan", "Duyên",
    ],
};

const KHMU: Style = Style {
    male_middle: &[("Văn", 95), ("Xuân", 5)],
    female_middle: &[("Thị", 100)],
    male_given: &[
        "Khăm", "Ển", "Phăn", "Bun", "Xiêng", "Chăn", "Ún", "Phanh", "Thịnh", "Thoong", "Lả", "Ọt", "Pheng", "Khiêm",
        "Thanh", "Tuấn", "Hùng",
    ],
    female_given: &["Ọn", "Ín", "Bua", "Xuân", "Hoa", "Dung", "Ngân", "Phương", "Xiêng", "Pheng", "Thanh", "Ánh"],
};

/// The ethnic groups used, in the order of every [`Mix`].
pub(crate) const ETHNIC: [Ethnic; N_ETH] = [
    Ethnic {
        name: "Kinh",
        families: &[
            ("Nguyễn", 30),
            ("Trần", 10),
            ("Lê", 9),
            ("Phạm", 7),
            ("Hoàng", 5),
            ("Vũ", 4),
            ("Đặng", 3),
            ("Bùi", 3),
            ("Đỗ", 3),
            ("Hồ", 2),
            ("Ngô", 2),
            ("Dương", 2),
            ("Đinh", 2),
            ("Lương", 2),
            ("Đào", 2),
            ("Trịnh", 2),
            ("Phan", 2),
            ("Đoàn", 1),
            ("Cao", 1),
            ("Tạ", 1),
            ("Mai", 1),
            ("Lưu", 1),
            ("Hà", 1),
            ("Vương", 1),
            ("Chu", 1),
            ("Lại", 1),
        ],
        style: &KINH,
    },
    Ethnic {
        name: "Thái",
        families: &[
            ("Lò", 14),
            ("Lường", 9),
            ("Cầm", 7),
            ("Quàng", 7),
            ("Tòng", 6),
            ("Vì", 6),
            ("Điêu", 4),
            ("Bạc", 4),
            ("Mè", 3),
            ("Lù", 4),
            ("Cà", 5),
            ("Hà", 5),
            ("Lừ", 2),
            ("Sa", 3),
            ("Hoàng", 2),
            ("Lộc", 2),
        ],
        style: &THAI,
    },
    Ethnic {
        name: "Mông",
        families: &[
            ("Giàng", 15),
            ("Sùng", 12),
            ("Vàng", 11),
            ("Mùa", 9),
            ("Lầu", 7),
            ("Thào", 9),
            ("Hờ", 5),
            ("Lý", 6),
            ("Tráng", 5),
            ("Chá", 3),
            ("Sình", 3),
            ("Cứ", 4),
            ("Hạng", 5),
        ],
        style: &MONG,
    },
    Ethnic {
        name: "Mường",
        families: &[("Đinh", 25), ("Hà", 25), ("Bùi", 15), ("Xa", 15), ("Quách", 10), ("Sa", 5), ("Lò", 5)],
        style: &MUONG,
    },
    Ethnic {
        name: "Dao",
        families: &[("Triệu", 30), ("Bàn", 25), ("Lý", 15), ("Đặng", 20), ("Phùng", 10)],
        style: &DAO,
    },
    Ethnic {
        name: "Khơ Mú",
        families: &[("Lò", 30), ("Quàng", 25), ("Vì", 20), ("Lường", 10), ("Cà", 8), ("Tòng", 7)],
        style: &KHMU,
    },
    Ethnic {
        name: "Xinh Mun",
        families: &[("Lò", 30), ("Vì", 25), ("Lường", 20), ("Quàng", 15), ("Lừ", 10)],
        style: &THAI,
    },
    Ethnic {
        name: "Kháng",
        families: &[("Lò", 30), ("Quàng", 25), ("Lường", 20), ("Vì", 15), ("Cà", 10)],
        style: &THAI,
    },
    Ethnic {
        name: "Lào", families: &[("Lò", 30), ("Vì", 25), ("Lường", 20), ("Cầm", 15), ("Lù", 10)], style: &THAI
    },
    Ethnic {
        name: "La Ha",
        families: &[("Lò", 30), ("Quàng", 25), ("Cầm", 20), ("Lường", 15), ("Hoàng", 10)],
        style: &THAI,
    },
    Ethnic {
        name: "Tày",
        families: &[("Hoàng", 25), ("Nông", 20), ("Lương", 15), ("Hà", 15), ("Ma", 10), ("Vi", 8), ("Đàm", 7)],
        style: &MUONG,
    },
];

/// Staff of provincial bodies (departments, associations, enterprises, provincial schools and
/// hospitals): more Kinh than the province as a whole.
pub(crate) const PROVINCIAL_MIX: Mix = [540, 300, 45, 50, 20, 15, 5, 5, 5, 5, 10];

/// Base mix of commune and ward staff (their schools and health stations included), before the
/// regional adjustment of [`crate::units`]: more Thái and Mông than provincial bodies.
pub(crate) const COMMUNE_MIX: Mix = [235, 330, 130, 40, 25, 20, 10, 8, 8, 8, 10];

/// The mix of all public servants of the province, used by [`crate::people`].
pub(crate) const OVERALL_MIX: Mix = [400, 350, 100, 60, 30, 20, 10, 8, 8, 6, 8];

/// A full name of the group `eth` for the gender, never [`KNOWN_PERSON`].
pub(crate) fn full_name(rng: &mut Rng, eth: usize, gender: Gender) -> String {
    let e = &ETHNIC[eth];
    let family = rng.weighted(e.families);
    let (middle, givens) = match gender {
        Gender::Male => (rng.weighted(e.style.male_middle), e.style.male_given),
        Gender::Female => (rng.weighted(e.style.female_middle), e.style.female_given),
    };
    let mut given = *rng.pick(givens);
    // "Nguyễn Thu Thu" exists but is rare; the reserved demo person must stay unique.
    for _ in 0..8 {
        if given != middle && !(family == "Nguyễn" && middle == "Thị" && given == "Hường") {
            break;
        }
        given = *rng.pick(givens);
    }
    let mut name = String::with_capacity(family.len() + middle.len() + given.len() + 2);
    name.push_str(family);
    name.push(' ');
    name.push_str(middle);
    name.push(' ');
    name.push_str(given);
    if name == KNOWN_PERSON {
        // Only reachable if every retry above drew "Hường" again.
        name.replace_range(name.len() - "Hường".len().., "Hương");
    }
    name
}

//! Vietnamese text: NFC cleaning, diacritic-insensitive folding, Vietnamese sort keys, dates.

use chrono::NaiveDate;
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

/// NFC-normalises, trims and collapses every run of whitespace into one space.
///
/// Every text that enters tdkt goes through here (forms, spreadsheets, the API), so two names
/// typed with different Unicode forms (an IME in "Unicode tổ hợp" mode produces NFD) are equal.
pub fn clean(input: &str) -> String {
    // Most text arrives clean already (a bulk file holds millions of cells): then it is copied
    // as it is, after a quick check of each character instead of a decomposition and recomposition.
    if single_spaced(input) && is_nfc_quick(input.chars()) == IsNormalized::Yes {
        return input.to_string();
    }
    let nfc: String = input.nfc().collect();
    nfc.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// No whitespace at either end, and none inside but single plain spaces.
fn single_spaced(input: &str) -> bool {
    let mut after_space = true;
    for c in input.chars() {
        if c.is_whitespace() {
            if c != ' ' || after_space {
                return false;
            }
            after_space = true;
        } else {
            after_space = false;
        }
    }
    input.is_empty() || !after_space
}

/// Folds text for searching: no diacritics, `đ` becomes `d`, lower case, only letters and digits
/// separated by single spaces. `fold("Nguyễn Thị Hường") == "nguyen thi huong"`.
pub fn fold(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    let mut pending_space = false;
    for c in input.nfd() {
        if is_combining_mark(c) {
            continue;
        }
        let c = match c {
            'đ' | 'Đ' | 'ð' | 'Ð' => 'd',
            _ => c,
        };
        if c.is_alphanumeric() {
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            out.extend(c.to_lowercase());
        } else {
            pending_space = true;
        }
    }
    out
}

/// Splits a folded query into the words that must all be found.
pub fn query_terms(query: &str) -> Vec<String> {
    fold(query).split(' ').filter(|w| !w.is_empty()).map(str::to_owned).collect()
}

/// The Vietnamese alphabet in dictionary order, with the foreign letters f j w z where they
/// fall in the Latin order.
const ALPHABET: &[char] = &[
    'a', 'ă', 'â', 'b', 'c', 'd', 'đ', 'e', 'ê', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o', 'ô', 'ơ', 'p', 'q',
    'r', 's', 't', 'u', 'ư', 'v', 'w', 'x', 'y', 'z',
];

/// Tone of a syllable, in dictionary order: level, grave, hook, tilde, acute, dot below.
fn tone_rank(mark: char) -> Option<u8> {
    match mark {
        '\u{300}' => Some(1), // huyền
        '\u{309}' => Some(2), // hỏi
        '\u{303}' => Some(3), // ngã
        '\u{301}' => Some(4), // sắc
        '\u{323}' => Some(5), // nặng
        _ => None,
    }
}

// Separators of a sort key. They sort below every letter code so that a shorter word or name
// comes before a longer one that starts the same way.
const END_OF_LETTERS: char = ' ';
const SECTION: char = '!';
const WORD: char = '"';

/// Sort key of one word: its letters (with ă â ê ô ơ ư đ as letters of their own), then its tone.
fn word_key(word: &str, out: &mut String) {
    let mut tone = 0u8;
    let mut letters: Vec<char> = Vec::with_capacity(word.len());
    for c in word.nfd().flat_map(char::to_lowercase) {
        if let Some(t) = tone_rank(c) {
            tone = tone.max(t);
            continue;
        }
        match (c, letters.last().copied()) {
            ('\u{306}', Some('a')) => *letters.last_mut().expect("checked") = 'ă',
            ('\u{302}', Some('a')) => *letters.last_mut().expect("checked") = 'â',
            ('\u{302}', Some('e')) => *letters.last_mut().expect("checked") = 'ê',
            ('\u{302}', Some('o')) => *letters.last_mut().expect("checked") = 'ô',
            ('\u{31b}', Some('o')) => *letters.last_mut().expect("checked") = 'ơ',
            ('\u{31b}', Some('u')) => *letters.last_mut().expect("checked") = 'ư',
            _ if is_combining_mark(c) => {}
            _ => letters.push(c),
        }
    }
    for c in letters {
        if let Some(rank) = ALPHABET.iter().position(|&a| a == c) {
            out.push(char::from(b'A' + rank as u8));
        } else if c.is_ascii_digit() {
            out.push(char::from(b'#' + (c as u8 - b'0')));
        } else if c.is_alphanumeric() {
            // A letter outside the Vietnamese alphabet sorts after all of it, by code point.
            out.push('~');
            out.push(c);
        }
    }
    out.push(END_OF_LETTERS);
    out.push(char::from(b'0' + tone));
}

/// Sort key of a text in Vietnamese order (word by word; in each word letters first, then tone).
/// Keys compare correctly as plain bytes, so the database sorts them with a binary collation.
pub fn sort_key(input: &str) -> String {
    let mut out = String::new();
    for (i, w) in words(input).enumerate() {
        if i > 0 {
            out.push(WORD);
        }
        word_key(w, &mut out);
    }
    out
}

/// Sort key of a person's full name the way Vietnamese lists are ordered: by given name, then
/// middle name, then family name. The family name is the first word, the given name the last.
pub fn person_sort_key(full_name: &str) -> String {
    let ws: Vec<&str> = words(full_name).collect();
    let mut out = String::new();
    let section = |out: &mut String, part: &[&str]| {
        for (i, w) in part.iter().enumerate() {
            if i > 0 {
                out.push(WORD);
            }
            word_key(w, out);
        }
    };
    match ws.as_slice() {
        [] => {}
        [only] => section(&mut out, &[only]),
        [family, middle @ .., given] => {
            section(&mut out, &[given]);
            out.push(SECTION);
            section(&mut out, middle);
            out.push(SECTION);
            section(&mut out, &[family]);
        }
    }
    out
}

fn words(input: &str) -> impl Iterator<Item = &str> {
    input.split(|c: char| c.is_whitespace() || c == '-' || c == ',' || c == '.').filter(|w| !w.is_empty())
}

/// Parses a date as officers write it: `dd/mm/yyyy` (also `d/m/yyyy`, `dd-mm-yyyy`,
/// `dd.mm.yyyy`) or ISO `yyyy-mm-dd`.
pub fn parse_date(input: &str) -> Option<NaiveDate> {
    let s = input.trim();
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return Some(d);
    }
    let parts: Vec<&str> = s.split(['/', '-', '.']).collect();
    if let [d, m, y] = parts.as_slice()
        && y.len() == 4
        && (1..=2).contains(&d.len())
        && (1..=2).contains(&m.len())
    {
        let (d, m, y) = (d.parse().ok()?, m.parse().ok()?, y.parse().ok()?);
        return NaiveDate::from_ymd_opt(y, m, d);
    }
    None
}

/// Formats a date the Vietnamese way: `dd/mm/yyyy`.
pub fn format_date(date: NaiveDate) -> String {
    date.format("%d/%m/%Y").to_string()
}

/// Formats a sum of money the Vietnamese way, with dots between thousands: `7.020.000`.
pub fn format_money(amount: i64) -> String {
    let digits = amount.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if amount < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out
}

/// Formats thousandths the Vietnamese way, with a decimal comma and no trailing zeros:
/// 300 → `0,3`, 3000 → `3`, 1250 → `1,25`.
pub fn format_thousandths(value: i64) -> String {
    let sign = if value < 0 { "-" } else { "" };
    let v = value.unsigned_abs();
    let (whole, frac) = (v / 1000, v % 1000);
    if frac == 0 {
        return format!("{sign}{whole}");
    }
    let frac = format!("{frac:03}");
    format!("{sign}{whole},{}", frac.trim_end_matches('0'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_and_decimals_are_written_the_vietnamese_way() {
        assert_eq!(format_money(7_020_000), "7.020.000");
        assert_eq!(format_money(702_000), "702.000");
        assert_eq!(format_money(0), "0");
        assert_eq!(format_money(-1500), "-1.500");
        assert_eq!(format_thousandths(300), "0,3");
        assert_eq!(format_thousandths(3000), "3");
        assert_eq!(format_thousandths(1250), "1,25");
    }

    #[test]
    fn clean_makes_nfc_and_single_spaces() {
        let nfd = "Nguye\u{302}\u{303}n  Thi\u{323}\tHu\u{31b}o\u{31b}\u{300}ng ";
        assert_eq!(clean(nfd), "Nguyễn Thị Hường");
        assert_eq!(clean(nfd), clean("Nguyễn Thị Hường"));
    }

    #[test]
    fn clean_gives_the_same_text_on_its_quick_path_as_on_the_full_one() {
        // The slow path, written out: what `clean` must give for every input.
        let slow = |s: &str| s.nfc().collect::<String>().split_whitespace().collect::<Vec<_>>().join(" ");
        for s in [
            "",
            " ",
            "a",
            "Sáng kiến đổi mới phương pháp dạy học",
            " Sở Nội vụ",
            "Sở Nội vụ ",
            "Sở  Nội vụ",
            "Sở\tNội vụ",
            "Sở\u{a0}Nội vụ",
            "Sở\u{3000}Nội vụ",
            "Nguye\u{302}\u{303}n",
            "Hu\u{31b}o\u{31b}\u{300}ng",
            "e\u{301}",
            "\u{1e9b}\u{323}",
            "line\nbreak",
        ] {
            assert_eq!(clean(s), slow(s), "{s:?}");
        }
        assert!(single_spaced("a b c") && single_spaced("") && !single_spaced("a  b") && !single_spaced(" a"));
    }

    #[test]
    fn fold_strips_marks_and_d() {
        assert_eq!(fold("Nguyễn Thị Hường"), "nguyen thi huong");
        assert_eq!(fold("ĐIỆN BIÊN"), "dien bien");
        assert_eq!(fold("Điện Biên"), "dien bien");
        assert_eq!(fold("Sở Nội vụ - tỉnh Sơn La"), "so noi vu tinh son la");
        assert_eq!(fold("Giàng A Páo"), "giang a pao");
        assert_eq!(query_terms("  nguyen   THI "), vec!["nguyen", "thi"]);
    }

    fn sorted(mut names: Vec<&str>, key: fn(&str) -> String) -> Vec<&str> {
        names.sort_by_key(|n| key(n));
        names
    }

    #[test]
    fn letters_follow_the_vietnamese_alphabet() {
        // a < ă < â, d < đ, o < ô < ơ, u < ư; đ sorts after every d word.
        assert_eq!(
            sorted(vec!["Đào", "Dung", "Ân", "Ăn", "An", "Ơn", "Ôn", "On", "Ưu", "Uy"], sort_key),
            vec!["An", "Ăn", "Ân", "Dung", "Đào", "On", "Ôn", "Ơn", "Uy", "Ưu"]
        );
    }

    #[test]
    fn tones_break_ties_after_letters() {
        assert_eq!(
            sorted(vec!["bạ", "bá", "bã", "bả", "bà", "ba", "bac"], sort_key),
            vec!["ba", "bà", "bả", "bã", "bá", "bạ", "bac"]
        );
        // Letters decide before tones: "Hà" < "Hai".
        assert_eq!(sorted(vec!["Hai", "Hà"], sort_key), vec!["Hà", "Hai"]);
    }

    #[test]
    fn people_sort_by_given_then_middle_then_family() {
        let names = vec![
            "Trần Văn Bình",
            "Nguyễn Thị Hường",
            "Lò Văn An",
            "Nguyễn Văn An",
            "Đặng Thị Hường",
            "Nguyễn Thị An",
            "Giàng A Páo",
        ];
        assert_eq!(
            sorted(names, person_sort_key),
            vec![
                "Nguyễn Thị An",
                "Lò Văn An",
                "Nguyễn Văn An",
                "Trần Văn Bình",
                "Đặng Thị Hường",
                "Nguyễn Thị Hường",
                "Giàng A Páo",
            ]
        );
    }

    #[test]
    fn nfd_and_nfc_give_the_same_keys() {
        let nfd = "Nguye\u{302}\u{303}n Thi\u{323} Hu\u{31b}o\u{31b}\u{300}ng";
        assert_eq!(person_sort_key(nfd), person_sort_key("Nguyễn Thị Hường"));
        assert_eq!(fold(nfd), fold("Nguyễn Thị Hường"));
    }

    #[test]
    fn dates_read_and_write_the_vietnamese_way() {
        let d = NaiveDate::from_ymd_opt(2026, 3, 5).expect("valid");
        assert_eq!(parse_date("05/03/2026"), Some(d));
        assert_eq!(parse_date("5/3/2026"), Some(d));
        assert_eq!(parse_date("2026-03-05"), Some(d));
        assert_eq!(parse_date("05.03.2026"), Some(d));
        assert_eq!(parse_date("31/02/2026"), None);
        assert_eq!(parse_date("03/2026"), None);
        assert_eq!(format_date(d), "05/03/2026");
    }
}

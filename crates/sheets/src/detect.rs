//! Guessing what an uploaded file is from its first bytes.

/// What the bytes of an upload look like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// No bytes at all.
    Empty,
    /// A ZIP container: `.xlsx`, `.xlsm`, `.xlsb`, `.ods`, or some other zipped document.
    Zip,
    /// An OLE compound file: `.xls`, an encrypted `.xlsx`, or an old Word document.
    Cfb,
    /// HTML or XML, which some programs save under an `.xls` name.
    Markup,
    /// Text with a UTF-16 byte-order mark.
    Utf16 { big_endian: bool },
    /// Text assumed to be UTF-8 (validated later, with a precise error).
    Text,
    /// Anything else.
    Binary,
}

const ZIP: &[u8] = b"PK\x03\x04";
const CFB: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";

/// Signatures of common files that are certainly not spreadsheets even if their first bytes
/// happen to be printable.
const NOT_SHEETS: &[&[u8]] = &[
    b"%PDF",
    b"\x89PNG",
    b"\xFF\xD8\xFF",
    b"GIF8",
    b"RIFF",
    b"\x1F\x8B",
    b"7z\xBC\xAF\x27\x1C",
    b"Rar!",
    b"{\\rtf",
    b"PK\x05\x06",
    b"PK\x07\x08",
];

/// Classifies `bytes`; `file_name` only matters for text that does not look like text.
pub(crate) fn detect(bytes: &[u8], file_name: &str) -> Kind {
    if bytes.is_empty() {
        return Kind::Empty;
    }
    if bytes.starts_with(ZIP) {
        return Kind::Zip;
    }
    if bytes.starts_with(CFB) {
        return Kind::Cfb;
    }
    if bytes.starts_with(b"\xFF\xFE") {
        return Kind::Utf16 { big_endian: false };
    }
    if bytes.starts_with(b"\xFE\xFF") {
        return Kind::Utf16 { big_endian: true };
    }
    if NOT_SHEETS.iter().any(|sig| bytes.starts_with(sig)) {
        return Kind::Binary;
    }
    let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if is_markup(text) {
        return Kind::Markup;
    }
    if bytes.starts_with(b"\xEF\xBB\xBF") || has_text_extension(file_name) || looks_like_text(bytes) {
        Kind::Text
    } else {
        Kind::Binary
    }
}

fn has_text_extension(file_name: &str) -> bool {
    let lower = file_name.trim().to_lowercase();
    [".csv", ".tsv", ".txt"].iter().any(|ext| lower.ends_with(ext))
}

/// True for HTML or XML documents (leading whitespace allowed).
fn is_markup(text: &[u8]) -> bool {
    let start = text.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(text.len());
    let head: Vec<u8> = text[start..].iter().take(16).map(u8::to_ascii_lowercase).collect();
    ["<?xml", "<html", "<!doctype", "<table", "<head", "<meta"].iter().any(|p| head.starts_with(p.as_bytes()))
}

/// True when the start of `bytes` reads like text in some 8-bit or UTF-8 encoding: no NUL
/// bytes, almost no control characters, and mostly ASCII.
fn looks_like_text(bytes: &[u8]) -> bool {
    let sample = &bytes[..bytes.len().min(8192)];
    if sample.contains(&0) {
        return false;
    }
    let controls = sample.iter().filter(|&&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0C)).count();
    let ascii = sample.iter().filter(|&&b| b < 0x80).count();
    // A sample cut in the middle of a UTF-8 sequence still counts as UTF-8.
    let utf8 = std::str::from_utf8(sample).map_or_else(|e| e.error_len().is_none(), |_| true);
    if utf8 && controls == 0 {
        return true;
    }
    controls * 100 <= sample.len() && ascii * 10 >= sample.len() * 7
}

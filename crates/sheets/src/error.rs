//! Errors of reading and writing spreadsheets, worded for a commune office clerk.

/// Why a spreadsheet could not be read or written.
///
/// The `Display` text is Vietnamese and meant to be shown as is to the person who uploaded the
/// file, so it says what to do where that is possible.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SheetError {
    /// The file has no content at all.
    #[error("Tệp trống")]
    Empty,
    /// The file is something else: a PDF, an image, a Word document, random bytes.
    #[error("Tệp không phải bảng tính Excel (.xlsx) hay CSV")]
    NotSpreadsheet,
    /// The file is a web page or XML that some programs save with an `.xls` name.
    #[error(
        "Tệp không phải bảng tính Excel thật (có thể là trang HTML hoặc XML mang đuôi .xls): \
         hãy mở tệp bằng Excel rồi lưu lại dạng “Excel Workbook (.xlsx)”"
    )]
    HtmlOrXml,
    /// A text file that is not UTF-8, typically a CSV saved by Excel in the Windows code page.
    #[error(
        "Tệp CSV không phải mã UTF-8: hãy lưu lại bằng “CSV UTF-8” trong Excel \
         (byte lỗi ở vị trí {offset}, dòng {line})"
    )]
    NotUtf8 {
        /// Zero-based offset of the first invalid byte in the file.
        offset: usize,
        /// One-based line of the first invalid byte.
        line: usize,
    },
    /// The workbook is encrypted with a password.
    #[error("Tệp Excel đang đặt mật khẩu: hãy gỡ mật khẩu (File → Info → Protect Workbook) rồi tải lên lại")]
    Encrypted,
    /// The file looks like a spreadsheet but the reader failed; the text says why.
    #[error("Không đọc được bảng tính: {0}")]
    Unreadable(String),
    /// The workbook contains no worksheet.
    #[error("Bảng tính không có trang nào")]
    NoSheet,
    /// The first worksheet (or the CSV) has no non-empty row at all.
    #[error("Không tìm thấy dòng tiêu đề: trang tính đầu tiên không có dữ liệu")]
    NoHeader,
    /// More data rows than [`crate::MAX_ROWS`].
    #[error("Tệp có quá {limit} dòng: hãy chia thành nhiều tệp nhỏ hơn")]
    TooManyRows {
        /// The limit that was exceeded.
        limit: usize,
    },
    /// More cells than [`crate::MAX_CELLS`], often because of stray values far to the right.
    #[error("Bảng tính quá lớn (quá {limit} ô): hãy xoá các cột, dòng thừa hoặc chia nhỏ tệp")]
    TooManyCells {
        /// The limit that was exceeded.
        limit: usize,
    },
    /// Producing an `.xlsx` file failed.
    #[error("Không tạo được tệp Excel: {0}")]
    Write(String),
}

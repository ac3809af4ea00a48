//! Files kept outside the database: dossier attachments, addressed by the SHA-256 of their
//! content (`ab/abcdef…` under the root folder). The same content is stored once; a file is
//! written under a temporary name and renamed into place, so a reader never sees half a file and
//! a failed upload leaves nothing behind. The database row that names the file is written after
//! the file, in the caller's transaction: an abandoned transaction leaves at most an unnamed file,
//! never a row without its content.
//!
//! [`check`] decides whether an upload is accepted: its size, and its type read from the content
//! (the name's extension is only compared with it).

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use tdkt_domain::error::Invalid;

use crate::error::{StoreError, StoreResult};

/// The kinds of file a dossier takes, as read from their first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileType {
    pub media_type: &'static str,
    /// Extensions a name of this type may end with.
    pub extensions: &'static [&'static str],
    pub label: &'static str,
}

pub const ACCEPTED: &[FileType] = &[
    FileType { media_type: "application/pdf", extensions: &["pdf"], label: "PDF" },
    FileType {
        media_type: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        extensions: &["docx"],
        label: "Word (.docx)",
    },
    FileType { media_type: "application/msword", extensions: &["doc"], label: "Word 97–2003 (.doc)" },
    FileType {
        media_type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        extensions: &["xlsx"],
        label: "Excel (.xlsx)",
    },
    FileType { media_type: "application/vnd.ms-excel", extensions: &["xls"], label: "Excel 97–2003 (.xls)" },
    FileType { media_type: "image/jpeg", extensions: &["jpg", "jpeg"], label: "ảnh JPEG" },
    FileType { media_type: "image/png", extensions: &["png"], label: "ảnh PNG" },
];

/// The accepted kinds, for messages and the form's `accept` attribute.
pub fn accepted_labels() -> String {
    ACCEPTED.iter().map(|t| t.label).collect::<Vec<_>>().join(", ")
}

pub fn accept_attribute() -> String {
    ACCEPTED.iter().flat_map(|t| t.extensions.iter().map(|e| format!(".{e}"))).collect::<Vec<_>>().join(",")
}

/// The type of an upload read from its content, or why it is refused. `field` names the form
/// field in the error.
pub fn check(field: &str, file_name: &str, bytes: &[u8], max_bytes: usize) -> Result<FileType, Invalid> {
    if bytes.is_empty() {
        return Err(Invalid::one(field, format!("tệp “{file_name}” rỗng")));
    }
    if bytes.len() > max_bytes {
        return Err(Invalid::one(
            field,
            format!(
                "tệp “{file_name}” có {} MB, quá giới hạn {} MB",
                bytes.len().div_ceil(1024 * 1024),
                max_bytes / (1024 * 1024)
            ),
        ));
    }
    let found = infer::get(bytes).map(|k| k.mime_type());
    let Some(t) = found.and_then(|m| ACCEPTED.iter().find(|t| t.media_type == m)) else {
        return Err(Invalid::one(
            field,
            format!("nội dung tệp “{file_name}” không phải loại được nhận ({})", accepted_labels()),
        ));
    };
    let ext = Path::new(file_name).extension().and_then(|e| e.to_str()).map(str::to_lowercase).unwrap_or_default();
    if !t.extensions.contains(&ext.as_str()) {
        return Err(Invalid::one(
            field,
            format!("tệp “{file_name}” có nội dung {} nhưng tên lại có đuôi “.{ext}”", t.label),
        ));
    }
    Ok(*t)
}

/// The SHA-256 of `bytes`, in lower-case hex: the file's address.
pub fn address(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// A folder of content-addressed files.
#[derive(Debug, Clone)]
pub struct FileStore {
    root: PathBuf,
}

impl FileStore {
    pub fn new(root: impl Into<PathBuf>) -> FileStore {
        FileStore { root: root.into() }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    fn path_of(&self, sha: &str) -> StoreResult<PathBuf> {
        if sha.len() != 64 || !sha.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()) {
            return Err(StoreError::Other(format!("địa chỉ tệp không hợp lệ: {sha}")));
        }
        Ok(self.root.join(&sha[..2]).join(sha))
    }

    /// Stores `bytes` and returns their address; content already stored is not written again.
    pub async fn put(&self, bytes: &[u8]) -> StoreResult<String> {
        let sha = address(bytes);
        let path = self.path_of(&sha)?;
        if tokio::fs::try_exists(&path).await.unwrap_or(false) {
            return Ok(sha);
        }
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_else(|| self.root.clone());
        let io = |e: std::io::Error| StoreError::Other(format!("không ghi được tệp vào {}: {e}", dir.display()));
        tokio::fs::create_dir_all(&dir).await.map_err(io)?;
        // A name no other writer uses: the address and a counter unique to this process.
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let tmp = dir.join(format!(".{sha}.{}.{n}.part", std::process::id()));
        let written = async {
            let mut f = tokio::fs::File::create(&tmp).await?;
            tokio::io::AsyncWriteExt::write_all(&mut f, bytes).await?;
            f.sync_all().await?;
            tokio::fs::rename(&tmp, &path).await
        }
        .await;
        if let Err(e) = written {
            let _ = tokio::fs::remove_file(&tmp).await;
            return Err(io(e));
        }
        Ok(sha)
    }

    /// The content at `sha`; an error if it is missing or does not match its address.
    pub async fn get(&self, sha: &str) -> StoreResult<Vec<u8>> {
        let path = self.path_of(sha)?;
        let bytes = tokio::fs::read(&path).await.map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => StoreError::NotFound("tệp đính kèm"),
            _ => StoreError::Other(format!("không đọc được tệp {}: {e}", path.display())),
        })?;
        if address(&bytes) != sha {
            return Err(StoreError::Other(format!("tệp {} đã bị thay đổi ngoài hệ thống", path.display())));
        }
        Ok(bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PDF: &[u8] = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n";
    const PNG: &[u8] = &[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, b'I', b'H', b'D', b'R'];

    #[test]
    fn the_type_comes_from_the_content() {
        assert_eq!(check("tep", "to-trinh.pdf", PDF, 1 << 20).map(|t| t.media_type), Ok("application/pdf"));
        assert_eq!(check("tep", "Ảnh.PNG", PNG, 1 << 20).map(|t| t.media_type), Ok("image/png"));
        // A script renamed to .pdf is refused, and so is a PDF named .docx.
        let e = check("tep", "to-trinh.pdf", b"#!/bin/sh\nrm -rf /\n", 1 << 20).unwrap_err();
        assert!(e.to_string().contains("không phải loại được nhận"), "{e}");
        let e = check("tep", "bao-cao.docx", PDF, 1 << 20).unwrap_err();
        assert!(e.to_string().contains("đuôi"), "{e}");
        assert!(check("tep", "x.pdf", b"", 1 << 20).is_err());
        let e = check("tep", "lon.pdf", PDF, 10).unwrap_err();
        assert!(e.to_string().contains("quá giới hạn"), "{e}");
        assert_eq!(e.0[0].field, "tep");
    }

    #[tokio::test]
    async fn files_are_stored_once_by_content_and_checked_when_read() {
        let dir = std::env::temp_dir().join(format!("tdkt-files-{}-{}", std::process::id(), address(b"t")));
        let store = FileStore::new(&dir);
        let a = store.put(PDF).await.unwrap();
        let b = store.put(PDF).await.unwrap();
        assert_eq!(a, b);
        assert_eq!(store.get(&a).await.unwrap(), PDF);
        assert!(matches!(store.get(&address(b"other")).await, Err(StoreError::NotFound(_))));
        assert!(store.get("../../etc/passwd").await.is_err());
        // A file changed behind the system's back is not served.
        std::fs::write(dir.join(&a[..2]).join(&a), b"changed").unwrap();
        assert!(store.get(&a).await.is_err());
        let _ = std::fs::remove_dir_all(&dir);
    }
}

//! Files kept outside the database: dossier attachments, addressed by the SHA-256 of their
//! content (`ab/abcdef…` under the root folder). The same content is stored once; a file is
//! written under a temporary name and renamed into place, so a reader never sees half a file and
//! a failed upload leaves nothing behind. The database row that names the file is written after
//! the file, in the caller's transaction: an abandoned transaction leaves at most an unnamed file,
//! never a row without its content.
//!
//! [`check`] decides whether an upload is accepted: its size, and its type read from the content
//! (the name's extension is only compared with it).
//!
//! [`Blobs`] is where the content goes: a folder on disk ([`FileStore`], the default), or an
//! S3-compatible object store ([`S3Store`]: AWS S3, MinIO, Ceph, a provider's object storage),
//! chosen by configuration. Both address content by its SHA-256 and check it when reading.

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

/// A file kept in the store, as the record it belongs to refers to it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StoredFile {
    pub name: String,
    pub media_type: String,
    pub size: i64,
    pub sha256: String,
}

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

/// Where attachments are kept.
#[derive(Debug, Clone)]
pub enum Blobs {
    Disk(FileStore),
    S3(Box<S3Store>),
}

impl Blobs {
    pub fn disk(root: impl Into<PathBuf>) -> Blobs {
        Blobs::Disk(FileStore::new(root))
    }

    /// Stores `bytes` and returns their address; content already stored is not written again.
    pub async fn put(&self, bytes: &[u8]) -> StoreResult<String> {
        match self {
            Blobs::Disk(f) => f.put(bytes).await,
            Blobs::S3(s) => s.put(bytes).await,
        }
    }

    /// The content at `sha`; an error if it is missing or does not match its address.
    pub async fn get(&self, sha: &str) -> StoreResult<Vec<u8>> {
        match self {
            Blobs::Disk(f) => f.get(sha).await,
            Blobs::S3(s) => s.get(sha).await,
        }
    }

    /// Where the files are, for messages ("thư mục data/files", "kho S3 tdkt tại ...").
    pub fn describe(&self) -> String {
        match self {
            Blobs::Disk(f) => format!("thư mục {}", f.root().display()),
            Blobs::S3(s) => format!("kho S3 “{}” tại {}", s.bucket.name(), s.bucket.base_url()),
        }
    }
}

/// How to reach an S3-compatible bucket.
#[derive(Clone, PartialEq, Eq)]
pub struct S3Config {
    /// `https://s3.example.vn` or `http://127.0.0.1:9000`.
    pub endpoint: String,
    pub bucket: String,
    pub region: String,
    pub access_key: String,
    pub secret_key: String,
    /// Address the bucket in the path (`endpoint/bucket/key`, as MinIO and most S3-compatible
    /// stores expect) rather than in the host name (`bucket.endpoint/key`).
    pub path_style: bool,
    /// Keys start with this (`tdkt/`), so one bucket can hold several installations.
    pub prefix: String,
}

impl std::fmt::Debug for S3Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the secret key.
        f.debug_struct("S3Config")
            .field("endpoint", &self.endpoint)
            .field("bucket", &self.bucket)
            .field("region", &self.region)
            .field("access_key", &self.access_key)
            .field("path_style", &self.path_style)
            .field("prefix", &self.prefix)
            .finish_non_exhaustive()
    }
}

/// Content-addressed files in an S3-compatible bucket, through presigned requests (rusty-s3
/// signs, reqwest sends).
#[derive(Clone)]
pub struct S3Store {
    bucket: rusty_s3::Bucket,
    credentials: rusty_s3::Credentials,
    prefix: String,
    http: reqwest::Client,
}

impl std::fmt::Debug for S3Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the secret key.
        f.debug_struct("S3Store").field("bucket", &self.bucket.name()).field("prefix", &self.prefix).finish()
    }
}

/// How long a signed request stays valid.
const SIGNED_FOR: std::time::Duration = std::time::Duration::from_secs(300);

impl S3Store {
    pub fn new(c: &S3Config) -> StoreResult<S3Store> {
        let bad = |m: String| StoreError::Other(format!("cấu hình kho S3: {m}"));
        let endpoint = url::Url::parse(&c.endpoint).map_err(|e| bad(format!("địa chỉ “{}”: {e}", c.endpoint)))?;
        let style = if c.path_style { rusty_s3::UrlStyle::Path } else { rusty_s3::UrlStyle::VirtualHost };
        let bucket = rusty_s3::Bucket::new(endpoint, style, c.bucket.clone(), c.region.clone())
            .map_err(|e| bad(format!("kho “{}”: {e}", c.bucket)))?;
        let http = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(60))
            .build()
            .map_err(|e| bad(e.to_string()))?;
        Ok(S3Store {
            bucket,
            credentials: rusty_s3::Credentials::new(c.access_key.clone(), c.secret_key.clone()),
            prefix: c.prefix.clone(),
            http,
        })
    }

    fn key(&self, sha: &str) -> StoreResult<String> {
        if sha.len() != 64 || !sha.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()) {
            return Err(StoreError::Other(format!("địa chỉ tệp không hợp lệ: {sha}")));
        }
        Ok(format!("{}{}/{sha}", self.prefix, &sha[..2]))
    }

    fn failed(&self, what: &str, e: impl std::fmt::Display) -> StoreError {
        StoreError::Other(format!("kho S3 “{}”: {what}: {e}", self.bucket.name()))
    }

    pub async fn put(&self, bytes: &[u8]) -> StoreResult<String> {
        use rusty_s3::S3Action;
        let sha = address(bytes);
        let key = self.key(&sha)?;
        let head = self.bucket.head_object(Some(&self.credentials), &key).sign(SIGNED_FOR);
        let r = self.http.head(head).send().await.map_err(|e| self.failed("không kết nối được", e))?;
        if r.status().is_success() {
            return Ok(sha);
        }
        let put = self.bucket.put_object(Some(&self.credentials), &key).sign(SIGNED_FOR);
        let r =
            self.http.put(put).body(bytes.to_vec()).send().await.map_err(|e| self.failed("không gửi được tệp", e))?;
        if !r.status().is_success() {
            return Err(self.failed("không ghi được tệp", r.status()));
        }
        Ok(sha)
    }

    pub async fn get(&self, sha: &str) -> StoreResult<Vec<u8>> {
        use rusty_s3::S3Action;
        let key = self.key(sha)?;
        let url = self.bucket.get_object(Some(&self.credentials), &key).sign(SIGNED_FOR);
        let r = self.http.get(url).send().await.map_err(|e| self.failed("không kết nối được", e))?;
        if r.status() == reqwest::StatusCode::NOT_FOUND {
            return Err(StoreError::NotFound("tệp đính kèm"));
        }
        if !r.status().is_success() {
            return Err(self.failed("không đọc được tệp", r.status()));
        }
        let bytes = r.bytes().await.map_err(|e| self.failed("không đọc được tệp", e))?.to_vec();
        if address(&bytes) != sha {
            return Err(self.failed(&format!("tệp {key}"), "đã bị thay đổi ngoài hệ thống"));
        }
        Ok(bytes)
    }

    /// Creates the bucket if it does not exist (for tests and first installs).
    pub async fn ensure_bucket(&self) -> StoreResult<()> {
        use rusty_s3::S3Action;
        let head = self.bucket.head_bucket(Some(&self.credentials)).sign(SIGNED_FOR);
        let r = self.http.head(head).send().await.map_err(|e| self.failed("không kết nối được", e))?;
        if r.status().is_success() {
            return Ok(());
        }
        let create = self.bucket.create_bucket(&self.credentials).sign(SIGNED_FOR);
        let r = self
            .http
            .put(create)
            .header(reqwest::header::CONTENT_LENGTH, "0")
            .send()
            .await
            .map_err(|e| self.failed("không tạo được kho", e))?;
        if !r.status().is_success() {
            return Err(self.failed("không tạo được kho", r.status()));
        }
        Ok(())
    }

    /// Writes `bytes` under `sha`'s key as they are, unchecked: only the tests use it, to damage a
    /// stored file and see that reading it is refused.
    #[doc(hidden)]
    pub async fn overwrite_for_test(&self, sha: &str, bytes: &[u8]) -> StoreResult<()> {
        use rusty_s3::S3Action;
        let key = self.key(sha)?;
        let put = self.bucket.put_object(Some(&self.credentials), &key).sign(SIGNED_FOR);
        let r = self.http.put(put).body(bytes.to_vec()).send().await.map_err(|e| self.failed("ghi", e))?;
        if !r.status().is_success() {
            return Err(self.failed("ghi", r.status()));
        }
        Ok(())
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

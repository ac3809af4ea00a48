//! Configuration: compiled-in defaults < TOML file < `TDKT_*` environment < command-line flags,
//! validated at start with messages that say which setting is wrong and why.

use std::net::SocketAddr;

use serde::{Deserialize, Serialize};

/// Every setting of `tdkt serve`. `tdkt config example` prints this with its defaults.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Address to listen on (TDKT_ADDR, --addr).
    pub addr: String,
    /// sqlite://path or postgres://user@host/db (TDKT_DATABASE_URL, --database-url).
    pub database_url: String,
    /// Province shown in page headers (TDKT_PROVINCE).
    pub province: String,
    /// The emulation year in progress: its clusters and blocks give block heads their reach (TDKT_CURRENT_YEAR).
    pub current_year: i32,
    /// "auto" (Secure cookies unless listening on loopback), "true" or "false" (TDKT_SECURE_COOKIES).
    pub secure_cookies: String,
    /// Minutes of inactivity before a session ends (TDKT_SESSION_MINUTES).
    pub session_minutes: i64,
    /// Largest upload accepted, in MiB (TDKT_MAX_UPLOAD_MB).
    pub max_upload_mb: usize,
    /// Folder of the dossiers' attached files, stored by content (TDKT_FILES_DIR).
    pub files_dir: String,
    /// An S3-compatible object store for the attached files instead of `files_dir`: its address
    /// (https://s3.example.vn, http://127.0.0.1:9000); empty: the folder (TDKT_FILES_S3_ENDPOINT).
    pub files_s3_endpoint: String,
    /// The bucket (TDKT_FILES_S3_BUCKET).
    pub files_s3_bucket: String,
    /// The region the store signs for (TDKT_FILES_S3_REGION).
    pub files_s3_region: String,
    /// Access key and secret (TDKT_FILES_S3_ACCESS_KEY, TDKT_FILES_S3_SECRET_KEY; keep the
    /// secret in the environment rather than in the file).
    pub files_s3_access_key: String,
    pub files_s3_secret_key: String,
    /// Bucket in the path (endpoint/bucket/key) rather than in the host name (TDKT_FILES_S3_PATH_STYLE).
    pub files_s3_path_style: bool,
    /// Start of every key, so that one bucket can serve several installations (TDKT_FILES_S3_PREFIX).
    pub files_s3_prefix: String,
    /// Take the client address for login rate limiting from the last X-Forwarded-For entry
    /// (set this only behind a reverse proxy that writes that header) (TDKT_TRUST_PROXY).
    pub trust_proxy: bool,
    /// Public address of the server, printed in certificates' QR codes; empty: the address
    /// the request came to (TDKT_PUBLIC_URL).
    pub public_url: String,
    /// Log filter, as RUST_LOG (TDKT_LOG).
    pub log: String,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            addr: "127.0.0.1:8080".into(),
            database_url: "sqlite://data/tdkt.db".into(),
            province: "Sơn La".into(),
            current_year: 2026,
            secure_cookies: "auto".into(),
            session_minutes: 480,
            max_upload_mb: 20,
            files_dir: "data/files".into(),
            files_s3_endpoint: String::new(),
            files_s3_bucket: String::new(),
            files_s3_region: "us-east-1".into(),
            files_s3_access_key: String::new(),
            files_s3_secret_key: String::new(),
            files_s3_path_style: true,
            files_s3_prefix: "tdkt/".into(),
            trust_proxy: false,
            public_url: String::new(),
            log: "info".into(),
        }
    }
}

/// Where each layer comes from; tests pass their own environment.
pub struct Sources<'a> {
    pub file: Option<&'a str>,
    pub env: &'a dyn Fn(&str) -> Option<String>,
    pub addr_flag: Option<String>,
    pub database_url_flag: Option<String>,
}

impl Config {
    pub fn load(src: Sources<'_>) -> Result<Config, String> {
        let mut c = match src.file {
            Some(path) => {
                let text =
                    std::fs::read_to_string(path).map_err(|e| format!("Không đọc được tệp cấu hình {path}: {e}"))?;
                toml::from_str(&text).map_err(|e| format!("Tệp cấu hình {path} không hợp lệ: {e}"))?
            }
            None => Config::default(),
        };
        let env = src.env;
        let num = |key: &str, v: String| -> Result<i64, String> {
            v.trim().parse::<i64>().map_err(|_| format!("{key} phải là số nguyên (nhận được “{v}”)"))
        };
        if let Some(v) = env("TDKT_ADDR") {
            c.addr = v;
        }
        if let Some(v) = env("TDKT_DATABASE_URL") {
            c.database_url = v;
        }
        if let Some(v) = env("TDKT_PROVINCE") {
            c.province = v;
        }
        if let Some(v) = env("TDKT_CURRENT_YEAR") {
            c.current_year = num("TDKT_CURRENT_YEAR", v)? as i32;
        }
        if let Some(v) = env("TDKT_SECURE_COOKIES") {
            c.secure_cookies = v;
        }
        if let Some(v) = env("TDKT_SESSION_MINUTES") {
            c.session_minutes = num("TDKT_SESSION_MINUTES", v)?;
        }
        if let Some(v) = env("TDKT_MAX_UPLOAD_MB") {
            c.max_upload_mb = num("TDKT_MAX_UPLOAD_MB", v)?.max(0) as usize;
        }
        if let Some(v) = env("TDKT_FILES_DIR") {
            c.files_dir = v;
        }
        for (key, field) in [
            ("TDKT_FILES_S3_ENDPOINT", &mut c.files_s3_endpoint),
            ("TDKT_FILES_S3_BUCKET", &mut c.files_s3_bucket),
            ("TDKT_FILES_S3_REGION", &mut c.files_s3_region),
            ("TDKT_FILES_S3_ACCESS_KEY", &mut c.files_s3_access_key),
            ("TDKT_FILES_S3_SECRET_KEY", &mut c.files_s3_secret_key),
            ("TDKT_FILES_S3_PREFIX", &mut c.files_s3_prefix),
        ] {
            if let Some(v) = env(key) {
                *field = v;
            }
        }
        if let Some(v) = env("TDKT_FILES_S3_PATH_STYLE") {
            c.files_s3_path_style = match v.trim() {
                "true" | "1" => true,
                "false" | "0" => false,
                _ => return Err(format!("TDKT_FILES_S3_PATH_STYLE phải là true hoặc false (nhận được “{v}”)")),
            };
        }
        if let Some(v) = env("TDKT_TRUST_PROXY") {
            c.trust_proxy = match v.trim() {
                "true" | "1" => true,
                "false" | "0" => false,
                _ => return Err(format!("TDKT_TRUST_PROXY phải là true hoặc false (nhận được “{v}”)")),
            };
        }
        if let Some(v) = env("TDKT_PUBLIC_URL") {
            c.public_url = v;
        }
        if let Some(v) = env("TDKT_LOG") {
            c.log = v;
        }
        if let Some(v) = src.addr_flag {
            c.addr = v;
        }
        if let Some(v) = src.database_url_flag {
            c.database_url = v;
        }
        c.validate()?;
        Ok(c)
    }

    /// Checks every setting; the message names the setting.
    pub fn validate(&self) -> Result<(), String> {
        let mut errs = vec![];
        if self.addr.parse::<SocketAddr>().is_err() {
            errs.push(format!("addr: “{}” không phải địa chỉ dạng IP:cổng (ví dụ 127.0.0.1:8080)", self.addr));
        }
        if let Err(e) = tdkt_store::db::Backend::from_url(&self.database_url) {
            errs.push(format!("database_url: {e}"));
        }
        if !(2000..=2100).contains(&self.current_year) {
            errs.push(format!("current_year: {} nằm ngoài 2000–2100", self.current_year));
        }
        if !matches!(self.secure_cookies.as_str(), "auto" | "true" | "false") {
            errs.push(format!("secure_cookies: phải là auto, true hoặc false (nhận được “{}”)", self.secure_cookies));
        }
        if !(5..=10080).contains(&self.session_minutes) {
            errs.push(format!("session_minutes: {} nằm ngoài 5–10080", self.session_minutes));
        }
        if !(1..=500).contains(&self.max_upload_mb) {
            errs.push(format!("max_upload_mb: {} nằm ngoài 1–500", self.max_upload_mb));
        }
        if self.files_dir.trim().is_empty() {
            errs.push("files_dir: không được để trống".into());
        }
        if let Some(s3) = self.files_s3() {
            if s3.bucket.trim().is_empty() {
                errs.push("files_s3_bucket: cần tên kho (bucket) khi dùng files_s3_endpoint".into());
            } else if let Err(e) = tdkt_store::files::S3Store::new(&s3) {
                errs.push(format!("files_s3_endpoint: {e}"));
            }
        }
        let url = self.public_url.trim();
        if !(url.is_empty() || url.starts_with("https://") || url.starts_with("http://")) {
            errs.push(format!("public_url: “{url}” phải bắt đầu bằng https:// hoặc http://"));
        }
        if self.province.trim().is_empty() {
            errs.push("province: không được để trống".into());
        }
        if errs.is_empty() { Ok(()) } else { Err(format!("Cấu hình không hợp lệ:\n  {}", errs.join("\n  "))) }
    }

    /// Whether cookies get `Secure`: forced by the setting, else on unless on loopback.
    pub fn secure_cookies(&self) -> bool {
        match self.secure_cookies.as_str() {
            "true" => true,
            "false" => false,
            _ => !self.addr.parse::<SocketAddr>().map(|a| a.ip().is_loopback()).unwrap_or(false),
        }
    }

    /// The S3-compatible store of the attached files, when one is configured.
    pub fn files_s3(&self) -> Option<tdkt_store::files::S3Config> {
        let endpoint = self.files_s3_endpoint.trim();
        (!endpoint.is_empty()).then(|| tdkt_store::files::S3Config {
            endpoint: endpoint.to_string(),
            bucket: self.files_s3_bucket.trim().to_string(),
            region: self.files_s3_region.trim().to_string(),
            access_key: self.files_s3_access_key.clone(),
            secret_key: self.files_s3_secret_key.clone(),
            path_style: self.files_s3_path_style,
            prefix: self.files_s3_prefix.clone(),
        })
    }

    /// Where the attached files go: the S3-compatible store when configured, else the folder.
    pub fn files(&self) -> Result<tdkt_store::files::Blobs, String> {
        match self.files_s3() {
            Some(s3) => tdkt_store::files::S3Store::new(&s3)
                .map(|s| tdkt_store::files::Blobs::S3(Box::new(s)))
                .map_err(|e| format!("files_s3_endpoint: {e}")),
            None => Ok(tdkt_store::files::Blobs::disk(self.files_dir.clone())),
        }
    }

    /// The web crate's slice of the configuration; fails when the file store cannot be set up.
    pub fn web(&self) -> Result<tdkt_web::WebConfig, String> {
        Ok(tdkt_web::WebConfig {
            province: self.province.clone(),
            secure_cookies: self.secure_cookies(),
            session_minutes: self.session_minutes,
            max_upload_bytes: self.max_upload_mb * 1024 * 1024,
            files: self.files()?,
            current_year: self.current_year,
            trust_proxy: self.trust_proxy,
            public_url: Some(self.public_url.trim().trim_end_matches('/').to_string()).filter(|u| !u.is_empty()),
            ..tdkt_web::WebConfig::default()
        })
    }

    /// The documented example file (`config/example.toml`).
    pub fn example() -> String {
        let d = Config::default();
        format!(
            "# tdkt configuration. Every key is optional; shown with its default.\n\
             # Order of precedence: defaults < this file (--config) < TDKT_* environment < flags.\n\n\
             # Address to listen on (TDKT_ADDR, --addr).\naddr = \"{}\"\n\n\
             # Database: sqlite://path (created on first start) or postgres://user@host/db\n\
             # (TDKT_DATABASE_URL, --database-url).\ndatabase_url = \"{}\"\n\n\
             # Province shown in page headers (TDKT_PROVINCE).\nprovince = \"{}\"\n\n\
             # Emulation year in progress (TDKT_CURRENT_YEAR).\ncurrent_year = {}\n\n\
             # \"auto\": Secure cookies unless listening on loopback; or \"true\" / \"false\" (TDKT_SECURE_COOKIES).\nsecure_cookies = \"{}\"\n\n\
             # Minutes of inactivity before a session ends (TDKT_SESSION_MINUTES).\nsession_minutes = {}\n\n\
             # Largest upload accepted, in MiB (TDKT_MAX_UPLOAD_MB).\nmax_upload_mb = {}\n\n\
             # Folder of the files attached to dossiers, each stored once under its SHA-256\n\
             # (TDKT_FILES_DIR).\nfiles_dir = \"{}\"\n\n\
             # Or an S3-compatible object store (AWS S3, MinIO, Ceph...) for those files: its address,\n\
             # bucket, region, keys, path-style addressing and key prefix. Empty endpoint: the folder\n\
             # above. Keep the secret in TDKT_FILES_S3_SECRET_KEY rather than in this file\n\
             # (TDKT_FILES_S3_ENDPOINT, _BUCKET, _REGION, _ACCESS_KEY, _SECRET_KEY, _PATH_STYLE, _PREFIX).\n\
             files_s3_endpoint = \"{}\"\nfiles_s3_bucket = \"{}\"\nfiles_s3_region = \"{}\"\n\
             files_s3_access_key = \"{}\"\nfiles_s3_secret_key = \"{}\"\nfiles_s3_path_style = {}\n\
             files_s3_prefix = \"{}\"\n\n\
             # Behind a reverse proxy that sets X-Forwarded-For, take the client address from it\n\
             # for login rate limiting (TDKT_TRUST_PROXY).\ntrust_proxy = {}\n\n\
             # Public address of the server (https://thiduakhenthuong.example.gov.vn), printed in\n\
             # the QR code of every certificate; empty: the address the request came to\n\
             # (TDKT_PUBLIC_URL).\npublic_url = \"{}\"\n\n\
             # Log filter, as RUST_LOG (TDKT_LOG).\nlog = \"{}\"\n",
            d.addr,
            d.database_url,
            d.province,
            d.current_year,
            d.secure_cookies,
            d.session_minutes,
            d.max_upload_mb,
            d.files_dir,
            d.files_s3_endpoint,
            d.files_s3_bucket,
            d.files_s3_region,
            d.files_s3_access_key,
            d.files_s3_secret_key,
            d.files_s3_path_style,
            d.files_s3_prefix,
            d.trust_proxy,
            d.public_url,
            d.log
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_env(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn the_committed_example_is_fresh_and_parses_to_the_defaults() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../config/example.toml");
        let committed = std::fs::read_to_string(path).expect("config/example.toml exists");
        assert_eq!(committed, Config::example(), "run `tdkt config example > config/example.toml`");
        let parsed: Config = toml::from_str(&committed).expect("example parses");
        assert_eq!(parsed, Config::default());
    }

    #[test]
    fn layers_apply_in_order() {
        let dir = std::env::temp_dir().join(format!("tdkt-cfg-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let file = dir.join("t.toml");
        std::fs::write(&file, "addr = \"127.0.0.1:9000\"\nprovince = \"Lào Cai\"\n").expect("write");
        let env = |k: &str| (k == "TDKT_ADDR").then(|| "127.0.0.1:9100".to_string());
        let c = Config::load(Sources { file: file.to_str(), env: &env, addr_flag: None, database_url_flag: None })
            .expect("loads");
        assert_eq!(c.addr, "127.0.0.1:9100", "environment beats the file");
        assert_eq!(c.province, "Lào Cai", "file beats defaults");
        let c = Config::load(Sources {
            file: file.to_str(),
            env: &env,
            addr_flag: Some("127.0.0.1:9200".into()),
            database_url_flag: None,
        })
        .expect("loads");
        assert_eq!(c.addr, "127.0.0.1:9200", "flags beat the environment");
    }

    #[test]
    fn bad_settings_are_named() {
        let env = |k: &str| match k {
            "TDKT_ADDR" => Some("localhost".to_string()),
            "TDKT_DATABASE_URL" => Some("mysql://x".to_string()),
            _ => None,
        };
        let e = Config::load(Sources { file: None, env: &env, addr_flag: None, database_url_flag: None })
            .expect_err("invalid");
        assert!(e.contains("addr:") && e.contains("database_url:"), "{e}");
        let env = |k: &str| (k == "TDKT_SESSION_MINUTES").then(|| "abc".to_string());
        let e = Config::load(Sources { file: None, env: &env, addr_flag: None, database_url_flag: None })
            .expect_err("invalid");
        assert!(e.contains("TDKT_SESSION_MINUTES"), "{e}");
        let unknown = std::env::temp_dir().join(format!("tdkt-cfg-u-{}.toml", std::process::id()));
        std::fs::write(&unknown, "adress = \"x\"\n").expect("write");
        let e =
            Config::load(Sources { file: unknown.to_str(), env: &no_env, addr_flag: None, database_url_flag: None })
                .expect_err("unknown key");
        assert!(e.contains("adress"), "{e}");
    }

    #[test]
    fn cookies_are_secure_off_loopback() {
        let mut c = Config::default();
        assert!(!c.secure_cookies());
        c.addr = "0.0.0.0:8080".into();
        assert!(c.secure_cookies());
    }
}

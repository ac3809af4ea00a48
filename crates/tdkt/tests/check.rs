//! `tdkt check` as a user runs it: the real binary, a history file, JSON out, errors with a
//! non-zero exit.

#![allow(clippy::unwrap_used)]

use std::process::Command;

fn tdkt(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_tdkt")).args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

fn write(dir: &std::path::Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p.display().to_string()
}

#[test]
fn check_prints_the_verdict_as_json_with_each_route() {
    let dir = tempfile_dir("json");
    // The Ministry's worked example: eligible by the second route of Đ74 k1 d.
    let h = write(
        &dir,
        "h.json",
        r#"{"subject": {"kind": "individual", "recruited_on": "2016-09-01", "note": "extra fields are fine"},
            "ratings": [{"year": 2023, "rating": "HTXSNV"}, {"year": 2024, "rating": "HTXSNV"}],
            "awards": [{"code": "CSTD_CS", "year": 2024, "kind": "cong_trang"}],
            "initiatives": [{"year": 2023, "level": "co_so"}, {"year": 2024, "level": "co_so"}],
            "discipline": [], "pending": []}"#,
    );
    let (code, out, err) = tdkt(&["check", "--history", &h, "--award", "BK_TINH", "--year", "2024", "--json"]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["award"], "BK_TINH");
    assert_eq!(v["year"], 2024);
    assert_eq!(v["result"], "eligible");
    assert_eq!(v["rule_set"], "luat-06-2022+nd-98-2023");
    let routes = v["routes"].as_array().unwrap();
    assert_eq!(routes.len(), 3);
    assert_eq!(routes[0]["eligible"], false);
    assert_eq!(routes[1]["eligible"], true);
    let first = &routes[0]["conditions"][0];
    assert_eq!(first["status"], "not_met");
    assert_eq!(first["basis"], "Điều 74 khoản 1 điểm d Luật TĐKT 2022");
    assert!(routes[2]["conditions"][0]["status"] == "review");

    // The same history a year later under Decree 152, with a pending complaint.
    let h2 = write(
        &dir,
        "h2.json",
        r#"{"subject": {"kind": "individual"}, "awards": [{"code": "CSTD_CS", "year": 2024}, {"code": "CSTD_CS", "year": 2025}],
            "pending": ["complaint"]}"#,
    );
    let (code, out, _) = tdkt(&["check", "--history", &h2, "--award", "BK_TINH", "--year", "2025", "--json"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["result"], "not_eligible");
    assert_eq!(v["rule_set"], "luat-06-2022+nd-152-2025");

    // The text form, for people.
    let (code, out, _) = tdkt(&["check", "--history", &h, "--award", "bk_bbnt", "--year", "2024"]);
    assert_eq!(code, 0);
    assert!(out.contains("ĐỦ ĐIỀU KIỆN") && out.contains("Căn cứ: Điều 74 khoản 1 điểm d"), "{out}");
}

#[test]
fn check_refuses_bad_input_with_a_clear_message_and_a_non_zero_exit() {
    let dir = tempfile_dir("bad");
    let good = write(&dir, "good.json", r#"{"subject": {"kind": "individual"}}"#);
    let broken = write(&dir, "broken.json", r#"{"subject": {"kind": "individual"},"#);
    let wrong = write(
        &dir,
        "wrong.json",
        r#"{"subject": {"kind": "individual"}, "ratings": [{"year": 2025, "rating": "GIOI"}]}"#,
    );
    for (args, want) in [
        (vec!["--history", good.as_str(), "--award", "NOPE", "--year", "2025"], "không có mã khen thưởng “NOPE”"),
        (
            vec!["--history", good.as_str(), "--award", "LDTT", "--year", "2022"],
            "trước khi Luật Thi đua, khen thưởng 2022 có hiệu lực",
        ),
        (vec!["--history", broken.as_str(), "--award", "LDTT", "--year", "2025"], "tệp kết thúc giữa chừng"),
        (vec!["--history", wrong.as_str(), "--award", "LDTT", "--year", "2025"], "sai dữ liệu"),
        (vec!["--history", good.as_str(), "--award", "TTLDXS", "--year", "2025"], "không xét cho cá nhân"),
        (vec!["--history", "/no/such/file.json", "--award", "LDTT", "--year", "2025"], "không đọc được tệp"),
        (vec!["--history", good.as_str(), "--award", "LDTT", "--year", "2025", "--on", "31/02/2025"], "ngày xét"),
    ] {
        let mut all = vec!["check"];
        all.extend(args);
        let (code, out, err) = tdkt(&all);
        assert_ne!(code, 0, "{all:?} should fail");
        assert!(out.is_empty(), "{out}");
        assert!(err.contains(want), "{all:?}: {err}");
    }
}

fn tempfile_dir(tag: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("tdkt-check-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

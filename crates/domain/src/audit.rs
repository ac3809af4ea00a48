//! The audit log's hash chain: every entry's hash covers its fields and the previous hash, so
//! editing or deleting a stored row breaks the chain from that row on.

use serde::Serialize;
use sha2::{Digest, Sha256};

/// Hash that the first entry chains from.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The fields of one audit entry that the hash covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditFields {
    pub seq: i64,
    /// RFC 3339 UTC timestamp, as stored.
    pub at: String,
    pub actor_id: Option<i64>,
    pub actor_name: String,
    /// What happened, as `object.verb` (`person.create`, `user.login`...).
    pub action: String,
    pub object_type: String,
    pub object_id: Option<String>,
    pub unit_id: Option<i64>,
    /// JSON text with the details (changed fields, counts...).
    pub detail: String,
}

/// The hash of an entry chained to `prev_hash` (hex SHA-256).
pub fn chain_hash(fields: &AuditFields, prev_hash: &str) -> String {
    let mut h = Sha256::new();
    // Length-prefix every field so that no two different entries serialise the same way.
    let parts: [String; 10] = [
        fields.seq.to_string(),
        fields.at.clone(),
        fields.actor_id.map(|v| v.to_string()).unwrap_or_default(),
        fields.actor_name.clone(),
        fields.action.clone(),
        fields.object_type.clone(),
        fields.object_id.clone().unwrap_or_default(),
        fields.unit_id.map(|v| v.to_string()).unwrap_or_default(),
        fields.detail.clone(),
        prev_hash.to_string(),
    ];
    for p in &parts {
        h.update((p.len() as u64).to_be_bytes());
        h.update(p.as_bytes());
    }
    hex::encode(h.finalize())
}

/// A stored entry: its fields, and the hashes as stored.
#[derive(Debug, Clone)]
pub struct StoredEntry {
    pub fields: AuditFields,
    pub prev_hash: String,
    pub hash: String,
}

/// The first place where the chain does not hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokenLink {
    pub seq: i64,
    pub reason: String,
}

/// Walks entries in `seq` order, expecting the first to be number `first_seq` and to chain from
/// `expected_prev` (1 and the genesis hash for a full check; a batch continues where the last
/// one stopped), and returns the hash of the last entry, or the first broken link.
pub fn verify_chain<'a>(
    first_seq: i64,
    expected_prev: &str,
    entries: impl IntoIterator<Item = &'a StoredEntry>,
) -> Result<String, BrokenLink> {
    let mut prev = expected_prev.to_string();
    for (next_seq, e) in (first_seq..).zip(entries) {
        if e.fields.seq != next_seq {
            return Err(BrokenLink {
                seq: e.fields.seq,
                reason: format!("thiếu bản ghi: sau số {} là số {}", next_seq - 1, e.fields.seq),
            });
        }
        if e.prev_hash != prev {
            return Err(BrokenLink {
                seq: e.fields.seq,
                reason: "mã băm của bản ghi trước không khớp (bản ghi trước đã bị sửa hoặc xoá)".into(),
            });
        }
        let computed = chain_hash(&e.fields, &prev);
        if computed != e.hash {
            return Err(BrokenLink {
                seq: e.fields.seq, reason: "nội dung bản ghi đã bị sửa sau khi ghi".into()
            });
        }
        prev = computed;
    }
    Ok(prev)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: i64) -> Vec<StoredEntry> {
        let mut prev = GENESIS.to_string();
        (1..=n)
            .map(|seq| {
                let fields = AuditFields {
                    seq,
                    at: format!("2026-01-0{seq}T00:00:00Z"),
                    actor_id: Some(1),
                    actor_name: "quantri".into(),
                    action: "person.create".into(),
                    object_type: "person".into(),
                    object_id: Some(seq.to_string()),
                    unit_id: Some(3),
                    detail: "{}".into(),
                };
                let hash = chain_hash(&fields, &prev);
                let e = StoredEntry { fields, prev_hash: prev.clone(), hash: hash.clone() };
                prev = hash;
                e
            })
            .collect()
    }

    #[test]
    fn an_intact_chain_verifies() {
        let c = chain(5);
        assert_eq!(verify_chain(1, GENESIS, &c), Ok(c[4].hash.clone()));
    }

    #[test]
    fn an_edited_row_is_the_first_broken_link() {
        let mut c = chain(5);
        c[2].fields.detail = r#"{"sửa":"tay"}"#.into();
        assert_eq!(verify_chain(1, GENESIS, &c).map_err(|b| b.seq), Err(3));
    }

    #[test]
    fn a_deleted_row_is_found() {
        let mut c = chain(5);
        c.remove(1);
        assert_eq!(verify_chain(1, GENESIS, &c).map_err(|b| b.seq), Err(3));
    }
}

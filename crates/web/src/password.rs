//! Password hashing with Argon2id (default parameters: 19 MiB, 2 passes, 1 lane).

use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};

/// Hashes a password into a PHC string (`$argon2id$v=19$...`) with a fresh random salt.
pub fn hash(password: &str) -> Result<String, String> {
    Argon2::default().hash_password(password.as_bytes()).map(|h| h.to_string()).map_err(|e| e.to_string())
}

/// Whether `password` matches the stored PHC string.
pub fn verify(password: &str, phc: &str) -> bool {
    Argon2::default().verify_password(password.as_bytes(), phc).is_ok()
}

/// Checks a new password: at least 10 characters, not only digits, not the username.
pub fn check_strength(password: &str, username: &str) -> Result<(), &'static str> {
    if password.chars().count() < 10 {
        return Err("Mật khẩu cần ít nhất 10 ký tự");
    }
    if password.chars().all(|c| c.is_ascii_digit()) {
        return Err("Mật khẩu không được chỉ gồm chữ số");
    }
    if password.to_lowercase().contains(&username.to_lowercase()) && !username.is_empty() {
        return Err("Mật khẩu không được chứa tên đăng nhập");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_and_differ() {
        let a = hash("mật khẩu dài đủ").expect("hash");
        let b = hash("mật khẩu dài đủ").expect("hash");
        assert!(a.starts_with("$argon2id$"));
        assert_ne!(a, b, "salts differ");
        assert!(verify("mật khẩu dài đủ", &a));
        assert!(!verify("mat khau dai du", &a));
    }

    #[test]
    fn weak_passwords_are_refused() {
        assert!(check_strength("ngan", "u").is_err());
        assert!(check_strength("1234567890", "u").is_err());
        assert!(check_strength("quantri-2026!", "quantri").is_err());
        assert!(check_strength("Sơn La mùa hoa ban", "quantri").is_ok());
    }
}

//! Application-user passwords: argon2id hashes only (rule R6 in docs/rules.md#r6), and the rules a
//! new password must meet.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use rand_core::OsRng;

use crate::secrets::Secret;

pub const MIN_LENGTH: usize = 8;

/// Why a password was not taken.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    #[error("the password must have at least {MIN_LENGTH} characters")]
    TooShort,
    #[error("the password may not be the user name")]
    IsUserName,
    #[error("the password may not begin or end with a blank")]
    Blank,
    #[error("cannot hash the password: {0}")]
    Hash(String),
}

/// Hash a password with argon2id and a random salt (PHC string format).
pub fn hash(password: &Secret) -> Result<String, PasswordError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.expose().as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| PasswordError::Hash(e.to_string()))
}

/// Whether `password` matches a stored hash. A damaged hash never matches.
pub fn verify(password: &Secret, stored: &str) -> bool {
    PasswordHash::new(stored)
        .map(|h| {
            Argon2::default()
                .verify_password(password.expose().as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// The rules of a new password; the error says which one it breaks.
pub fn check_policy(user: &str, password: &Secret) -> Result<(), PasswordError> {
    let p = password.expose();
    if p.chars().count() < MIN_LENGTH {
        return Err(PasswordError::TooShort);
    }
    if p.eq_ignore_ascii_case(user) {
        return Err(PasswordError::IsUserName);
    }
    if p.trim() != p {
        return Err(PasswordError::Blank);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_verifies_and_hides_the_password() {
        let pw = Secret::new("Ccadmin#2026");
        let h = hash(&pw).unwrap();
        assert!(h.starts_with("$argon2id$"), "{h}");
        assert!(!h.contains("Ccadmin#2026"));
        assert!(verify(&pw, &h));
        assert!(!verify(&Secret::new("wrong-password"), &h));
        assert!(!verify(&pw, "not a hash"));
        assert_ne!(h, hash(&pw).unwrap(), "salted: two hashes differ");
    }

    #[test]
    fn policy() {
        let short = check_policy("bob", &Secret::new("short")).unwrap_err();
        assert_eq!(short, PasswordError::TooShort);
        assert!(short.to_string().contains("at least 8"));
        assert_eq!(
            check_policy("longusername", &Secret::new("LongUserName")),
            Err(PasswordError::IsUserName)
        );
        assert_eq!(
            check_policy("bob", &Secret::new(" padded-password")),
            Err(PasswordError::Blank)
        );
        assert!(check_policy("bob", &Secret::new("Str0ng-enough")).is_ok());
    }
}

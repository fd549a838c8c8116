//! The domain's enumerated values, parsed once at the edges (flags, prompts, the database, a
//! peer's JSON) and carried as types everywhere else. Each has one text form: the one the
//! console shows, the database stores and the wire carries.

/// An unknown name for one of the domain's values: what was given and what is accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{given}' is not {} {what}: use {}", article(.what), .choices.join(" or "))]
pub struct UnknownValue {
    pub what: &'static str,
    pub given: String,
    pub choices: Vec<&'static str>,
}

impl UnknownValue {
    /// The same refusal without what was given: for an answer to a prompt, which may be a
    /// secret that landed on the wrong line of a batch (an API key on a choice).
    pub fn without_answer(&self) -> String {
        format!(
            "the answer is not {} {}: use {}",
            article(self.what),
            self.what,
            self.choices.join(" or ")
        )
    }
}

fn article(word: &str) -> &'static str {
    if word.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}

/// Text form, parsing, `Display`, serde and SQLite for an enum of unit variants.
macro_rules! text_enum {
    ($ty:ident, $what:literal, { $($variant:ident => $text:literal),+ $(,)? }) => {
        impl $ty {
            pub const ALL: &'static [$ty] = &[$($ty::$variant),+];
            pub fn as_str(self) -> &'static str {
                match self { $($ty::$variant => $text),+ }
            }
        }
        impl std::str::FromStr for $ty {
            type Err = $crate::domain::UnknownValue;
            fn from_str(s: &str) -> Result<Self, $crate::domain::UnknownValue> {
                match s {
                    $($text => Ok($ty::$variant),)+
                    _ => Err($crate::domain::UnknownValue {
                        what: $what,
                        given: crate::text::terminal_safe(s).into_owned(),
                        choices: vec![$($text),+],
                    }),
                }
            }
        }
        impl std::fmt::Display for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl serde::Serialize for $ty {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }
        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
                s.parse().map_err(serde::de::Error::custom)
            }
        }
        impl rusqlite::types::ToSql for $ty {
            fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
                Ok(self.as_str().into())
            }
        }
        impl rusqlite::types::FromSql for $ty {
            fn column_result(v: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
                v.as_str()?
                    .parse()
                    .map_err(|e: $crate::domain::UnknownValue| rusqlite::types::FromSqlError::Other(Box::new(e)))
            }
        }
    };
}

/// What this node is (rule R6 in docs/rules.md#r6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, clap::ValueEnum)]
pub enum Role {
    /// Cloud Connect publisher
    Publisher,
    /// Cloud Connect subscriber
    Subscriber,
    /// A VOS node (Finesse, CUIC, Live Data, IdS, VVB) that onboards to Cloud Connect
    Vos,
}
text_enum!(Role, "role", { Publisher => "publisher", Subscriber => "subscriber", Vos => "vos" });

impl Role {
    /// A Cloud Connect node (publisher or subscriber).
    pub fn is_cloud_connect(self) -> bool {
        !matches!(self, Role::Vos)
    }
}

/// Which builds the Artifactory download keeps (rule R7 in docs/rules.md#r7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, clap::ValueEnum)]
pub enum Software {
    /// Builds for restricted (export-controlled) deployments
    Restricted,
    /// Builds for unrestricted deployments
    Unrestricted,
}
text_enum!(Software, "software choice", { Restricted => "restricted", Unrestricted => "unrestricted" });

/// How the Artifactory credential is sent (rule R7 in docs/rules.md#r7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, clap::ValueEnum)]
pub enum AuthType {
    /// `X-JFrog-Art-Api: <key>`
    ApiKey,
    /// `Authorization: Bearer <token>`
    IdentityToken,
}
text_enum!(AuthType, "authentication type", { ApiKey => "api-key", IdentityToken => "identity-token" });

impl AuthType {
    /// The name of the secret at the prompt and in `show`.
    pub fn label(self) -> &'static str {
        match self {
            AuthType::ApiKey => "API Key",
            AuthType::IdentityToken => "Identity Token",
        }
    }
}

/// A VOS cluster member's place in its cluster.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HostType {
    Publisher,
    Subscriber,
}
text_enum!(HostType, "host type", { Publisher => "Publisher", Subscriber => "Subscriber" });

/// Where the node keeps a secret (`--secret-store`, the database's record of each secret).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum StoreKind {
    /// The operating system's persistent keyring.
    Keyring,
    /// An owner-only (0600) file in the state directory.
    File,
}
text_enum!(StoreKind, "secret store", { Keyring => "keyring", File => "file" });

impl StoreKind {
    pub fn other(self) -> StoreKind {
        match self {
            StoreKind::Keyring => StoreKind::File,
            StoreKind::File => StoreKind::Keyring,
        }
    }
}

/// A VOS host onboarded against this Cloud Connect node.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct OnboardedHost {
    /// `HOST` or `HOST:PORT` as Cloud Connect reaches it.
    pub host: String,
    pub cluster: String,
    pub product: String,
    #[serde(rename = "type")]
    pub host_type: HostType,
    /// `ssh-ed25519 AAAA…`
    pub host_key: String,
    pub user: String,
    pub port: u16,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_value_round_trips_through_its_text_and_unknown_names_are_refused() {
        for r in Role::ALL {
            assert_eq!(r.as_str().parse::<Role>().unwrap(), *r);
        }
        for s in Software::ALL {
            assert_eq!(s.as_str().parse::<Software>().unwrap(), *s);
        }
        for a in AuthType::ALL {
            assert_eq!(a.as_str().parse::<AuthType>().unwrap(), *a);
        }
        let e = "Publisher".parse::<Role>().unwrap_err();
        assert_eq!(
            e.to_string(),
            "'Publisher' is not a role: use publisher or subscriber or vos"
        );
        assert!("api_key".parse::<AuthType>().is_err());
        assert_eq!(
            serde_json::to_string(&AuthType::IdentityToken).unwrap(),
            "\"identity-token\""
        );
        assert!(serde_json::from_str::<HostType>("\"publisher\"").is_err());
    }
}

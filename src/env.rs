//! The environment, read once at start: the one place the process environment is read
//! (clippy.toml forbids `std::env::var*` anywhere else). The console carries it in `Ctx`;
//! the node service receives it from `main`. It sits below both (`context` re-exports it).

use std::collections::HashMap;

/// A snapshot of the environment, taken once at start.
#[derive(Debug, Clone, Default)]
pub struct Env(HashMap<String, String>);

impl Env {
    // The one read of the process environment (clippy.toml forbids it anywhere else).
    #[allow(clippy::disallowed_methods)]
    pub fn from_process() -> Env {
        Env(std::env::vars_os()
            .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
            .collect())
    }
    /// A variable's value; empty counts as unset.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0
            .get(key)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }
}

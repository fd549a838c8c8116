//! Reading a probe's answer: the output of Windows' `reg query`, bounded and checked as a
//! peer's answer before anything uses it.

use crate::text::terminal_safe;

use super::*;

/// A `reg query` value line: `    NAME    TYPE    DATA` (the data may be empty, and a name may
/// hold single spaces, e.g. `ICM Version`). `None` when the line is not one.
fn value_line(line: &str) -> Option<(&str, &str, &str)> {
    let body = line.trim_start_matches(' ');
    let at = body.find("    REG_")?;
    let name = &body[..at];
    let rest = &body[at + 4..];
    let (kind, data) = match rest.find("    ") {
        Some(i) => (&rest[..i], &rest[i + 4..]),
        None => (rest.trim_end(), ""),
    };
    let valid_kind = kind.len() > 4
        && kind[4..]
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
    (!name.is_empty() && valid_kind).then_some((name, kind, data))
}

/// Parse the output of `reg query KEY [/s]` (CRLF or LF lines).
///
/// - a line starting `HKEY_` is a key (its full path); a line starting with spaces is a value
///   of the key above it (`    NAME    TYPE    DATA`); empty lines and the `End of search`
///   summary are skipped; anything else is refused;
/// - the version is the data of the value named `version` (any case), a string value
///   (`REG_SZ`, `REG_EXPAND_SZ`), on a key outside the patches key; found more than once it
///   must say the same each time;
/// - the patches are the keys directly under a key named `patches` (any case; the last
///   component of its path), by their own names, in the order listed, each once. Values on
///   those keys (an ES's own `Version`, its install date) are not read.
pub fn parse_reg_query(
    out: &str,
    version_name: &str,
    patches_key: Option<&str>,
) -> Result<Probed, AnswerError> {
    if out.len() > MAX_OUTPUT {
        return Err(AnswerError::TooLarge);
    }
    let mut version: Option<String> = None;
    let mut patches: Vec<String> = Vec::new();
    // The current key, and whether it lies inside a patches key.
    let mut key: Option<&str> = None;
    let mut in_patches = false;
    for (i, raw) in out.split('\n').enumerate() {
        let n = i + 1;
        if n > MAX_LINES {
            return Err(AnswerError::TooManyLines);
        }
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        if line.chars().count() > MAX_LINE {
            return Err(AnswerError::LineTooLong(n));
        }
        if line.chars().any(char::is_control) {
            return Err(AnswerError::ControlCharacters(n));
        }
        if line.trim().is_empty() || line.starts_with("End of search:") {
            continue;
        }
        if line.starts_with("HKEY_") {
            let parts: Vec<&str> = line.trim_end().split('\\').collect();
            if parts.iter().skip(1).any(|p| p.is_empty()) {
                return Err(AnswerError::EmptyKeyComponent(n));
            }
            let is = |p: &&str| patches_key.is_some_and(|k| p.eq_ignore_ascii_case(k));
            in_patches = parts.iter().skip(1).any(is);
            if parts.len() >= 3 && is(&parts[parts.len() - 2]) {
                let name = parts[parts.len() - 1];
                if !patches.iter().any(|p| p.eq_ignore_ascii_case(name)) {
                    if patches.len() == MAX_PATCHES {
                        return Err(AnswerError::TooManyPatches);
                    }
                    patches.push(name.to_owned());
                }
            }
            key = Some(line);
            continue;
        }
        if line.starts_with(' ') {
            let Some((name, kind, data)) = value_line(line) else {
                return Err(AnswerError::NotAValue(n));
            };
            if key.is_none() {
                return Err(AnswerError::ValueBeforeKey(n));
            }
            if in_patches || !name.eq_ignore_ascii_case(version_name) {
                continue;
            }
            if kind != "REG_SZ" && kind != "REG_EXPAND_SZ" {
                return Err(AnswerError::NotAString {
                    name: terminal_safe(version_name).into_owned(),
                    kind: kind.to_owned(),
                });
            }
            let data = data.trim();
            match &version {
                Some(v) if v != data => {
                    return Err(AnswerError::TwoVersions {
                        name: terminal_safe(version_name).into_owned(),
                    })
                }
                _ => version = Some(data.to_owned()),
            }
            continue;
        }
        return Err(AnswerError::Unreadable(n));
    }
    let version = version.ok_or_else(|| AnswerError::NoVersion {
        name: terminal_safe(version_name).into_owned(),
    })?;
    let probed = Probed { version, patches };
    // The same bounds as a record's: printable, 1 to 128 characters.
    merge(probed.clone(), None)
        .check()
        .map_err(AnswerError::Record)?;
    Ok(probed)
}

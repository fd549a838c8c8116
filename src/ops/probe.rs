//! What a real Windows host runs (issue 23): the signed product catalogue and its probes.
//!
//! A CCE Windows server (an ICM router, logger or PG, a CVP server…) keeps its version and its
//! installed ES patches in its own way — the registry, install folders — not in a file of
//! ccadmin's. So the publisher says, per product, how to ask: a command run over SSH and how its
//! output is parsed. That is data, signed like a patch manifest: `catalogue.json` anywhere under
//! the state directory's `artifacts/`, with `catalogue.json.minisig` by a trusted signer:
//!
//! ```json
//! {"PG": {"probe": {"command": "reg query \"HKLM\\SOFTWARE\\Cisco Systems, Inc.\\ICM\" /s",
//!                   "format": "reg-query", "version": "Version", "patches": "Patches"}}}
//! ```
//!
//! The probe's answer is a peer's answer: bounded (size, lines, line length, patches) and
//! checked as a record is ([`Installed::check`]) before anything uses it; what fails says which
//! host and why, never the raw text. The record `.ccadmin-installed.json` stays as the cache of
//! what ccadmin itself installed (and of `pending`, an installer started and not seen to end);
//! where a probe answers, the probe is the truth for the version and the patches.
//!
//! Nothing here knows a terminal: orchestration and `utils deployment show status` call
//! [`installed`] with the catalogue loaded once per command by [`load`].

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use serde::Deserialize;

use super::software::{Installed, InstalledPatch, WINDOWS_RECORD};
use super::{Node, OpResult};
use crate::cancel::Cancel;
use crate::clients::ssh::{Connection, SshError};
use crate::text::terminal_safe;

/// The catalogue's file name (its signature: `catalogue.json.minisig`).
pub const CATALOGUE: &str = "catalogue.json";
/// The largest catalogue read.
const MAX_CATALOGUE: u64 = 1024 * 1024;
/// The most products a catalogue names.
const MAX_PRODUCTS: usize = 256;
/// The longest probe command.
const MAX_COMMAND: usize = 1024;
/// The longest value or key name a probe looks for (the registry's own limit for a key name).
const MAX_NAME: usize = 255;

/// The most a probe may print.
pub const MAX_OUTPUT: usize = 256 * 1024;
/// The most lines a probe may print.
pub const MAX_LINES: usize = 8192;
/// The longest line of a probe's answer, in characters.
pub const MAX_LINE: usize = 2048;
/// The most patches a probe may report.
pub const MAX_PATCHES: usize = 256;
/// How long a probe may take.
const PROBE_TIMEOUT: Duration = Duration::from_secs(60);

/// How a probe's output is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    /// The output of Windows' `reg query KEY [/s]`.
    RegQuery,
}

/// How to ask a host of one product what it runs.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Probe {
    /// Run over SSH in the orchestration account's shell (cmd.exe on a Windows host).
    pub command: String,
    pub format: Format,
    /// The registry value whose data is the version.
    pub version: String,
    /// The key whose direct subkeys are the installed patches (none: no patch is ever listed).
    #[serde(default)]
    pub patches: Option<String>,
}

/// One product's entry.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Product {
    #[serde(default)]
    pub probe: Option<Probe>,
}

impl Probe {
    fn check(&self) -> Result<(), String> {
        let text = |what: &str, s: &str, max: usize| {
            if s.trim().is_empty() || s.chars().count() > max || s.chars().any(char::is_control) {
                Err(format!(
                    "its {what} is empty, longer than {max}, or holds control characters"
                ))
            } else {
                Ok(())
            }
        };
        text("command", &self.command, MAX_COMMAND)?;
        text("version value name", &self.version, MAX_NAME)?;
        if let Some(p) = &self.patches {
            text("patches key name", p, MAX_NAME)?;
            if p.contains('\\') {
                return Err("its patches key name is a path; give the key's own name".into());
            }
        }
        Ok(())
    }
}

/// Parse and check a catalogue: every entry typed, every probe within bounds.
pub fn parse_catalogue(data: &[u8]) -> Result<BTreeMap<String, Product>, String> {
    if data.len() as u64 > MAX_CATALOGUE {
        return Err(format!("larger than {MAX_CATALOGUE} bytes"));
    }
    let products: BTreeMap<String, Product> =
        serde_json::from_slice(data).map_err(|e| terminal_safe(&e.to_string()).into_owned())?;
    if products.len() > MAX_PRODUCTS {
        return Err(format!("more than {MAX_PRODUCTS} products"));
    }
    for (name, p) in &products {
        if name.is_empty() || name.len() > 64 || name.chars().any(char::is_control) {
            return Err(
                "a product name is empty, longer than 64, or holds control characters".into(),
            );
        }
        if let Some(probe) = &p.probe {
            probe
                .check()
                .map_err(|e| format!("the probe of {name}: {e}"))?;
        }
    }
    Ok(products)
}

/// Where the catalogue stands on this node.
#[derive(Debug, Clone)]
enum Source {
    /// None was downloaded.
    Absent,
    /// Verified and parsed.
    Loaded,
    /// There is one, and it must not be used: why.
    Refused(String),
}

/// The signed product catalogue, loaded once per command.
#[derive(Debug, Clone)]
pub struct Catalogue {
    source: Source,
    products: BTreeMap<String, Product>,
}

impl Default for Catalogue {
    fn default() -> Catalogue {
        Catalogue {
            source: Source::Absent,
            products: BTreeMap::new(),
        }
    }
}

/// The catalogue from the downloaded artifacts: absent, verified, or refused with the reason
/// (a catalogue that is there but unsigned, signed by a stranger, tampered with or malformed
/// is never used, and every Windows host read says why).
pub fn load(node: &mut Node) -> OpResult<Catalogue> {
    let dir = node.root().join("artifacts");
    let Some(path) = super::patches::find_files(&dir, CATALOGUE)
        .into_iter()
        .find(|p| p.file_name().is_some_and(|n| n == CATALOGUE))
    else {
        return Ok(Catalogue::default());
    };
    let signers = node.db()?.signers()?;
    let refused = |why: String| Catalogue {
        source: Source::Refused(format!(
            "the product catalogue {}: {why}",
            terminal_safe(&path.display().to_string())
        )),
        products: BTreeMap::new(),
    };
    let data = match crate::state::read_bounded(&path, MAX_CATALOGUE) {
        Ok(d) => d,
        Err(e) => return Ok(refused(format!("cannot be read: {e}"))),
    };
    let sig = crate::state::read_bounded(
        &PathBuf::from(format!("{}.minisig", path.display())),
        super::signing::MAX_SIGNATURE,
    )
    .ok()
    .map(|b| String::from_utf8_lossy(&b).into_owned());
    match super::signing::verify(&data, sig.as_deref(), &signers) {
        super::signing::Verdict::Trusted { .. } => {}
        super::signing::Verdict::Unsigned => {
            return Ok(refused(format!(
                "has no signature ({CATALOGUE}.minisig beside it)"
            )))
        }
        super::signing::Verdict::UnknownKey { key_id } => {
            return Ok(refused(format!(
                "is signed by a key this cluster does not trust ({})",
                terminal_safe(&key_id)
            )))
        }
        super::signing::Verdict::Invalid => {
            return Ok(refused(
                "does not match its signature (changed after signing?)".into(),
            ))
        }
    }
    match parse_catalogue(&data) {
        Ok(products) => Ok(Catalogue {
            source: Source::Loaded,
            products,
        }),
        Err(e) => Ok(refused(format!("is not valid: {e}"))),
    }
}

impl Catalogue {
    /// The probe for `product` (its name compared without regard to case), or why none can be
    /// used.
    fn probe(&self, product: &str) -> Result<Option<&Probe>, String> {
        match &self.source {
            Source::Refused(why) => Err(why.clone()),
            Source::Absent => Ok(None),
            Source::Loaded => Ok(self
                .products
                .iter()
                .find(|(name, _)| name.eq_ignore_ascii_case(product))
                .and_then(|(_, p)| p.probe.as_ref())),
        }
    }
}

/// What a probe found: the version and the patches' names, in the order listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Probed {
    pub version: String,
    pub patches: Vec<String>,
}

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
) -> Result<Probed, String> {
    if out.len() > MAX_OUTPUT {
        return Err(format!("it printed more than {MAX_OUTPUT} bytes"));
    }
    let mut version: Option<String> = None;
    let mut patches: Vec<String> = Vec::new();
    // The current key, and whether it lies inside a patches key.
    let mut key: Option<&str> = None;
    let mut in_patches = false;
    for (i, raw) in out.split('\n').enumerate() {
        let n = i + 1;
        if n > MAX_LINES {
            return Err(format!("it printed more than {MAX_LINES} lines"));
        }
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        if line.chars().count() > MAX_LINE {
            return Err(format!("line {n} is longer than {MAX_LINE} characters"));
        }
        if line.chars().any(char::is_control) {
            return Err(format!("line {n} holds control characters"));
        }
        if line.trim().is_empty() || line.starts_with("End of search:") {
            continue;
        }
        if line.starts_with("HKEY_") {
            let parts: Vec<&str> = line.trim_end().split('\\').collect();
            if parts.iter().skip(1).any(|p| p.is_empty()) {
                return Err(format!("line {n} is a key path with an empty component"));
            }
            let is = |p: &&str| patches_key.is_some_and(|k| p.eq_ignore_ascii_case(k));
            in_patches = parts.iter().skip(1).any(is);
            if parts.len() >= 3 && is(&parts[parts.len() - 2]) {
                let name = parts[parts.len() - 1];
                if !patches.iter().any(|p| p.eq_ignore_ascii_case(name)) {
                    if patches.len() == MAX_PATCHES {
                        return Err(format!("it lists more than {MAX_PATCHES} patches"));
                    }
                    patches.push(name.to_owned());
                }
            }
            key = Some(line);
            continue;
        }
        if line.starts_with(' ') {
            let Some((name, kind, data)) = value_line(line) else {
                return Err(format!(
                    "line {n} is not a registry value (NAME    TYPE    DATA)"
                ));
            };
            if key.is_none() {
                return Err(format!("line {n} is a value before any key"));
            }
            if in_patches || !name.eq_ignore_ascii_case(version_name) {
                continue;
            }
            if kind != "REG_SZ" && kind != "REG_EXPAND_SZ" {
                return Err(format!(
                    "the value {} is a {kind}, not a string",
                    terminal_safe(version_name)
                ));
            }
            let data = data.trim();
            match &version {
                Some(v) if v != data => {
                    return Err(format!(
                        "the value {} is given twice, with different versions",
                        terminal_safe(version_name)
                    ))
                }
                _ => version = Some(data.to_owned()),
            }
            continue;
        }
        return Err(format!("line {n} is neither a registry key nor a value"));
    }
    let version = version.ok_or_else(|| {
        format!(
            "it has no value named {} (outside the patches key)",
            terminal_safe(version_name)
        )
    })?;
    let probed = Probed { version, patches };
    // The same bounds as a record's: printable, 1 to 128 characters.
    merge(probed.clone(), None).check()?;
    Ok(probed)
}

/// Whether the probe's `listed` patch is the record's `p`: its name, its name without the
/// extension (`ICM12.6.1_ES7` for `ICM12.6.1_ES7.exe`), or its version, without regard to case.
fn shows(listed: &str, p: &InstalledPatch) -> bool {
    let stem = p.name.rsplit_once('.').map_or(p.name.as_str(), |(s, _)| s);
    [p.name.as_str(), stem, p.version.as_str()]
        .iter()
        .any(|n| n.eq_ignore_ascii_case(listed))
}

/// Whether `p`, a patch a probe found that ccadmin did not install (no installation time: see
/// [`merge`]), is the artifact `file`: its registry name is `file` or `file` without its
/// extension, in any case (`ICM12.6.1_ES5` for `ICM12.6.1_ES5.exe`).
pub fn found_as(p: &InstalledPatch, file: &str) -> bool {
    let stem = file.rsplit_once('.').map_or(file, |(s, _)| s);
    p.installed_at.is_empty()
        && (p.name.eq_ignore_ascii_case(file) || p.name.eq_ignore_ascii_case(stem))
}

/// What the host runs, from the probe and the record (the cache of what ccadmin installed):
/// the probe is the truth for the version and the patches — a patch the record lists and the
/// host does not show is not installed (removed by hand, or an installer that said it succeeded
/// and did not); a patch the host shows keeps what the record knows of it (its name as ccadmin
/// installed it, its version, whether its publisher allows a rollback, when); a patch ccadmin did
/// not install is listed by its name on the host, with no rollback and no installation time
/// (which is how [`found_as`] knows it). The record's `pending` (an
/// installer started and not seen to end) is kept, and its `inactive` version only while the
/// record's version is the one the host runs.
pub fn merge(probed: Probed, record: Option<Installed>) -> Installed {
    let record = record.unwrap_or_else(Installed::unknown);
    // Newest last, as every reader takes it: `reg query` lists keys in name order (ES10
    // before ES9), so the patches ccadmin installed keep the record's order, after those
    // it did not install (whose order is unknown).
    let place = |listed: &String| {
        record
            .patches
            .iter()
            .position(|p| shows(listed, p))
            .map_or((0, 0), |i| (1, i))
    };
    let mut ordered: Vec<&String> = probed.patches.iter().collect();
    ordered.sort_by_key(|l| place(l));
    let patches = ordered
        .into_iter()
        .map(|listed| {
            record
                .patches
                .iter()
                .find(|p| shows(listed, p))
                .cloned()
                .unwrap_or_else(|| InstalledPatch {
                    name: listed.clone(),
                    version: listed.clone(),
                    rollback: false,
                    installed_at: String::new(),
                })
        })
        .collect();
    Installed {
        inactive: record.inactive.filter(|_| record.version == probed.version),
        version: probed.version,
        patches,
        pending: record.pending,
    }
}

/// Run `probe` on the host and parse its answer. Every failure names the host.
pub fn run(
    conn: &Connection,
    cancel: &Cancel,
    host: &str,
    product: &str,
    probe: &Probe,
) -> Result<Probed, String> {
    let what = format!("the {product} probe of the signed catalogue on {host}");
    let (code, out) = match conn.run_cancellable(
        &probe.command,
        Instant::now() + PROBE_TIMEOUT,
        PROBE_TIMEOUT,
        cancel,
    ) {
        Ok(r) => r,
        Err(SshError::TooLarge { .. }) => {
            return Err(format!(
                "{what} printed more than {MAX_OUTPUT} bytes; nothing was read"
            ))
        }
        Err(e) => return Err(format!("{what} could not run: {e}")),
    };
    if code != 0 {
        let safe = terminal_safe(out.trim()).into_owned();
        let chars: Vec<char> = safe.chars().collect();
        let tail: String = chars[chars.len().saturating_sub(200)..].iter().collect();
        return Err(format!("{what} exited with {code}: {tail}"));
    }
    match probe.format {
        Format::RegQuery => parse_reg_query(&out, &probe.version, probe.patches.as_deref()),
    }
    .map_err(|e| format!("{what} answered something that is not valid: {e}"))
}

/// What a Windows host runs: its product's probe when the catalogue has one (merged with the
/// record, `record`), else the record; with neither, why nothing can be told and what to do.
pub fn installed(
    catalogue: &Catalogue,
    conn: &Connection,
    cancel: &Cancel,
    host: &str,
    product: &str,
    record: Option<Installed>,
) -> Result<Installed, String> {
    let probe = catalogue
        .probe(product)
        .map_err(|why| format!("cannot tell what {host} runs: {why}; get a catalogue signed by a trusted signer (utils patch-manager signer list) into the artifacts"))?;
    match (probe, record) {
        (Some(probe), record) => Ok(merge(run(conn, cancel, host, product, probe)?, record)),
        (None, Some(record)) => Ok(record),
        (None, None) => Err(match catalogue.source {
            Source::Absent => format!(
                "cannot tell what {host} runs: no signed product catalogue ({CATALOGUE}) was downloaded and the host has no {WINDOWS_RECORD}; download the catalogue with the artifacts ({CATALOGUE} and {CATALOGUE}.minisig under the artifacts directory), or record what the host runs in {WINDOWS_RECORD} in its orchestration account's home"
            ),
            _ => format!(
                "cannot tell what {host} runs: the signed catalogue has no probe for {product} and the host has no {WINDOWS_RECORD}; download a catalogue ({CATALOGUE}) with a probe for {product}, or record what the host runs in {WINDOWS_RECORD} in its orchestration account's home"
            ),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `reg query "HKLM\SOFTWARE\Cisco Systems, Inc.\ICM" /s` as Windows prints it: CRLF, a
    /// blank line first, each key's full path, values indented by four spaces and separated by
    /// four, a blank line after each key; an ES's own subkey with a `Version` of its own.
    const REAL: &str = "\r\nHKEY_LOCAL_MACHINE\\SOFTWARE\\Cisco Systems, Inc.\\ICM\r\n    Version    REG_SZ    12.6.1\r\n    ICM Version    REG_SZ    12.6(1)\r\n    InstallDrive    REG_SZ    C\r\n    MajorVersion    REG_DWORD    0xc\r\n\r\nHKEY_LOCAL_MACHINE\\SOFTWARE\\Cisco Systems, Inc.\\ICM\\Patches\r\n\r\nHKEY_LOCAL_MACHINE\\SOFTWARE\\Cisco Systems, Inc.\\ICM\\Patches\\ICM12.6.1_ES5\r\n    Version    REG_SZ    12.6.1.10005\r\n    InstalledOn    REG_SZ    2026-01-12 10:04\r\n\r\nHKEY_LOCAL_MACHINE\\SOFTWARE\\Cisco Systems, Inc.\\ICM\\Patches\\ICM12.6.1_ES5\\Files\r\n    (Default)    REG_SZ    \r\n\r\nHKEY_LOCAL_MACHINE\\SOFTWARE\\Cisco Systems, Inc.\\ICM\\Patches\\ICM12.6.1_ES7\r\n    Version    REG_SZ    12.6.1.10007\r\n\r\nHKEY_LOCAL_MACHINE\\SOFTWARE\\Cisco Systems, Inc.\\ICM\\cc1\\PG1A\r\n    Description    REG_SZ    a PG with    four spaces\r\n\r\n";

    #[test]
    fn probe_parses_real_reg_query_output() {
        let p = parse_reg_query(REAL, "Version", Some("Patches")).unwrap();
        assert_eq!(p.version, "12.6.1");
        assert_eq!(p.patches, ["ICM12.6.1_ES5", "ICM12.6.1_ES7"]);
        // A value name with a space; the same answer with LF only.
        let p = parse_reg_query(&REAL.replace("\r\n", "\n"), "icm version", None).unwrap();
        assert_eq!(p.version, "12.6(1)");
        assert!(p.patches.is_empty());
    }

    #[test]
    fn probe_reads_a_non_recursive_listing_of_the_patches_key() {
        // `reg query "HKLM\...\ICM\Patches"` without /s lists the subkeys as paths.
        let out = "\r\nHKEY_LOCAL_MACHINE\\SOFTWARE\\Cisco Systems, Inc.\\ICM\r\n    Version    REG_SZ    12.6.2\r\n\r\nHKEY_LOCAL_MACHINE\\SOFTWARE\\Cisco Systems, Inc.\\ICM\\Patches\\ES1\r\nHKEY_LOCAL_MACHINE\\SOFTWARE\\Cisco Systems, Inc.\\ICM\\Patches\\es1\r\nHKEY_LOCAL_MACHINE\\SOFTWARE\\Cisco Systems, Inc.\\ICM\\Patches\\ES3\r\n";
        let p = parse_reg_query(out, "Version", Some("patches")).unwrap();
        assert_eq!(p.version, "12.6.2");
        assert_eq!(p.patches, ["ES1", "ES3"], "in order, each once");
    }

    #[test]
    fn probe_refuses_hostile_or_unclear_answers() {
        let key = "HKEY_LOCAL_MACHINE\\SOFTWARE\\X\r\n";
        let cases: Vec<(String, &str)> = vec![
            (String::new(), "no value named Version"),
            (format!("{key}    Other    REG_SZ    1\r\n"), "no value named Version"),
            (
                format!("{key}    Version    REG_SZ    12.6.1\x1b[31m\r\n"),
                "line 2 holds control characters",
            ),
            (
                format!("{key}    Version    REG_SZ    12.6.1\x07\r\n"),
                "control characters",
            ),
            (
                format!("{key}    Version    REG_SZ    12.6.1\tx\r\n"),
                "control characters",
            ),
            (
                format!("{key}    Version    REG_SZ    {}\r\n", "9".repeat(200)),
                "longer than 128",
            ),
            (
                format!("{key}    Version    REG_SZ    {}\r\n", "9".repeat(5000)),
                "line 2 is longer than 2048",
            ),
            (
                format!("{key}    Version    REG_SZ    \r\n"),
                "version is empty",
            ),
            (
                format!("{key}    Version    REG_DWORD    0xc\r\n"),
                "is a REG_DWORD, not a string",
            ),
            (
                format!("{key}    Version    REG_SZ    12.6.1\r\n{key}    Version    REG_SZ    12.6.2\r\n"),
                "different versions",
            ),
            (
                "    Version    REG_SZ    12.6.1\r\n".to_owned(),
                "line 1 is a value before any key",
            ),
            (
                format!("{key}Version = 12.6.1\r\n"),
                "line 2 is neither a registry key nor a value",
            ),
            (
                format!("{key}    Version = 12.6.1\r\n"),
                "line 2 is not a registry value",
            ),
            ("x".repeat(MAX_OUTPUT + 1), "more than 262144 bytes"),
            ("\n".repeat(MAX_LINES + 1), "more than 8192 lines"),
            (
                format!(
                    "{key}    Version    REG_SZ    1\r\n{}",
                    (0..=MAX_PATCHES)
                        .map(|i| format!("HKEY_LOCAL_MACHINE\\SOFTWARE\\X\\Patches\\ES{i}\r\n"))
                        .collect::<String>()
                ),
                "more than 256 patches",
            ),
            (
                format!("{key}    Version    REG_SZ    1\r\nHKEY_LOCAL_MACHINE\\SOFTWARE\\X\\Patches\\{}\r\n", "E".repeat(300)),
                "patch name is empty, longer than 128",
            ),
        ];
        for (out, want) in cases {
            let e = parse_reg_query(&out, "Version", Some("Patches")).unwrap_err();
            assert!(e.contains(want), "{want:?} not in {e:?}");
            assert!(!e.chars().any(char::is_control), "{e:?}");
        }
    }

    fn patch(name: &str, version: &str, rollback: bool) -> InstalledPatch {
        InstalledPatch {
            name: name.into(),
            version: version.into(),
            rollback,
            installed_at: "Mon, 12 Jan 2026 10:04:00 GMT".into(),
        }
    }

    #[test]
    fn probe_wins_over_the_record_but_keeps_what_ccadmin_knows() {
        let record = Installed {
            version: "12.6.0".into(),
            inactive: Some("12.5.1".into()),
            patches: vec![
                patch("ICM12.6.1_ES7.exe", "12.6.1-ES7", true),
                patch("removed-by-hand.exe", "12.6.1-ES2", true),
                patch("es9.sh", "12.6.1-ES9", false),
            ],
            pending: Some("ICM12.6.1_ES8.exe".into()),
        };
        let probed = Probed {
            version: "12.6.1".into(),
            patches: vec![
                "ICM12.6.1_ES5".into(),
                "icm12.6.1_es7".into(),
                "12.6.1-ES9".into(),
            ],
        };
        let i = merge(probed.clone(), Some(record.clone()));
        assert_eq!(i.version, "12.6.1");
        assert_eq!(i.inactive, None, "the record's version is not the host's");
        assert_eq!(i.pending.as_deref(), Some("ICM12.6.1_ES8.exe"));
        let names: Vec<_> = i.patches.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["ICM12.6.1_ES5", "ICM12.6.1_ES7.exe", "es9.sh"]);
        assert!(!i.patches[0].rollback, "not installed by ccadmin");
        assert!(i.patches[1].rollback && !i.patches[2].rollback);
        assert!(i.has_patch("ICM12.6.1_ES7.exe") && !i.has_patch("removed-by-hand.exe"));
        // Installed by hand: known as the artifact of that name, with or without extension.
        assert!(i.has_patch("ICM12.6.1_ES5.exe") && i.has_patch("icm12.6.1_es5"));
        assert!(!i.has_patch("ICM12.6.1_ES5-2.exe") && !i.has_patch("ICM12.6.1"));
        // What ccadmin installed is known by its own name only.
        assert!(!i.has_patch("es9.exe") && i.has_patch("es9.sh"));
        i.check().unwrap();
        // `reg query` lists ES10 before ES9 (name order); the record says which is newest.
        let tens = Installed {
            version: "12.6.1".into(),
            inactive: None,
            patches: vec![
                patch("ES9.exe", "ES9", true),
                patch("ES10.exe", "ES10", true),
            ],
            pending: None,
        };
        let listed = Probed {
            version: "12.6.1".into(),
            patches: vec!["ES10".into(), "ES9".into()],
        };
        let names: Vec<_> = merge(listed, Some(tens))
            .patches
            .into_iter()
            .map(|p| p.name)
            .collect();
        assert_eq!(names, ["ES9.exe", "ES10.exe"], "the newest last");
        // The record of the version the host runs keeps its inactive version.
        let mut same = record;
        same.version = "12.6.1".into();
        assert_eq!(
            merge(probed, Some(same)).inactive.as_deref(),
            Some("12.5.1")
        );
    }

    #[test]
    fn probe_catalogue_is_checked() {
        let good = br#"{"PG": {"probe": {"command": "reg query \"HKLM\\SOFTWARE\\Cisco Systems, Inc.\\ICM\" /s", "format": "reg-query", "version": "Version", "patches": "Patches"}}, "ROUTER": {}}"#;
        let c = parse_catalogue(good).unwrap();
        assert_eq!(c["PG"].probe.as_ref().unwrap().format, Format::RegQuery);
        assert_eq!(c["ROUTER"].probe, None);
        let cat = Catalogue {
            source: Source::Loaded,
            products: c,
        };
        assert!(cat.probe("pg").unwrap().is_some(), "any case");
        assert!(cat.probe("ROUTER").unwrap().is_none());
        assert!(cat.probe("CVPSERVER").unwrap().is_none());
        for (bad, want) in [
            (
                r#"{"PG": {"probe": {"command": "x", "format": "wmic", "version": "V"}}}"#,
                "unknown variant",
            ),
            (
                r#"{"PG": {"probe": {"command": "x", "format": "reg-query", "version": "V", "extra": 1}}}"#,
                "unknown field",
            ),
            (
                r#"{"PG": {"probe": {"command": "x\u001b[2J", "format": "reg-query", "version": "V"}}}"#,
                "command is empty",
            ),
            (
                r#"{"PG": {"probe": {"command": "x", "format": "reg-query", "version": ""}}}"#,
                "version value name is empty",
            ),
            (
                r#"{"PG": {"probe": {"command": "x", "format": "reg-query", "version": "V", "patches": "ICM\\Patches"}}}"#,
                "is a path",
            ),
            (r#"["PG"]"#, "invalid type"),
        ] {
            let e = parse_catalogue(bad.as_bytes()).unwrap_err();
            assert!(e.contains(want), "{want:?} not in {e:?}");
        }
        let refused = Catalogue {
            source: Source::Refused("tampered".into()),
            products: BTreeMap::new(),
        };
        assert_eq!(refused.probe("PG"), Err("tampered".to_owned()));
    }
}

//! The export of the deployment's patch levels (`utils patch-manager export status`, in 15.0
//! `utils deployment export-status`): what the chosen inventory nodes run — version, inactive
//! version, installed patches — read from the nodes exactly as `utils deployment show status`
//! reads them, written as a text file (or JSON) to the SFTP server the way the inventory is
//! exported (a temporary name, then renamed into place), so that an administrator can keep or
//! send the patch levels of a patch night.

use serde::Serialize;

use super::inventory::SftpTarget;
use super::orchestrate::{Choice, HostStatus};
use super::{Kind, Node, OpError, OpResult};
use crate::clients::ssh::Connection;

/// How the exported file is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// A table for people (`.txt`).
    Text,
    /// The report as JSON (`.json`), for tools.
    Json,
}

impl Format {
    fn extension(self) -> &'static str {
        match self {
            Format::Text => "txt",
            Format::Json => "json",
        }
    }
}

/// What is exported: where and when it was read, and each chosen node's software.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// When the nodes were read (UTC, RFC 3339).
    pub generated_at: String,
    /// The Cloud Connect node that read them.
    pub cloud_connect: String,
    pub deployment_name: Option<String>,
    pub deployment_type: String,
    pub hosts: Vec<HostStatus>,
}

impl Report {
    /// How many chosen nodes could not be read (each row says why).
    pub fn unreadable(&self) -> usize {
        self.hosts.iter().filter(|h| h.installed.is_none()).count()
    }
}

/// Where the file went.
#[derive(Debug, Clone, Serialize)]
pub struct Exported {
    /// `sftp://user@host:port/dir/file`.
    pub location: String,
    pub file: String,
}

/// Check the choice against the inventory before anything is asked or read: on a Cloud
/// Connect node, an inventory with hosts, every `--node` one of them, and at least one host
/// chosen. Returns how many hosts are chosen.
pub fn check_choice(node: &mut Node, choice: &Choice) -> OpResult<usize> {
    node.require_cloud_connect(false)?;
    let rows = super::inventory::current(node)?.rows();
    if rows.is_empty() {
        return Err(
            OpError::new(Kind::NotConfigured, "the inventory has no hosts")
                .hint("import one with: utils system inventory import"),
        );
    }
    for name in &choice.nodes {
        let one = Choice {
            nodes: vec![name.clone()],
            ..Choice::default()
        };
        if !rows.iter().any(|r| one.matches(r)) {
            return Err(
                OpError::new(Kind::NotFound, format!("{name} is not in the inventory"))
                    .hint("see the hosts with: utils system inventory show"),
            );
        }
    }
    let chosen = rows.iter().filter(|r| choice.matches(r)).count();
    if chosen == 0 {
        return Err(
            OpError::new(Kind::NotFound, "no inventory host matches the selection")
                .hint("see the hosts with: utils system inventory show"),
        );
    }
    Ok(chosen)
}

/// Read the chosen nodes' software (a node that cannot be read is a row saying why).
pub fn read(node: &mut Node, choice: &Choice, now: jiff::Timestamp) -> OpResult<Report> {
    check_choice(node, choice)?;
    let inventory = super::inventory::current(node)?;
    let cloud_connect = node.identity()?.hostname;
    let hosts = super::orchestrate::status(node, choice)?;
    Ok(Report {
        generated_at: now.strftime("%Y-%m-%dT%H:%M:%SZ").to_string(),
        cloud_connect,
        deployment_name: inventory.deployment_name.filter(|n| !n.is_empty()),
        deployment_type: inventory.deployment_type,
        hosts,
    })
}

/// The file's name: `patch-status-YYYYMMDD-HHMMSS.txt` (or `.json`), in UTC; an export never
/// replaces a file of the same name (see [`export`]).
pub fn file_name(now: jiff::Timestamp, format: Format) -> String {
    format!(
        "patch-status-{}.{}",
        now.strftime("%Y%m%d-%H%M%S"),
        format.extension()
    )
}

/// The columns of the text file.
pub const TABLE: [&str; 8] = [
    "NODE",
    "PRODUCT",
    "GROUP",
    "SIDE",
    "VERSION",
    "INACTIVE",
    "PATCH LEVEL",
    "PATCHES",
];

/// The report as the file holds it.
pub fn render(report: &Report, format: Format) -> String {
    match format {
        Format::Json => {
            // A report of plain strings always serializes.
            let mut s = serde_json::to_string_pretty(report).unwrap_or_default();
            s.push('\n');
            s
        }
        Format::Text => {
            let rows: Vec<Vec<String>> = report
                .hosts
                .iter()
                .map(|h| {
                    let (version, inactive, level, patches) = match (&h.installed, &h.error) {
                        (Some(i), _) => (
                            i.version.clone(),
                            i.inactive.clone().unwrap_or_else(|| "-".into()),
                            i.patch_level(),
                            i.patch_names(),
                        ),
                        (None, e) => (
                            "unreadable".into(),
                            "-".into(),
                            "-".into(),
                            crate::text::one_line(e.as_deref().unwrap_or_default()).into_owned(),
                        ),
                    };
                    vec![
                        h.host.clone(),
                        h.product.clone(),
                        h.group.clone(),
                        h.side.clone(),
                        version,
                        inactive,
                        level,
                        patches,
                    ]
                })
                .collect();
            let deployment = match &report.deployment_name {
                Some(n) => format!("{n} ({})", report.deployment_type),
                None => report.deployment_type.clone(),
            };
            format!(
                "Patch status of the deployment {deployment}\nRead by Cloud Connect node {} at {}\n{} node(s), {} could not be read\n\n{}\n",
                report.cloud_connect,
                report.generated_at,
                report.hosts.len(),
                report.unreadable(),
                crate::text::plain_table(&TABLE, &rows)
            )
        }
    }
}

/// Write the report as `file` in the target's directory, atomically (the remote file is
/// complete or absent, never partial) and never over another file: two exports in the same
/// second (the publisher's and the subscriber's) do not replace each other.
pub fn export(
    node: &Node,
    conn: &Connection,
    target: &SftpTarget,
    file: &str,
    text: &str,
    progress: &mut dyn FnMut(u64, Option<u64>),
) -> OpResult<Exported> {
    let written =
        conn.write_file_no_replace(&target.dir, file, text.as_bytes(), &node.cancel, progress)?;
    if !written {
        return Err(OpError::new(
            Kind::Failed,
            format!(
                "{} is already on the SFTP server (another export in the same second?); nothing was replaced",
                target.file_location(file)
            ),
        )
        .hint("run the command again: its file takes the new second's name"));
    }
    Ok(Exported {
        location: target.file_location(file),
        file: file.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::patches::Platform;
    use crate::ops::software::{Installed, InstalledPatch};

    fn report() -> Report {
        Report {
            generated_at: "2026-12-05T18:00:00Z".into(),
            cloud_connect: "cc1.example.com".into(),
            deployment_name: Some("UnifiedCCE".into()),
            deployment_type: "UCCE-2000-Agents".into(),
            hosts: vec![
                HostStatus {
                    host: "pga".into(),
                    platform: Platform::Windows,
                    product: "PG".into(),
                    group: "PG1".into(),
                    side: "A".into(),
                    installed: Some(Installed {
                        version: "12.6.1".into(),
                        inactive: None,
                        patches: vec![InstalledPatch {
                            name: "ES1.exe".into(),
                            version: "12.6.1-ES1".into(),
                            rollback: true,
                            installed_at: "Sat, 05 Dec 2026 17:00:00 GMT".into(),
                        }],
                        pending: None,
                    }),
                    error: None,
                },
                HostStatus {
                    host: "pgb".into(),
                    platform: Platform::Windows,
                    product: "PG".into(),
                    group: "PG1".into(),
                    side: "B".into(),
                    installed: None,
                    error: Some("cannot connect to pgb:22\nrefused".into()),
                },
            ],
        }
    }

    /// The text file names the deployment, who read it and when, and one row per node: the
    /// patch level of a node that answered, why for one that did not (on one line).
    #[test]
    fn the_text_file_has_a_row_per_node_and_says_why_one_is_unreadable() {
        let text = render(&report(), Format::Text);
        assert!(
            text.starts_with("Patch status of the deployment UnifiedCCE (UCCE-2000-Agents)\nRead by Cloud Connect node cc1.example.com at 2026-12-05T18:00:00Z\n2 node(s), 1 could not be read\n"),
            "{text}"
        );
        let pga = text
            .lines()
            .find(|l| l.trim_start().starts_with("pga"))
            .unwrap();
        assert!(
            pga.contains("12.6.1 + ES1.exe") && pga.contains("ES1.exe"),
            "{pga}"
        );
        let pgb = text
            .lines()
            .find(|l| l.trim_start().starts_with("pgb"))
            .unwrap();
        assert!(
            pgb.contains("unreadable") && pgb.contains("cannot connect to pgb:22"),
            "{pgb}"
        );
        assert!(!text.contains("\nrefused"), "{text}");
    }

    /// The JSON file is the report: the rows as `show status` gives them.
    #[test]
    fn the_json_file_is_the_report() {
        let v: serde_json::Value = serde_json::from_str(&render(&report(), Format::Json)).unwrap();
        assert_eq!(v["deployment_name"], "UnifiedCCE");
        assert_eq!(v["hosts"][0]["version"], "12.6.1");
        assert_eq!(v["hosts"][0]["patches"][0]["name"], "ES1.exe");
        assert_eq!(v["hosts"][1]["error"], "cannot connect to pgb:22\nrefused");
    }

    #[test]
    fn the_file_name_carries_the_time_and_the_format() {
        let t: jiff::Timestamp = "2026-12-05T18:01:02Z".parse().unwrap();
        assert_eq!(
            file_name(t, Format::Text),
            "patch-status-20261205-180102.txt"
        );
        assert_eq!(
            file_name(t, Format::Json),
            "patch-status-20261205-180102.json"
        );
    }
}

//! What one node needs, decided from what it runs now and from the step an interrupted run
//! left for it: done already (never again), does not apply, or do it (and what to, with the
//! words the record keeps). A Windows record that says an installer was started and not seen
//! to end is settled here first, by the manifest's `check`, never by starting a second one.

use super::host::{write_record, NodeError, RemoteHost};
use super::worker::Worker;
use super::{version_cmp, Operation};
use crate::ops::connectivity::Target;
use crate::ops::patches::{Manifest, Platform};
use crate::ops::software::{Installed, InstalledPatch};

/// A Windows node's record while a patch's uninstaller runs: `pending` is this and the patch.
pub(super) const ROLLBACK_PENDING: &str = "rollback ";

/// What to do on one node, decided from what it runs.
pub(super) enum Decision {
    Do { to: String, what: String },
    Already(String),
    NotApplicable(String),
}

/// A patch level as a row shows it: the version and, when there is one, the newest patch.
pub(super) fn level(i: &Installed) -> String {
    match i.patches.last() {
        Some(p) => format!("{} + {}", i.version, p.name),
        None => i.version.clone(),
    }
}

/// `Some(NotApplicable)` when the node runs a version the artifact is not for.
fn applies(m: &Manifest, now: &Installed, verb: &str) -> Option<Decision> {
    (!m.applies_to.contains(&now.version)).then(|| {
        Decision::NotApplicable(format!(
            "{} {verb} {}; the node runs {}",
            m.file,
            m.applies_to.join(", "),
            now.version
        ))
    })
}

pub(super) fn installed_patch(m: &Manifest) -> InstalledPatch {
    InstalledPatch {
        name: m.file.clone(),
        version: m.version.clone(),
        rollback: m.rollback,
        installed_at: httpdate::fmt_http_date(std::time::SystemTime::now()),
    }
}

impl Worker<'_> {
    /// The verified manifest of what a Windows node's record says is being installed or
    /// removed.
    pub(super) fn pending_manifest(&self, now: &Installed) -> Option<&Manifest> {
        let pending = now.pending.as_deref()?;
        let file = pending.strip_prefix(ROLLBACK_PENDING).unwrap_or(pending);
        match &self.plan.artifact {
            Some(a) if a.manifest.file == file => Some(&a.manifest),
            _ => self.plan.uninstall.get(file),
        }
    }

    /// A Windows node whose record says an installer was started and not seen to end (and
    /// that no longer runs, `attach` made sure where it can): the manifest's `check` says
    /// whether it did its work. Installed → recorded and `Already`; not → a failure that
    /// names the remedy, never a second installer without `--force`.
    fn settle_pending(
        &self,
        conn: &dyn RemoteHost,
        now: &Installed,
        m: &Manifest,
        removing: bool,
    ) -> Result<Option<Decision>, NodeError> {
        if self.options.force {
            return Ok(None);
        }
        let Some(check) = &m.check else {
            return Err(NodeError::Refused(format!(
                "an {} of {} was interrupted on this node and its manifest gives no check command; check the node, then run again with --force",
                if removing { "uninstall" } else { "install" },
                m.file
            )));
        };
        let installed = conn
            .run_read(check)
            .map_err(|source| NodeError::Check {
                file: m.file.clone(),
                source,
            })?
            .0
            == 0;
        let mut settled = now.clone();
        settled.pending = None;
        if installed != removing {
            if removing {
                settled.patches.retain(|p| p.name != m.file);
            } else if self.plan.op == Operation::Upgrade {
                settled.inactive = Some(now.version.clone());
                settled.version = m.version.clone();
                settled.patches.clear();
            } else if !settled.has_patch(&m.file) {
                settled.patches.push(installed_patch(m));
            }
            write_record(conn, self.cancel, &settled)?;
            return Ok(Some(Decision::Already(format!(
                "{} was {} by the interrupted run (its check {})",
                m.file,
                if removing { "removed" } else { "installed" },
                if removing { "fails" } else { "passes" }
            ))));
        }
        Err(NodeError::Refused(format!(
            "the {} of {} that an interrupted run started has ended without {} it (its check {}){}; look at the installer's log on the node, then run again with --force to {} again",
            if removing { "uninstall" } else { "install" },
            m.file,
            if removing { "removing" } else { "installing" },
            if removing { "passes" } else { "fails" },
            if m.running.is_none() {
                ", or it still runs (the manifest gives no running command to ask)"
            } else {
                ""
            },
            if removing { "remove it" } else { "install" }
        )))
    }

    pub(super) fn decide(
        &self,
        t: &Target,
        conn: &dyn RemoteHost,
        now: &Installed,
    ) -> Result<Decision, NodeError> {
        let prev = self.interrupted_step(t);
        let vos = Platform::of(&t.row) == Platform::Vos;
        let forced = if self.options.force && (prev.is_some() || now.pending.is_some()) {
            "--force: "
        } else {
            ""
        };
        // A Windows record that says some other installer was started and not seen to end:
        // nothing else is started there until it is settled (or --force).
        if let Some(p) = now
            .pending
            .as_deref()
            .filter(|_| !vos && !self.options.force)
        {
            let handled = match self.plan.op {
                Operation::PatchInstall | Operation::Upgrade => self
                    .plan
                    .artifact
                    .as_ref()
                    .is_some_and(|a| a.manifest.file == p),
                Operation::PatchRollback => p.starts_with(ROLLBACK_PENDING),
                _ => false,
            };
            if !handled {
                return Err(NodeError::Refused(format!(
                    "the node's record says '{p}' was started and not seen to end; finish or settle that first (run its command again), or check the node and run this with --force"
                )));
            }
        }
        Ok(match self.plan.op {
            Operation::PatchInstall | Operation::Upgrade => {
                let m = &self
                    .plan
                    .artifact
                    .as_ref()
                    .ok_or(NodeError::Missing("artifact"))?
                    .manifest;
                let upgrade = self.plan.op == Operation::Upgrade;
                let done = if !upgrade {
                    now.has_patch(&m.file)
                } else if self.plan.switch || !vos {
                    now.version == m.version
                } else {
                    now.version == m.version || now.inactive.as_deref() == Some(&m.version)
                };
                if done {
                    if !vos && now.pending.as_deref() == Some(m.file.as_str()) {
                        let mut settled = now.clone();
                        settled.pending = None;
                        write_record(conn, self.cancel, &settled)?;
                    }
                    return Ok(Decision::Already(format!(
                        "{} is installed already",
                        if upgrade { &m.version } else { &m.file }
                    )));
                }
                if !vos && now.pending.as_deref() == Some(m.file.as_str()) {
                    // The installer was started and its end was not seen.
                    if let Some(d) = self.settle_pending(conn, now, m, false)? {
                        return Ok(d);
                    }
                }
                if let Some(no) = applies(m, now, if upgrade { "upgrades" } else { "applies to" }) {
                    return Ok(no);
                }
                Decision::Do {
                    to: if upgrade {
                        m.version.clone()
                    } else {
                        format!("{} + {}", now.version, m.file)
                    },
                    what: if upgrade {
                        format!("{forced}upgrading to {}", m.version)
                    } else if forced.is_empty() {
                        format!("installing {}", m.file)
                    } else {
                        format!(
                            "{forced}installing {} again although the interrupted install was not confirmed",
                            m.file
                        )
                    },
                }
            }
            Operation::PatchRollback => {
                if !vos {
                    if let Some(file) = now
                        .pending
                        .as_deref()
                        .and_then(|p| p.strip_prefix(ROLLBACK_PENDING))
                    {
                        let m = self.plan.uninstall.get(file).ok_or_else(|| {
                            NodeError::Refused(format!("an uninstall of {file} was interrupted and no verified manifest of it is downloaded"))
                        })?;
                        if let Some(d) = self.settle_pending(conn, now, m, true)? {
                            return Ok(d);
                        }
                    }
                }
                // Resumed: the patch the interrupted run was removing, never the one below it.
                let target = prev
                    .and_then(|s| {
                        s.detail.strip_prefix("removing ").map(|d| {
                            d.split(|c: char| c == ':' || c.is_whitespace())
                                .next()
                                .unwrap_or(d)
                                .to_owned()
                        })
                    })
                    .or_else(|| now.patches.last().map(|p| p.name.clone()));
                let Some(target) = target else {
                    return Ok(Decision::NotApplicable(format!(
                        "no patch is installed on {}",
                        now.version
                    )));
                };
                if !now.has_patch(&target) {
                    return Ok(Decision::Already(format!("{target} is removed already")));
                }
                if now.patches.last().map(|p| &p.name) != Some(&target) {
                    return Err(NodeError::Refused(format!(
                        "{target} is no longer the newest patch"
                    )));
                }
                if now.patches.last().is_some_and(|p| !p.rollback) {
                    return Err(NodeError::Refused(format!(
                        "{target} cannot be rolled back (its publisher says so)"
                    )));
                }
                if !vos && !self.plan.uninstall.contains_key(&target) {
                    return Err(NodeError::Refused(format!(
                        "no verified manifest of {target} with an uninstall command is downloaded"
                    )));
                }
                let below = now.patches.len().checked_sub(2).map(|i| &now.patches[i]);
                Decision::Do {
                    to: match below {
                        Some(p) => format!("{} + {}", now.version, p.name),
                        None => now.version.clone(),
                    },
                    what: format!("removing {target}"),
                }
            }
            Operation::SwitchForward | Operation::Rollback => {
                let forward = self.plan.op == Operation::SwitchForward;
                // Resumed: the version the interrupted run was switching to.
                if let Some(p) = prev {
                    if now.version == p.to_version {
                        return Ok(Decision::Already(format!(
                            "{} is active already",
                            p.to_version
                        )));
                    }
                }
                let Some(inactive) = now.inactive.clone() else {
                    return Ok(Decision::NotApplicable(
                        "there is no inactive version".into(),
                    ));
                };
                let newer = version_cmp(&inactive, &now.version) == std::cmp::Ordering::Greater;
                if forward != newer {
                    return Ok(Decision::NotApplicable(format!(
                        "the inactive version {inactive} is {} than the active {}",
                        if newer { "newer" } else { "not newer" },
                        now.version
                    )));
                }
                Decision::Do {
                    what: format!("switching to {inactive}"),
                    to: inactive,
                }
            }
        })
    }
}

//! What a Windows host runs, from what its probe found and ccadmin's record of what it
//! installed; and whether a patch found is an artifact.

use crate::ops::software::{Installed, InstalledPatch};

use super::*;

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

//! The one integration-test binary: every file of this directory is a module here (checked by
//! `every_test_file_is_compiled`), so one link serves them all.

// Test and tool code prints, reads its environment and calls libc directly; the
// product's one-door rule (clippy.toml, [lints]) is for the product.
#![allow(clippy::disallowed_methods, clippy::disallowed_macros, unsafe_code)]

mod activelog;
mod batch;
mod cancel;
mod cluster;
mod concurrency;
mod dbreplication;
mod export_status;
mod generated;
mod hardening;
mod hub;
mod hub_alerts;
mod hub_browser;
mod hub_consent;
mod hub_fleet;
mod hub_history;
mod hub_hostile;
mod hub_rollout;
mod hub_settings_browser;
mod hub_upgrade_faults;
mod icm_services;
mod image_repository;
mod inventory;
mod jfrog;
mod keyring;
mod login_shell;
mod maintenance;
mod maintenance_runs;
mod max_parallel_tasks;
mod metrics;
mod ms_patches;
mod onboard;
mod onboard_restart;
mod one_shot;
mod orchestration;
mod orchestration_faults;
mod orchestration_pair;
mod orchestration_resume;
mod package;
mod patches;
mod proxy;
mod replication_chaos;
mod replication_faults;
mod secrets;
mod serve;
mod shell;
mod smtp;
mod software_download;
mod sshd;
mod test_connection;
mod transcripts;
mod upgrade_cancel;
mod upgrade_status;
mod util;
mod webdriver;
mod windows_probe;

#[test]
fn every_test_file_is_compiled() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it");
    let main = std::fs::read_to_string(dir.join("main.rs")).unwrap();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        if let Some(module) = name.strip_suffix(".rs") {
            if module != "main" {
                assert!(
                    main.contains(&format!("mod {module};")),
                    "tests/it/{name} is not declared in main.rs"
                );
            }
        }
    }
}

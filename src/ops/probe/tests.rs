//! Unit tests of the probes: real and hostile `reg query` answers, the merge with the record,
//! and the catalogue.

use super::*;
use crate::ops::software::{Installed, InstalledPatch};

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
        let e = parse_reg_query(&out, "Version", Some("Patches"))
            .unwrap_err()
            .to_string();
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
        let e = parse_catalogue(bad.as_bytes()).unwrap_err().to_string();
        assert!(e.contains(want), "{want:?} not in {e:?}");
    }
    let tampered = Refused {
        path: "catalogue.json".into(),
        why: Refusal::Mismatch,
    };
    let refused = Catalogue {
        source: Source::Refused(tampered.clone()),
        products: BTreeMap::new(),
    };
    assert_eq!(refused.probe("PG"), Err(tampered));
}

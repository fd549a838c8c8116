//! The validator against the published samples and their broken variants, and the writer's
//! round trip.

use super::model::*;
use super::*;

const SAMPLE_2K: &str = include_str!("../../tests/fixtures/inventory_2K_deployment.conf");
const SAMPLE_4K: &str = include_str!("../../tests/fixtures/inventory_4K_deployment.conf");

fn problems(text: &str) -> Vec<Problem> {
    validate(text.as_bytes()).expect_err("expected problems")
}

/// The 2K sample with one edit: `from` replaced by `to` (which must occur).
fn broken(from: &str, to: &str) -> String {
    assert!(SAMPLE_2K.contains(from), "{from}");
    SAMPLE_2K.replacen(from, to, 1)
}

fn one(text: &str) -> Problem {
    let p = problems(text);
    assert_eq!(p.len(), 1, "{p:#?}");
    p.into_iter().next().unwrap()
}

#[test]
fn sample_2k_validates() {
    let inv = validate(SAMPLE_2K.as_bytes()).unwrap();
    assert_eq!(inv.deployment_type, "UCCE-2000-Agents");
    let finesse = inv.vos.iter().find(|p| p.name == "Finesse").unwrap();
    assert_eq!(finesse.groups[0].name, "Finesse-Cluster-1");
    assert_eq!(finesse.groups[0].hosts[1].name, "Finesse-host-sub");
    assert!(inv
        .vos
        .iter()
        .find(|p| p.name == "CUIC")
        .unwrap()
        .groups
        .is_empty());
    assert_eq!(
        inv.host_count(),
        SAMPLE_2K.matches("- name:").count() - 1 - 1,
        "hosts minus the two commented examples"
    );
}

#[test]
fn sample_4k_fails_at_its_missing_colon() {
    let p = one(SAMPLE_4K);
    assert_eq!((p.line, p.col), (87, 7), "{p:?}");
    assert!(
        p.message.contains("`VVB-Cluster-7` is missing the ':'"),
        "{p:?}"
    );
    assert!(p.remedy.contains("write `VVB-Cluster-7:`"), "{p:?}");
    // With the colon restored it is valid.
    let fixed = SAMPLE_4K.replace("      VVB-Cluster-7\n", "      VVB-Cluster-7:\n");
    let inv = validate(fixed.as_bytes()).unwrap();
    assert_eq!(inv.deployment_type, "UCCE-4000-Agents");
    assert_eq!(inv.deployment_name.as_deref(), Some("UnifiedCCE"));
}

#[test]
fn crlf_line_endings() {
    let p = one(&SAMPLE_2K.replace('\n', "\r\n"));
    assert_eq!(p.line, 1);
    assert!(
        p.message
            .contains("the file must use UNIX (LF) line endings"),
        "{p:?}"
    );
}

#[test]
fn tab_indentation_each_line() {
    let text = broken(
        "        - name: \"CUIC-host-pub\"\n          side",
        "        - name: \"CUIC-host-pub\"\n\t  side",
    );
    let p = one(&text);
    assert_eq!((p.line, p.col), (16, 1));
    assert!(p.message.contains("tab"), "{p:?}");
}

#[test]
fn byte_order_mark_and_non_utf8() {
    let p = one(&format!("\u{feff}{SAMPLE_2K}"));
    assert_eq!((p.line, p.col), (1, 1));
    assert!(p.message.contains("byte-order mark"));
    let mut bytes = SAMPLE_2K.as_bytes().to_vec();
    let at = SAMPLE_2K.find("cvpoamp").unwrap();
    bytes[at] = 0xE9;
    let p = validate(&bytes).unwrap_err();
    let utf8 = p
        .iter()
        .find(|p| p.message.contains("0xE9 is not UTF-8"))
        .expect("the encoding problem");
    let line = SAMPLE_2K[..at].lines().count();
    assert_eq!(
        (utf8.line, utf8.col),
        (line, at - SAMPLE_2K[..at].rfind('\n').unwrap())
    );
}

#[test]
fn blank_product_must_be_braces() {
    let p = one(&broken("    CUIC: {}\n", "    CUIC:\n"));
    assert_eq!((p.line, p.col), (11, 5));
    assert!(
        p.message.contains("a product with no members must be `{}`"),
        "{p:?}"
    );
    assert!(p.remedy.contains("`CUIC: {}`"));
}

#[test]
fn lower_case_windows_product() {
    let text = SAMPLE_2K.replacen("    PG:\n", "    pg:\n", 1);
    let p = one(&text);
    assert_eq!(p.message, "product names must be upper case: PG");
}

#[test]
fn missing_and_wrong_side() {
    let p = one(&broken(
        "          side: \"B\"\n          type: \"Subscriber\"\n",
        "          type: \"Subscriber\"\n",
    ));
    assert!(
        p.message.contains("host `CUIC-host-sub` has no side"),
        "{p:?}"
    );
    assert_eq!(p.line, 18);
    let p = one(&broken(
        "          side: \"A\"\n          user: \"admin@domain.local\"\n",
        "          side: \"C\"\n          user: \"admin@domain.local\"\n",
    ));
    assert!(p.message.contains("side `C` is neither"), "{p:?}");
    let p = one(&broken(
        "          side: \"A\"\n          type: \"Publisher\"\n",
        "          side: \"a\"\n          type: \"Publisher\"\n",
    ));
    assert!(p.message.contains("must be upper case"), "{p:?}");
}

#[test]
fn duplicate_host_names_across_products() {
    let p = one(&broken("name: \"cvprpt\"", "name: \"CVP1\""));
    assert!(
        p.message.contains("host `cvp1` appears more than once"),
        "{p:?}"
    );
    assert!(p.message.contains("first at line"), "{p:?}");
}

#[test]
fn unknown_keys_get_the_closest_known_key() {
    let all = problems(&broken(
        "          user: \"admin@domain.local\"",
        "          usr: \"admin@domain.local\"",
    ));
    assert!(
        all.iter().any(|p| p.message.contains("unknown key `usr`")
            && p.remedy.contains("did you mean `user`?")),
        "{all:?}"
    );
}

#[test]
fn unknown_keys_report_both_the_key_and_the_missing_field() {
    let all = problems(&broken(
        "          user: \"admin@domain.local\"",
        "          usr: \"admin@domain.local\"",
    ));
    assert_eq!(all.len(), 2, "{all:#?}");
    assert!(all.iter().any(|p| p.message.contains("has no `user`")));
    let p = one(&broken("  deploymentType:", "  deploymentTyp:"));
    assert!(p.remedy.contains("did you mean `deploymentType`?"), "{p:?}");
}

#[test]
fn deployment_type_rules() {
    let p = one(&broken("\"UCCE-2000-Agents\"", "\"ucce-2000-agents\""));
    assert!(p.message.contains("case-sensitive"), "{p:?}");
    assert!(p.remedy.contains("UCCE-2000-Agents"));
    let p = one(&broken("\"UCCE-2000-Agents\"", "\"UCCE-12000-Agents\""));
    assert!(
        p.message.contains("not supported for orchestration"),
        "{p:?}"
    );
    let p = one(&broken("\"UCCE-2000-Agents\"", "\"HCS-SCC\""));
    assert!(
        p.message.contains("not supported for orchestration"),
        "{p:?}"
    );
    let p = one(&broken("\"UCCE-2000-Agents\"", "\"UCCE-2000-Agent\""));
    assert!(p.message.contains("unknown deploymentType"), "{p:?}");
    assert!(
        p.remedy.contains("did you mean `UCCE-2000-Agents`?"),
        "{p:?}"
    );
}

#[test]
fn every_problem_is_reported_at_once() {
    let mut text = broken("    PG:\n", "    pg:\n");
    text = text.replacen("    CUIC: {}\n", "    CUIC:\n", 1);
    text = text.replacen("\"UCCE-2000-Agents\"", "\"UCCE-24000-Agents\"", 1);
    text = text.replacen("side: \"B\"", "side: \"X\"", 1);
    let p = problems(&text);
    assert_eq!(p.len(), 4, "{p:#?}");
    assert!(
        p.windows(2)
            .all(|w| (w[0].line, w[0].col) <= (w[1].line, w[1].col)),
        "sorted by position"
    );
}

#[test]
fn vos_cluster_needs_exactly_one_publisher() {
    let p = one(&broken(
        "          side: \"B\"\n          type: \"Subscriber\"\n",
        "          side: \"B\"\n          type: \"Publisher\"\n",
    ));
    assert!(
        p.message
            .contains("CUIC_LiveData_IdS cluster `CUIC_LiveData_IdS-Cluster-1` has 2 publishers"),
        "{p:?}"
    );
}

#[test]
fn windows_product_under_vos_is_pointed_to_windows() {
    let p = problems(&broken("    CUIC: {}\n", "    CUIC: {}\n    PG: {}\n"));
    assert!(
        p.iter()
            .any(|p| p.remedy.contains("belongs under `Windows:`")),
        "{p:?}"
    );
}

#[test]
fn render_round_trips_and_has_the_sample_shape() {
    for sample in [
        SAMPLE_2K.to_owned(),
        SAMPLE_4K.replace("      VVB-Cluster-7\n", "      VVB-Cluster-7:\n"),
    ] {
        let inv = validate(sample.as_bytes()).unwrap();
        let text = render(&inv);
        assert!(
            text.starts_with("---\ninventory:\n  VOS:\n## Do not update"),
            "{text}"
        );
        assert!(!text.contains('\r'));
        assert!(text.contains("## Default template for adding Windows hosts manually"));
        assert_eq!(validate(text.as_bytes()).unwrap(), inv);
    }
    let empty = render(&Inventory::default());
    assert!(
        empty.contains("    CUIC: {}\n") && empty.contains("    ROUTER: {}\n"),
        "{empty}"
    );
    assert!(empty.contains("  deploymentType: \"UCCE-2000-Agents\"\n"));
    assert_eq!(validate(empty.as_bytes()).unwrap(), Inventory::default());
}

/// Regression (issue 9, item 15): CR-only line endings and YAML tags were accepted.
#[test]
fn cr_only_line_endings_and_tags_are_refused() {
    let p = problems(&SAMPLE_2K.replace('\n', "\r"));
    assert!(
        p.iter()
            .any(|p| p.message.contains("carriage return (CR) alone")),
        "{p:?}"
    );
    for (tagged, tag) in [
        (
            broken(
                "deploymentType: \"UCCE-2000-Agents\"",
                "deploymentType: !!binary VUNDRS0yMDAwLUFnZW50cw==",
            ),
            "!!binary",
        ),
        (
            broken(
                "deploymentName: \"UnifiedCCE\"",
                "deploymentName: !foo UnifiedCCE",
            ),
            "!foo",
        ),
    ] {
        let p = one(&tagged);
        assert!(
            p.message
                .contains(&format!("the YAML tag {tag} is not allowed")),
            "{p:?}"
        );
        assert!(p.line > 1, "{p:?}");
    }
}

/// Regression (issue 9, item 14): a pair named `no`, `on` or `123` came back from PyYAML (and
/// so Ansible) as a boolean or a number; U+2028 split a value. Every string must come back.
#[test]
fn export_reads_back_the_same_strings_in_pyyaml() {
    let mut inv = validate(SAMPLE_2K.as_bytes()).unwrap();
    let names = [
        "no",
        "on",
        "OFF",
        "y",
        "123",
        "0x1F",
        "1e3",
        ".inf",
        "~",
        "null",
        "190:20:30",
        "0o17",
        "-1",
        "2026-11-24",
        "+12",
        "1_000",
    ];
    let pg = inv.windows.iter_mut().find(|p| p.name == "PG").unwrap();
    let template = pg.groups[0].hosts[0].clone();
    for (i, n) in names.iter().enumerate() {
        let mut h = template.clone();
        h.name = format!("pg{i}.lab");
        pg.groups.push(Group {
            name: (*n).to_owned(),
            hosts: vec![h],
        });
    }
    inv.deployment_name = Some("Lab\u{2028}Two\u{2029}Three\u{feff}".into());
    pg.groups[0].hosts[0].user = "yes".into();
    let text = render(&inv);
    let script = r#"
import json, sys, yaml
doc = yaml.safe_load(sys.stdin.read())["inventory"]
pairs = list(doc["Windows"]["PG"].keys())
print(json.dumps({"pairs": pairs, "name": doc["deploymentName"],
                  "user": doc["Windows"]["PG"][pairs[0]]["hosts"][0]["user"]}))
"#;
    // Debian's python3 with python3-yaml (tests/run installs it), whatever else is on PATH.
    let mut child = std::process::Command::new("/usr/bin/python3")
        .args(["-c", script])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("/usr/bin/python3 runs (tests/run installs python3 and python3-yaml)");
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "PyYAML could not read the export (install python3-yaml): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let pairs: Vec<&str> = v["pairs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap_or("<not a string>"))
        .collect();
    let mut want = vec![
        inv.windows.iter().find(|p| p.name == "PG").unwrap().groups[0]
            .name
            .as_str(),
    ];
    want.extend(names);
    assert_eq!(pairs, want, "{text}");
    assert_eq!(v["name"], "Lab\u{2028}Two\u{2029}Three\u{feff}");
    assert_eq!(v["user"], "yes");
    // And ccadmin's own validator reads it back unchanged too.
    assert_eq!(
        validate(text.as_bytes()).map(|i| i.deployment_name),
        Ok(inv.deployment_name.clone())
    );
}

#[test]
fn diff_names_added_removed_changed_and_deployment() {
    let old = validate(SAMPLE_2K.as_bytes()).unwrap();
    let text = broken("name: \"cvprpt\"", "name: \"cvprpt-new\"")
        .replacen(
            "name: \"cvp2\"\n          side: \"B\"",
            "name: \"cvp2\"\n          side: \"A\"",
            1,
        )
        .replacen("\"UCCE-2000-Agents\"", "\"UCCE-4000-Agents\"", 1);
    let new = validate(text.as_bytes()).unwrap();
    let c = diff(&old, &new);
    assert_eq!(
        c.added.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(),
        vec!["cvprpt-new"]
    );
    assert_eq!(
        c.removed
            .iter()
            .map(|r| r.name.as_str())
            .collect::<Vec<_>>(),
        vec!["cvprpt"]
    );
    assert_eq!(c.changed.len(), 1);
    assert_eq!(c.changed[0].1.side, "A");
    assert_eq!(
        c.deployment_type,
        Some(("UCCE-2000-Agents".into(), "UCCE-4000-Agents".into()))
    );
    assert!(diff(&old, &old).is_empty());
}

mod fuzz {
    use super::*;
    use proptest::prelude::*;

    fn host_name() -> impl Strategy<Value = String> {
        "[a-z][a-z0-9-]{0,10}[a-z0-9](\\.[a-z]{2,5})?"
    }

    prop_compose! {
        fn inventory()(
            vos in proptest::collection::vec((0..VOS_PRODUCTS.len(), "[A-Za-z][A-Za-z0-9_-]{0,12}", proptest::collection::vec((host_name(), any::<bool>()), 1..4)), 0..4),
            win in proptest::collection::vec((0..WINDOWS_PRODUCTS.len(), "[A-Z][A-Za-z0-9-]{0,12}", proptest::collection::vec((host_name(), any::<bool>(), "[a-z]{1,8}(@[a-z]{2,8}\\.local)?"), 1..3)), 0..4),
            name in proptest::option::of("[ -~]{0,20}"),
            t in 0..DEPLOYMENT_TYPES.len(),
        ) -> Inventory {
            // An empty name is no name: it is written as "" and read back as unset.
            let mut inv = Inventory { deployment_name: name.filter(|n| !n.is_empty()), deployment_type: DEPLOYMENT_TYPES[t].to_owned(), ..Inventory::default() };
            let mut seen = std::collections::HashSet::new();
            for (p, g, hosts) in vos {
                let hosts: Vec<VosHost> = hosts.into_iter().enumerate()
                    .filter(|(_, (h, _))| seen.insert(h.clone()))
                    .map(|(i, (h, a))| VosHost { name: h, host_type: if i == 0 { "Publisher" } else { "Subscriber" }.into(), side: if a { "A" } else { "B" }.into() })
                    .collect();
                let prod = &mut inv.vos[p];
                if hosts.first().map(|h| h.host_type == "Publisher") == Some(true) && !prod.groups.iter().any(|x| x.name == g) {
                    prod.groups.push(Group { name: g, hosts });
                }
            }
            for (p, g, hosts) in win {
                let hosts: Vec<WindowsHost> = hosts.into_iter()
                    .filter(|(h, _, _)| seen.insert(h.clone()))
                    .map(|(h, a, u)| WindowsHost { name: h, side: if a { "A" } else { "B" }.into(), user: u })
                    .collect();
                let prod = &mut inv.windows[p];
                if !hosts.is_empty() && !prod.groups.iter().any(|x| x.name == g) {
                    prod.groups.push(Group { name: g, hosts });
                }
            }
            inv
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

        #[test]
        fn any_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
            let _ = validate(&bytes);
        }

        #[test]
        fn mutated_samples_never_panic_and_problems_point_into_the_file(
            at in 0usize..2900, len in 0usize..6, with in "[ -~\\t\\n:{}\\[\\]#\"'-]{0,6}"
        ) {
            let mut s = SAMPLE_2K.to_owned();
            let at = at.min(s.len());
            let end = (at + len).min(s.len());
            s.replace_range(at..end, &with);
            if let Err(problems) = validate(s.as_bytes()) {
                let lines = s.lines().count().max(1) + 1;
                for p in problems {
                    prop_assert!(p.line >= 1 && p.line <= lines, "{p:?} beyond {lines} lines");
                    prop_assert!(!p.message.is_empty() && !p.remedy.is_empty());
                }
            }
        }

        #[test]
        fn render_then_validate_is_the_identity(inv in inventory()) {
            let text = render(&inv);
            prop_assert_eq!(validate(text.as_bytes()).map_err(|p| format!("{p:?}\n{text}")), Ok(inv));
        }
    }
}

/// Issue 11 D3: under a product key written in the wrong case, its pairs and hosts are checked
/// as if the key were right, so every problem shows in one pass.
#[test]
fn a_misnamed_product_key_still_has_its_hosts_checked() {
    let text = "---\ninventory:\n  VOS:\n    Finesse: {}\n  Windows:\n    pg:\n      PG1:\n        hosts:\n        - name: \"pg1a\"\n          side: \"b\"\n          usr: \"x\"\n  deploymentType: \"UCCE-2000-Agents\"\n";
    let p = problems(text);
    let at: Vec<(usize, &str)> = p.iter().map(|p| (p.line, p.message.as_str())).collect();
    assert_eq!(
        at,
        [
            (6, "product names must be upper case: PG"),
            (9, "host `pg1a` has no `user`"),
            (10, "side `b` must be upper case"),
            (11, "unknown key `usr` in a host of pair `PG1`"),
        ],
        "{p:#?}"
    );
}

/// Issue 11 D13: `deploymentName` is always written (empty when unset), and each onboarded
/// cluster lists its Publisher first.
#[test]
fn export_always_names_the_deployment_and_puts_the_publisher_first() {
    let text = render(&Inventory::default());
    assert!(text.contains("\n  deploymentName: \"\"\n"), "{text}");
    let host = |h: &str, t: crate::domain::HostType| crate::domain::OnboardedHost {
        host: h.into(),
        cluster: "Finesse-Cluster-1".into(),
        product: "Finesse".into(),
        host_type: t,
        host_key: String::new(),
        user: "u".into(),
        port: 22,
    };
    // The subscriber onboarded (and so is stored) first.
    let onboarded = [
        host("fin-b", crate::domain::HostType::Subscriber),
        host("fin-a", crate::domain::HostType::Publisher),
    ];
    let inv = model::with_onboarded(Inventory::default(), &onboarded);
    let finesse = inv.vos.iter().find(|p| p.name == "Finesse").unwrap();
    let names: Vec<&str> = finesse.groups[0]
        .hosts
        .iter()
        .map(|h| h.name.as_str())
        .collect();
    assert_eq!(names, ["fin-a", "fin-b"]);
}

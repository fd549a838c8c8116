//! The digests, the comparison and the check of a peer's answer, without a peer.

use super::compare::compare;
use super::digests::Digester;
use super::*;
use crate::domain::Role;

fn digests(role: Role, items: &[(&str, &[(&str, &str)])]) -> Digests {
    let d = Digester { key: b"k" };
    Digests {
        node: format!("{role}.example"),
        role,
        change: 3,
        kinds: items
            .iter()
            .map(|(k, it)| {
                d.kind(
                    k,
                    it.iter()
                        .map(|(n, v)| (n.to_string(), d.digest(&[v.as_bytes()])))
                        .collect(),
                )
            })
            .collect(),
    }
}

#[test]
fn equal_state_compares_equal_and_a_difference_is_named() {
    let p = digests(
        Role::Publisher,
        &[
            ("application-users", &[("alice", "1"), ("bob", "2")]),
            ("signers", &[("acme", "key")]),
        ],
    );
    let same = digests(
        Role::Subscriber,
        &[
            ("application-users", &[("alice", "1"), ("bob", "2")]),
            ("signers", &[("acme", "key")]),
        ],
    );
    assert!(compare(&p, &same).iter().all(|k| k.equal));
    let s = digests(
        Role::Subscriber,
        &[
            ("application-users", &[("alice", "1"), ("carol", "3")]),
            ("signers", &[("acme", "other key")]),
        ],
    );
    let c = compare(&p, &s);
    let users = c.iter().find(|k| k.kind == "application-users").unwrap();
    assert!(!users.equal);
    assert_eq!(users.only_publisher, ["bob"]);
    assert_eq!(users.only_subscriber, ["carol"]);
    let signers = c.iter().find(|k| k.kind == "signers").unwrap();
    assert_eq!(signers.different, ["acme"]);
    assert!(c.iter().find(|k| k.kind == "trust").unwrap().equal);
}

#[test]
fn digests_are_keyed_and_parts_cannot_shift() {
    let a = Digester { key: b"secret-one" };
    let b = Digester { key: b"secret-two" };
    assert_ne!(a.digest(&[b"x"]), b.digest(&[b"x"]));
    assert_ne!(a.digest(&[b"ab", b"c"]), a.digest(&[b"a", b"bc"]));
    assert_eq!(a.digest(&[b"x"]).len(), DIGEST_HEX);
}

#[test]
fn a_hostile_answer_is_refused_or_escaped() {
    let mut d = digests(Role::Subscriber, &[("application-users", &[("a", "1")])]);
    assert!(d.check().is_ok());
    // Too many items.
    let mut huge = d.clone();
    huge.kinds[0].items = (0..=MAX_ITEMS)
        .map(|i| (i.to_string(), "00".to_owned()))
        .collect();
    assert!(huge.check().unwrap_err().to_string().contains("more than"));
    // A name too long, a digest that is not one, an unknown or repeated kind.
    let mut long = d.clone();
    long.kinds[0]
        .items
        .insert("x".repeat(MAX_NAME + 1), "00".into());
    assert!(long.check().is_err());
    let mut bad = d.clone();
    bad.kinds[0].items.insert("b".into(), "\u{1b}[2J".into());
    assert!(bad.check().is_err());
    let mut unknown = d.clone();
    unknown.kinds[0].kind = "users\u{1b}[31m".into();
    let why = unknown.check().unwrap_err().to_string();
    assert!(!why.contains('\u{1b}'), "{why}");
    let mut twice = d.clone();
    twice.kinds.push(twice.kinds[0].clone());
    assert!(twice.check().is_err());
    let mut node = d.clone();
    node.node = "evil\nadmin:".into();
    assert!(node.check().is_err());
    // A name with control characters is compared as sent and shown escaped.
    d.kinds[0]
        .items
        .insert("eve\u{1b}]0;owned\u{7}\nadmin:".into(), "00".into());
    assert!(d.check().is_ok());
    let p = digests(Role::Publisher, &[("application-users", &[("a", "1")])]);
    let c = compare(&p, &d);
    let users = &c[0];
    let text = describe(users, SHOWN);
    assert!(
        !text.contains('\u{1b}') && !text.contains('\n') && !text.contains('\u{7}'),
        "{text}"
    );
    assert!(text.contains("only on the subscriber: eve"), "{text}");
}

#[test]
fn long_lists_are_capped() {
    let k = KindComparison {
        kind: "application-users".into(),
        equal: false,
        publisher_items: 25,
        subscriber_items: 0,
        only_publisher: (0..25).map(|i| format!("u{i}")).collect(),
        only_subscriber: vec![],
        different: vec![],
    };
    let text = describe(&k, SHOWN);
    assert!(text.ends_with("and 15 more"), "{text}");
    assert!(text.contains("u9") && !text.contains("u10"), "{text}");
}

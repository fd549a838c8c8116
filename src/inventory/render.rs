//! Writing `inventory.conf` in the shape of the published samples: `---`, the `inventory:` map
//! with the VOS "do not update" comment, every product (`{}` when empty), the deployment name
//! and type, LF line endings, and the commented template for adding Windows hosts.

use super::model::{Host, Inventory, Product};

const VOS_COMMENT: &str = "\
## Do not update any host information and ProductName for VOS nodes except that side information for each VOS products can be added manually as below
#    Finesse: 
#      Finesse-Cluster-1:
#      hosts:
#      - name: \"Finesse-host-1\"    # Do not update
#        type: \"Publisher\"         # Do not update
#        side: \"A\"                 # side added manually
";

const WINDOWS_TEMPLATE: &str = "
## Default template for adding Windows hosts manually
#  Windows:
#    CVPSERVER:        # ProductName  [CVPSERVER, CVPOAMP, CVPREPORTING, DISTRIBUTOR, LOGGER, PG, ROGGER, ROUTER]
#      CVPCSVXML:      # Pair under product
#        hosts:
#        - name: \"cvpcsvxmlhost\"  # hostname
#          side: \"A\"              # side of the deployment
#          user: \"cceuser\"        # user configured on host
";

/// A YAML double-quoted string.
fn q(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            // Line and paragraph separators and the BOM would break a line or vanish in a
            // YAML reader; escaped, every reader gets the same text back.
            c if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}') => {
                out.push_str(&format!("\\u{:04x}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Words a YAML 1.1 reader (PyYAML, Ansible) takes as a boolean or null, not as text.
const YAML11_WORDS: &[&str] = &[
    "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "true", "True", "TRUE", "false",
    "False", "FALSE", "on", "On", "ON", "off", "Off", "OFF", "null", "Null", "NULL",
];

/// A mapping key: plain only when every YAML reader (1.1 and 1.2) reads it back as the same
/// text: it starts with a letter (so it is no number, `.inf` or `~`), holds only letters,
/// digits, `-`, `_`, `.`, and is no boolean or null word. Quoted otherwise.
fn key(s: &str) -> String {
    let plain = s.starts_with(|c: char| c.is_ascii_alphabetic())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        && !YAML11_WORDS.contains(&s);
    if plain {
        s.to_owned()
    } else {
        q(s)
    }
}

fn products<H: Host>(s: &mut String, products: &[Product<H>]) {
    for p in products {
        if p.groups.is_empty() {
            s.push_str(&format!("    {}: {{}}\n", p.name));
            continue;
        }
        s.push_str(&format!("    {}:\n", p.name));
        for g in &p.groups {
            s.push_str(&format!("      {}:\n        hosts:\n", key(&g.name)));
            for h in &g.hosts {
                s.push_str(&format!("        - name: {}\n", q(h.name())));
                for (k, v) in h.yaml_fields() {
                    s.push_str(&format!("          {k}: {}\n", q(v)));
                }
            }
        }
    }
}

pub fn render(inv: &Inventory) -> String {
    let mut s = String::from("---\ninventory:\n  VOS:\n");
    s.push_str(VOS_COMMENT);
    products(&mut s, &inv.vos);
    s.push_str("  Windows:\n");
    products(&mut s, &inv.windows);
    // Always written, empty when unset, as Cisco's published samples have it.
    s.push_str(&format!(
        "  deploymentName: {}\n",
        q(inv.deployment_name.as_deref().unwrap_or(""))
    ));
    s.push_str(&format!("  deploymentType: {}\n", q(&inv.deployment_type)));
    s.push_str(WINDOWS_TEMPLATE);
    s
}

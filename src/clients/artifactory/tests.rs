//! Unit tests of the Artifactory client's pure parts: builds chosen, error bodies, part names.

use std::path::{Path, PathBuf};

use super::*;

#[test]
fn software_choice_selects_builds() {
    assert!(wanted("/12.6/common/tool.zip", Software::Restricted));
    assert!(wanted("/12.6/common/tool.zip", Software::Unrestricted));
    assert!(wanted("/12.6/restricted/cc.iso", Software::Restricted));
    assert!(!wanted("/12.6/restricted/cc.iso", Software::Unrestricted));
    assert!(wanted("/12.6/unrestricted/cc.iso", Software::Unrestricted));
    assert!(!wanted("/12.6/unrestricted/cc.iso", Software::Restricted));
    // A file named like a folder is not a folder.
    assert!(wanted("/12.6/restricted", Software::Unrestricted));
}

#[test]
fn jfrog_error_bodies() {
    assert_eq!(
        jfrog_message(r#"{"errors":[{"status":403,"message":"Please accept the EULA"}]}"#),
        "Please accept the EULA"
    );
    assert_eq!(
        jfrog_message("<html>Bad gateway</html>"),
        "<html>Bad gateway</html>"
    );
}

#[test]
fn part_name() {
    assert_eq!(
        part_path(Path::new("/a/b.iso")),
        PathBuf::from("/a/b.iso.part")
    );
}

//! The signed product catalogue: parsed and checked (every probe within bounds), loaded from
//! the downloaded artifacts only when a trusted signer signed it, and asked for a product's
//! probe.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::ops::{Node, OpResult};
use crate::text::terminal_safe;

use super::*;

impl Probe {
    fn check(&self) -> Result<(), ProbeInvalid> {
        let text = |what: &'static str, s: &str, max: usize| {
            if s.trim().is_empty() || s.chars().count() > max || s.chars().any(char::is_control) {
                Err(ProbeInvalid::Text { what, max })
            } else {
                Ok(())
            }
        };
        text("command", &self.command, MAX_COMMAND)?;
        text("version value name", &self.version, MAX_NAME)?;
        if let Some(p) = &self.patches {
            text("patches key name", p, MAX_NAME)?;
            if p.contains('\\') {
                return Err(ProbeInvalid::PatchesKeyIsPath);
            }
        }
        Ok(())
    }
}

/// Parse and check a catalogue: every entry typed, every probe within bounds.
pub fn parse_catalogue(data: &[u8]) -> Result<BTreeMap<String, Product>, CatalogueError> {
    if data.len() as u64 > MAX_CATALOGUE {
        return Err(CatalogueError::TooLarge);
    }
    let products: BTreeMap<String, Product> = serde_json::from_slice(data)
        .map_err(|e| CatalogueError::Json(terminal_safe(&e.to_string()).into_owned()))?;
    if products.len() > MAX_PRODUCTS {
        return Err(CatalogueError::TooManyProducts);
    }
    for (name, p) in &products {
        if name.is_empty() || name.len() > 64 || name.chars().any(char::is_control) {
            return Err(CatalogueError::ProductName);
        }
        if let Some(probe) = &p.probe {
            probe.check().map_err(|why| CatalogueError::Probe {
                product: name.clone(),
                why,
            })?;
        }
    }
    Ok(products)
}

/// The catalogue from the downloaded artifacts: absent, verified, or refused with the reason
/// (a catalogue that is there but unsigned, signed by a stranger, tampered with or malformed
/// is never used, and every Windows host read says why).
pub fn load(node: &mut Node) -> OpResult<Catalogue> {
    let dir = node.root().join("artifacts");
    let Some(path) = crate::ops::patches::find_files(&dir, CATALOGUE)
        .into_iter()
        .find(|p| p.file_name().is_some_and(|n| n == CATALOGUE))
    else {
        return Ok(Catalogue::default());
    };
    let signers = node.db()?.signers()?;
    let refused = |why: Refusal| Catalogue {
        source: Source::Refused(Refused {
            path: terminal_safe(&path.display().to_string()).into_owned(),
            why,
        }),
        products: BTreeMap::new(),
    };
    let data = match crate::state::read_bounded(&path, MAX_CATALOGUE) {
        Ok(d) => d,
        Err(e) => return Ok(refused(Refusal::Unreadable(e.to_string()))),
    };
    let sig = crate::state::read_bounded(
        &PathBuf::from(format!("{}.minisig", path.display())),
        crate::ops::signing::MAX_SIGNATURE,
    )
    .ok()
    .map(|b| String::from_utf8_lossy(&b).into_owned());
    match crate::ops::signing::verify(&data, sig.as_deref(), &signers) {
        crate::ops::signing::Verdict::Trusted { .. } => {}
        crate::ops::signing::Verdict::Unsigned => return Ok(refused(Refusal::Unsigned)),
        crate::ops::signing::Verdict::UnknownKey { key_id } => {
            return Ok(refused(Refusal::UnknownKey(
                terminal_safe(&key_id).into_owned(),
            )))
        }
        crate::ops::signing::Verdict::Invalid => return Ok(refused(Refusal::Mismatch)),
    }
    match parse_catalogue(&data) {
        Ok(products) => Ok(Catalogue {
            source: Source::Loaded,
            products,
        }),
        Err(e) => Ok(refused(Refusal::Invalid(e))),
    }
}

impl Catalogue {
    /// The probe for `product` (its name compared without regard to case), or why none can be
    /// used.
    pub(super) fn probe(&self, product: &str) -> Result<Option<&Probe>, Refused> {
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

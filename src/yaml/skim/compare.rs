//! The fast path against the full parse, for the tests, the corpus sweep and the `skim` fuzz
//! target.

use super::super::tree::{Document, NodeId, NodeKind};
use super::{Keep, skim};

/// Checks the fast path against the full parse on one document: `Ok(true)` when [`skim`]
/// accepted it and agrees, `Ok(false)` when it left the document to the parser, `Err` (with
/// what differs) when it accepted a document the parser rejects or read it differently. Every
/// node `keep` names must be the parser's, with the same value, style and span (for a
/// collection, the same first character); every key of a kept mapping `keep` lists must be
/// there, in order, and no other.
pub fn compare_with_parser(piece: &str, keep: &'static Keep) -> Result<bool, String> {
    let Some(skimmed) = skim(piece, 0, keep) else {
        return Ok(false);
    };
    let full = super::super::build::parse_piece_to_depth(piece, 0, None, usize::MAX);
    if let Some(error) = &full.error {
        return Err(format!(
            "accepted, but the parser says {} at byte {}",
            error.message, error.offset
        ));
    }
    let [document] = full.documents.as_slice() else {
        return Err(format!(
            "accepted, but the parser found {} documents",
            full.documents.len()
        ));
    };
    let (Some(mine), Some(theirs)) = (skimmed.root, document.root) else {
        return Err("accepted, but one of the trees has no root".to_string());
    };
    let pair = Pair {
        mine: &skimmed,
        theirs: document,
    };
    pair.same(mine, theirs, keep, "")?;
    Ok(true)
}

struct Pair<'a> {
    mine: &'a Document,
    theirs: &'a Document,
}

impl Pair<'_> {
    fn same(&self, a: NodeId, b: NodeId, keep: &'static Keep, path: &str) -> Result<(), String> {
        if *keep == Keep::Presence {
            return Ok(());
        }
        let (mine, theirs) = (self.mine.node(a), self.theirs.node(b));
        let differ = |what: &str| {
            Err(format!(
                "{path}: {what}: skim read {:?} at {:?}, the parser {:?} at {:?}",
                mine.kind, mine.span, theirs.kind, theirs.span
            ))
        };
        match (&mine.kind, &theirs.kind) {
            (
                NodeKind::Scalar { value, style },
                NodeKind::Scalar {
                    value: their_value,
                    style: their_style,
                },
            ) => {
                if value != their_value || style != their_style || mine.span != theirs.span {
                    return differ("scalars differ");
                }
            }
            (NodeKind::Mapping(entries), NodeKind::Mapping(their_entries)) => {
                if mine.span.start != theirs.span.start || mine.span.end <= mine.span.start {
                    return differ("mappings start apart");
                }
                let mut entries = entries.iter();
                for &(their_key, their_value) in their_entries {
                    let NodeKind::Scalar { value: key, .. } = &self.theirs.node(their_key).kind
                    else {
                        return differ("a key is not a scalar");
                    };
                    let Some(value_keep) = keep.entry(key.as_bytes()) else {
                        continue;
                    };
                    let Some(&(my_key, my_value)) = entries.next() else {
                        return differ(&format!("key {key:?} missing"));
                    };
                    let path = format!("{path}.{key}");
                    self.same(my_key, their_key, &Keep::All, &path)?;
                    self.same(my_value, their_value, value_keep, &path)?;
                }
                if entries.next().is_some() {
                    return differ("more keys than the parser's");
                }
            }
            (NodeKind::Sequence(items), NodeKind::Sequence(their_items)) => {
                if mine.span.start != theirs.span.start || mine.span.end <= mine.span.start {
                    return differ("sequences start apart");
                }
                if items.len() != their_items.len() {
                    return differ("lengths differ");
                }
                for (i, (&item, &their_item)) in items.iter().zip(their_items).enumerate() {
                    self.same(item, their_item, keep.item(), &format!("{path}[{i}]"))?;
                }
            }
            _ => return differ("kinds differ"),
        }
        Ok(())
    }
}

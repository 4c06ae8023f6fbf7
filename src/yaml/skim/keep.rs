//! What the fast path keeps of a document (a schema the caller gives), and the tree it builds.

use super::super::tree::{Document, Node, NodeId, NodeKind, ScalarStyle};
use crate::source::Span;

/// What the fast path keeps of a node. The caller names the nodes it reads; everything else is
/// read only to be sure it is valid YAML, and costs no allocation.
#[derive(Debug, PartialEq, Eq)]
pub enum Keep {
    /// Only that the node is there: a null stands in for it.
    Presence,
    /// The node and everything under it.
    All,
    /// A mapping: the entries whose keys are listed, each kept as listed; the others dropped,
    /// or kept with a null value ([`Unlisted::Present`]) for a caller that needs every key.
    Mapping(&'static [(Key, Keep)], Unlisted),
    /// A sequence, each item kept as given.
    Sequence(&'static Keep),
}

/// A key a [`Keep::Mapping`] lists.
#[derive(Debug, PartialEq, Eq)]
pub enum Key {
    Is(&'static str),
    StartsWith(&'static str),
}

/// What becomes of a [`Keep::Mapping`]'s entries whose keys it does not list.
#[derive(Debug, PartialEq, Eq, Clone, Copy)]
pub enum Unlisted {
    Dropped,
    Present,
}

impl Key {
    fn matches(&self, key: &[u8]) -> bool {
        match self {
            Key::Is(name) => name.as_bytes() == key,
            Key::StartsWith(prefix) => key.starts_with(prefix.as_bytes()),
        }
    }
}

impl Keep {
    /// What to keep of the value of `key` in a mapping kept as `self`; `None`: the entry is
    /// dropped.
    pub(super) fn entry(&'static self, key: &[u8]) -> Option<&'static Keep> {
        match self {
            Keep::All => Some(&Keep::All),
            Keep::Mapping(fields, unlisted) => {
                let listed = fields.iter().find(|(k, _)| k.matches(key));
                match (listed, unlisted) {
                    (Some((_, keep)), _) => Some(keep),
                    (None, Unlisted::Present) => Some(&Keep::Presence),
                    (None, Unlisted::Dropped) => None,
                }
            }
            Keep::Presence | Keep::Sequence(_) => None,
        }
    }

    /// What to keep of each item of a sequence kept as `self`.
    pub(super) fn item(&'static self) -> &'static Keep {
        match self {
            Keep::All => &Keep::All,
            Keep::Sequence(item) => item,
            Keep::Presence | Keep::Mapping(..) => &Keep::Presence,
        }
    }

    /// Whether a mapping may stand where this is kept.
    pub(super) fn takes_mapping(&self) -> bool {
        matches!(self, Keep::All | Keep::Mapping(..))
    }

    /// Whether a sequence may stand where this is kept.
    pub(super) fn takes_sequence(&self) -> bool {
        matches!(self, Keep::All | Keep::Sequence(_))
    }
}

/// The tree being built: the kept nodes, each attached to its collection when it starts.
#[derive(Default)]
pub(super) struct Out {
    nodes: Vec<Node>,
    pub root: Option<NodeId>,
}

impl Out {
    fn push(&mut self, kind: NodeKind, span: Span) -> NodeId {
        self.nodes.push(Node { kind, span });
        (self.nodes.len() - 1) as NodeId
    }

    pub fn scalar(&mut self, value: &str, style: ScalarStyle, span: Span) -> NodeId {
        let kind = NodeKind::Scalar {
            value: value.to_string(),
            style,
        };
        self.push(kind, span)
    }

    /// A mapping or sequence whose entries are attached as they are read.
    pub fn collection(&mut self, mapping: bool, span: Span) -> NodeId {
        let kind = if mapping {
            NodeKind::Mapping(Vec::new())
        } else {
            NodeKind::Sequence(Vec::new())
        };
        self.push(kind, span)
    }

    /// Adds `value` (after `key`, in a mapping) to the collection `parent`.
    pub fn attach(&mut self, parent: NodeId, key: Option<NodeId>, value: NodeId) {
        match (&mut self.nodes[parent as usize].kind, key) {
            (NodeKind::Mapping(entries), Some(key)) => entries.push((key, value)),
            (NodeKind::Sequence(items), None) => items.push(value),
            _ => debug_assert!(false, "a value attached to a scalar"),
        }
    }

    pub fn finish(self) -> Option<Document> {
        Some(Document {
            nodes: self.nodes,
            root: Some(self.root?),
        })
    }
}

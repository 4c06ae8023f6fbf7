//! A YAML document as an arena of nodes with byte spans. Aliases stay references to their anchor
//! (never copies), so an alias bomb costs no more memory than its text.

use crate::source::Span;

pub type NodeId = u32;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScalarStyle {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
    Folded,
}

#[derive(Debug)]
pub enum NodeKind {
    Scalar {
        value: String,
        style: ScalarStyle,
    },
    Sequence(Vec<NodeId>),
    /// Entries in source order, merge keys (`<<`) included as written.
    Mapping(Vec<(NodeId, NodeId)>),
    Alias(NodeId),
}

#[derive(Debug)]
pub struct Node {
    pub kind: NodeKind,
    /// Where the node is written: for an alias, the alias itself (`*name`).
    pub span: Span,
}

/// One parsed document.
#[derive(Debug, Default)]
pub struct Document {
    pub nodes: Vec<Node>,
    pub root: Option<NodeId>,
}

/// How many merge-key indirections a lookup follows before giving up: bounds the work an
/// adversarial `<<` chain can cause.
const MERGE_VISIT_LIMIT: usize = 256;

impl Document {
    pub fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id as usize]
    }

    /// Follows aliases to the node they refer to.
    pub fn resolve(&self, mut id: NodeId) -> NodeId {
        // An alias always refers to an earlier node, so this chain ends; the bound is a guard.
        for _ in 0..self.nodes.len() {
            match self.node(id).kind {
                NodeKind::Alias(target) => id = target,
                _ => return id,
            }
        }
        id
    }

    pub fn root(&self) -> Option<NodeId> {
        self.root.map(|r| self.resolve(r))
    }

    /// The scalar's value, unless the node (after aliases) is not a scalar or is a YAML null.
    pub fn str(&self, id: NodeId) -> Option<&str> {
        match &self.node(self.resolve(id)).kind {
            NodeKind::Scalar { value, style } if !is_null(value, *style) => Some(value),
            _ => None,
        }
    }

    pub fn is_null(&self, id: NodeId) -> bool {
        matches!(&self.node(self.resolve(id)).kind, NodeKind::Scalar { value, style } if is_null(value, *style))
    }

    /// The items of a sequence (after aliases), each resolved.
    pub fn items(&self, id: NodeId) -> impl Iterator<Item = NodeId> + '_ {
        let items: &[NodeId] = match &self.node(self.resolve(id)).kind {
            NodeKind::Sequence(items) => items,
            _ => &[],
        };
        items.iter().map(|&item| self.resolve(item))
    }

    pub fn is_mapping(&self, id: NodeId) -> bool {
        matches!(self.node(self.resolve(id)).kind, NodeKind::Mapping(_))
    }

    pub fn is_sequence(&self, id: NodeId) -> bool {
        matches!(self.node(self.resolve(id)).kind, NodeKind::Sequence(_))
    }

    /// The value under `key` in a mapping, as Kubernetes' YAML decoding sees it: the last
    /// explicit entry wins; otherwise the merge keys (`<<: *a` or `<<: [*a, *b]`) are searched,
    /// earlier merged mappings before later ones. Returns the value node as written (an alias
    /// stays an alias, so its span is where it is used); use [`Document::resolve`] for its target.
    pub fn get(&self, mapping: NodeId, key: &str) -> Option<NodeId> {
        let mut pending = vec![self.resolve(mapping)];
        let mut visited = 0;
        while let Some(current) = pending.pop() {
            visited += 1;
            if visited > MERGE_VISIT_LIMIT {
                return None;
            }
            let NodeKind::Mapping(entries) = &self.node(current).kind else {
                continue;
            };
            if let Some(&(_, value)) = entries
                .iter()
                .rev()
                .find(|(k, _)| self.str(*k) == Some(key) && !self.is_merge_key(*k))
            {
                return Some(value);
            }
            // Merged mappings are searched depth-first, in order: push them reversed.
            let mut merged = Vec::new();
            for &(_, v) in entries.iter().filter(|(k, _)| self.is_merge_key(*k)) {
                let v = self.resolve(v);
                match &self.node(v).kind {
                    NodeKind::Mapping(_) => merged.push(v),
                    NodeKind::Sequence(items) => {
                        merged.extend(items.iter().map(|&i| self.resolve(i)))
                    }
                    _ => {}
                }
            }
            pending.extend(merged.into_iter().rev());
        }
        None
    }

    /// Like [`Document::get`], resolved to the target node.
    pub fn get_resolved(&self, mapping: NodeId, key: &str) -> Option<NodeId> {
        self.get(mapping, key).map(|v| self.resolve(v))
    }

    /// Walks a path of keys through nested mappings.
    pub fn path(&self, mut node: NodeId, keys: &[&str]) -> Option<NodeId> {
        for key in keys {
            node = self.get_resolved(node, key)?;
        }
        Some(node)
    }

    fn is_merge_key(&self, key: NodeId) -> bool {
        matches!(&self.node(key).kind, NodeKind::Scalar { value, style: ScalarStyle::Plain } if value == "<<")
    }
}

/// YAML 1.1/1.2 core-schema nulls, as Kubernetes decodes them.
fn is_null(value: &str, style: ScalarStyle) -> bool {
    style == ScalarStyle::Plain && matches!(value, "" | "~" | "null" | "Null" | "NULL")
}

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

    /// The value under `key` in a mapping, as Kubernetes' YAML decoder (go-yaml v2) sees it:
    /// entries are assigned in the order they are written, and a merge key (`<<: *a`) assigns
    /// the merged mapping's entries where it stands, so the last assignment wins, merge or not:
    /// `imagePullPolicy: Always` followed by `<<: *local` takes `local`'s policy. In
    /// `<<: [*a, *b]` the earlier mapping wins (`decoder.merge` merges them backwards). Returns
    /// the value node as written (an alias stays an alias, so its span is where it is used);
    /// use [`Document::resolve`] for its target.
    pub fn get(&self, mapping: NodeId, key: &str) -> Option<NodeId> {
        let mut budget = MERGE_VISIT_LIMIT;
        self.lookup(mapping, key, &mut budget)
    }

    fn lookup(&self, mapping: NodeId, key: &str, budget: &mut usize) -> Option<NodeId> {
        if *budget == 0 {
            return None;
        }
        *budget -= 1;
        let NodeKind::Mapping(entries) = &self.node(self.resolve(mapping)).kind else {
            return None;
        };
        for &(k, v) in entries.iter().rev() {
            if self.is_merge_key(k) {
                let merged = self.resolve(v);
                let found = match &self.node(merged).kind {
                    NodeKind::Mapping(_) => self.lookup(merged, key, budget),
                    NodeKind::Sequence(items) => items
                        .iter()
                        .find_map(|&item| self.lookup(item, key, budget)),
                    _ => None,
                };
                if found.is_some() {
                    return found;
                }
            } else if self.str(k) == Some(key) {
                return Some(v);
            }
        }
        None
    }

    /// Like [`Document::get`], resolved to the target node.
    pub fn get_resolved(&self, mapping: NodeId, key: &str) -> Option<NodeId> {
        self.get(mapping, key).map(|v| self.resolve(v))
    }

    /// The key node of `key` in a mapping's own entries (merge keys not followed): where a
    /// finding about a whole entry points.
    pub fn key_node(&self, mapping: NodeId, key: &str) -> Option<NodeId> {
        let NodeKind::Mapping(entries) = &self.node(self.resolve(mapping)).kind else {
            return None;
        };
        entries
            .iter()
            .rev()
            .find(|&&(k, _)| self.str(k) == Some(key))
            .map(|&(k, _)| k)
    }

    /// Walks a path of keys through nested mappings.
    pub fn path(&self, mut node: NodeId, keys: &[&str]) -> Option<NodeId> {
        for key in keys {
            node = self.get_resolved(node, key)?;
        }
        Some(node)
    }

    /// go-yaml's guard against alias bombs (`allowedAliasRatio` in its decoder): a document
    /// whose full expansion would visit more than 1,000 nodes, more than 100 of them through
    /// aliases, and too large a share through aliases (99% up to 400,000 nodes, falling to 10%
    /// at 4,000,000) is refused. Computed on the tree without expanding anything.
    pub fn has_excessive_aliasing(&self) -> bool {
        let aliases = self
            .nodes
            .iter()
            .filter(|n| matches!(n.kind, NodeKind::Alias(_)))
            .count();
        if aliases == 0 {
            return false;
        }
        let Some(root) = self.root else {
            return false;
        };
        let expanded = self.expanded_sizes();
        let decoded = expanded[root as usize];
        let through_aliases = self.alias_visits(&expanded)[root as usize];
        decoded > 1000
            && through_aliases > 100
            && through_aliases as f64 / decoded as f64 > allowed_alias_ratio(decoded)
    }

    /// Offset of the first alias, where an aliasing error is reported.
    pub fn first_alias_offset(&self) -> Option<usize> {
        self.nodes
            .iter()
            .find(|n| matches!(n.kind, NodeKind::Alias(_)))
            .map(|n| n.span.start)
    }

    /// For each node, how many nodes a full expansion visits from it (itself included),
    /// saturating: an alias counts itself and its target's expansion. Dependencies run both
    /// ways in id order (children after their parent, alias targets before the alias), so an
    /// explicit depth-first walk settles every node after what it depends on.
    fn expanded_sizes(&self) -> Vec<u64> {
        let n = self.nodes.len();
        let mut size = vec![0u64; n];
        let mut done = vec![false; n];
        let mut stack: Vec<(NodeId, bool)> = Vec::new();
        for start in 0..n as NodeId {
            stack.push((start, false));
            while let Some((id, ready)) = stack.pop() {
                if done[id as usize] {
                    continue;
                }
                if ready {
                    size[id as usize] = self
                        .dependencies(id)
                        .fold(1u64, |acc, d| acc.saturating_add(size[d as usize]));
                    done[id as usize] = true;
                } else {
                    stack.push((id, true));
                    stack.extend(
                        self.dependencies(id)
                            .filter(|d| !done[*d as usize])
                            .map(|d| (d, false)),
                    );
                }
            }
        }
        size
    }

    /// A node's children (keys and values of a mapping), or an alias's target.
    fn dependencies(&self, id: NodeId) -> impl Iterator<Item = NodeId> + '_ {
        let (items, pairs, target): (&[NodeId], &[(NodeId, NodeId)], Option<NodeId>) =
            match &self.node(id).kind {
                NodeKind::Scalar { .. } => (&[], &[], None),
                NodeKind::Sequence(items) => (items, &[], None),
                NodeKind::Mapping(entries) => (&[], entries, None),
                NodeKind::Alias(target) => (&[], &[], Some(*target)),
            };
        items
            .iter()
            .copied()
            .chain(pairs.iter().flat_map(|&(k, v)| [k, v]))
            .chain(target)
    }

    /// For each node, how many of the nodes visited from it are visited through an alias.
    fn alias_visits(&self, expanded: &[u64]) -> Vec<u64> {
        let n = self.nodes.len();
        let mut visits = vec![0u64; n];
        // Children and targets of aliases do not matter here: an alias contributes its target's
        // whole expansion, and a collection the sum of its children's; children have larger ids.
        for id in (0..n).rev() {
            visits[id] = match &self.nodes[id].kind {
                NodeKind::Scalar { .. } => 0,
                NodeKind::Alias(target) => expanded[*target as usize],
                NodeKind::Sequence(items) => items
                    .iter()
                    .fold(0u64, |acc, i| acc.saturating_add(visits[*i as usize])),
                NodeKind::Mapping(entries) => entries.iter().fold(0u64, |acc, (k, v)| {
                    acc.saturating_add(visits[*k as usize])
                        .saturating_add(visits[*v as usize])
                }),
            };
        }
        visits
    }

    fn is_merge_key(&self, key: NodeId) -> bool {
        matches!(&self.node(key).kind, NodeKind::Scalar { value, style: ScalarStyle::Plain } if value == "<<")
    }
}

/// go-yaml's `allowedAliasRatio`.
fn allowed_alias_ratio(decoded: u64) -> f64 {
    const LOW: f64 = 400_000.0;
    const HIGH: f64 = 4_000_000.0;
    let decoded = decoded as f64;
    if decoded <= LOW {
        0.99
    } else if decoded >= HIGH {
        0.10
    } else {
        0.99 - 0.89 * ((decoded - LOW) / (HIGH - LOW))
    }
}

/// YAML 1.1/1.2 core-schema nulls, as Kubernetes decodes them.
fn is_null(value: &str, style: ScalarStyle) -> bool {
    style == ScalarStyle::Plain && matches!(value, "" | "~" | "null" | "Null" | "NULL")
}

//! The tree builder: saphyr-parser's events in, an arena [`Document`] out, keeping the first
//! `keep_depth` levels.

use super::*;

pub(super) struct Builder {
    doc: Document,
    /// Open collections, innermost last.
    open: Vec<Open>,
    /// Node of each anchor id (saphyr numbers anchors from 1); `Some(None)` for an anchor in
    /// a subtree that was not kept.
    anchors: Vec<Option<Option<NodeId>>>,
    /// Nodes deeper than this are not kept (a shallow tree); their events are still checked.
    keep_depth: usize,
    /// How many collections deep we are inside a subtree that is not kept.
    skipping: usize,
    /// For each collection open in a skipped subtree: whether it is a mapping, and how many
    /// nodes it holds so far (so that a collection in key position is found there too).
    skipped: Vec<(bool, usize)>,
    /// The null standing in for the skipped subtree: its span grows to cover the subtree.
    placeholder: Option<NodeId>,
}

impl Default for Builder {
    fn default() -> Self {
        Builder::new(usize::MAX)
    }
}

pub(super) struct Open {
    id: NodeId,
    children: Vec<NodeId>,
    is_mapping: bool,
}

impl Builder {
    pub(super) fn new(keep_depth: usize) -> Self {
        Builder {
            doc: Document::default(),
            open: Vec::new(),
            anchors: Vec::new(),
            keep_depth,
            skipping: 0,
            skipped: Vec::new(),
            placeholder: None,
        }
    }

    /// Follows events inside a subtree that is not kept: depth and anchors only.
    pub(super) fn skip(&mut self, event: Event<'_>, span: Span) -> Result<(), String> {
        let in_key_position = self
            .skipped
            .last()
            .is_some_and(|&(mapping, count)| mapping && count % 2 == 0);
        match event {
            Event::Scalar(value, style, anchor, tag) => {
                let tag = tag.as_ref().map(|t| (t.handle.as_str(), t.suffix.as_str()));
                goyaml::check_scalar(&value, style == SaphyrStyle::Plain, tag)?;
                self.anchor_skipped(anchor);
                self.count_skipped();
            }
            Event::Alias(anchor) if self.anchors.get(anchor).copied().flatten().is_none() => {
                return Err("alias to an unknown anchor".to_string());
            }
            Event::Alias(_) => self.count_skipped(),
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                if self.open.len() + self.skipping >= MAX_DEPTH {
                    return Err(format!("nesting deeper than {MAX_DEPTH} levels"));
                }
                if in_key_position {
                    return Err(INVALID_MAP_KEY.to_string());
                }
                self.anchor_skipped(anchor);
                self.skipping += 1;
                self.skipped
                    .push((matches!(event, Event::MappingStart(..)), 0));
            }
            Event::SequenceEnd | Event::MappingEnd => {
                self.skipping -= 1;
                self.skipped.pop();
                self.count_skipped();
                if self.skipping == 0
                    && let Some(id) = self.placeholder.take()
                {
                    let node = &mut self.doc.nodes[id as usize];
                    node.span.end = node.span.end.max(span.end);
                }
            }
            _ => {}
        }
        Ok(())
    }

    pub(super) fn count_skipped(&mut self) {
        if let Some((_, count)) = self.skipped.last_mut() {
            *count += 1;
        }
    }

    pub(super) fn anchor_skipped(&mut self, anchor: usize) {
        if anchor != 0 {
            if self.anchors.len() <= anchor {
                self.anchors.resize(anchor + 1, None);
            }
            self.anchors[anchor] = Some(None);
        }
    }

    pub(super) fn event(&mut self, event: Event<'_>, span: Span) -> Result<(), String> {
        if self.skipping > 0 {
            return self.skip(event, span);
        }
        if self.open.len() >= self.keep_depth
            && matches!(event, Event::SequenceStart(..) | Event::MappingStart(..))
        {
            // Too deep to keep: a null stands in, so that mapping entries stay paired.
            if self.expects_key() {
                return Err(INVALID_MAP_KEY.to_string());
            }
            let id = self.push(
                NodeKind::Scalar {
                    value: String::new(),
                    style: ScalarStyle::Plain,
                },
                span,
            );
            self.attach(id);
            self.placeholder = Some(id);
            return self.skip(event, span);
        }
        match event {
            Event::Scalar(value, style, anchor, tag) => {
                let tag = tag.as_ref().map(|t| (t.handle.as_str(), t.suffix.as_str()));
                goyaml::check_scalar(&value, style == SaphyrStyle::Plain, tag)?;
                let kind = NodeKind::Scalar {
                    value: value.into_owned(),
                    style: convert_style(style),
                };
                let id = self.push(kind, span);
                self.anchor(anchor, id);
                self.attach(id);
            }
            Event::Alias(anchor) => {
                let id = match self.anchors.get(anchor).copied().flatten() {
                    // `&a [*a]`: go-yaml refuses an anchor whose value contains itself.
                    Some(Some(target)) if self.open.iter().any(|o| o.id == target) => {
                        return Err("anchor's value contains an alias to itself".to_string());
                    }
                    Some(Some(target)) => {
                        let collection = matches!(
                            self.doc.nodes[target as usize].kind,
                            NodeKind::Mapping(_) | NodeKind::Sequence(_)
                        );
                        if collection && self.expects_key() {
                            return Err(INVALID_MAP_KEY.to_string());
                        }
                        self.push(NodeKind::Alias(target), span)
                    }
                    // The anchored subtree was not kept.
                    Some(None) => self.push(
                        NodeKind::Scalar {
                            value: String::new(),
                            style: ScalarStyle::Plain,
                        },
                        span,
                    ),
                    None => return Err("alias to an unknown anchor".to_string()),
                };
                self.attach(id);
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                if self.open.len() >= MAX_DEPTH {
                    return Err(format!("nesting deeper than {MAX_DEPTH} levels"));
                }
                let is_mapping = matches!(event, Event::MappingStart(..));
                let placeholder = NodeKind::Sequence(Vec::new());
                let id = self.push(placeholder, span);
                self.anchor(anchor, id);
                self.open.push(Open {
                    id,
                    children: Vec::new(),
                    is_mapping,
                });
            }
            Event::SequenceEnd | Event::MappingEnd => {
                if let Some(open) = self.open.pop() {
                    self.close(open, span.end);
                    // JSON keys are strings: go-yaml's YAMLToJSON refuses a collection as a key.
                    if self.expects_key_before_last() {
                        return Err(INVALID_MAP_KEY.to_string());
                    }
                }
            }
            Event::StreamStart
            | Event::StreamEnd
            | Event::DocumentStart(_)
            | Event::DocumentEnd
            | Event::Nothing => {}
        }
        Ok(())
    }

    /// Whether a root node was read and closed.
    pub(super) fn is_complete(&self) -> bool {
        self.doc.root.is_some() && self.open.is_empty() && self.skipping == 0
    }

    /// Whether the next node is a key of the innermost open mapping.
    pub(super) fn expects_key(&self) -> bool {
        self.skipping == 0
            && self
                .open
                .last()
                .is_some_and(|o| o.is_mapping && o.children.len() % 2 == 0)
    }

    /// Whether the node just attached is a key of the innermost open mapping.
    pub(super) fn expects_key_before_last(&self) -> bool {
        self.open
            .last()
            .is_some_and(|o| o.is_mapping && o.children.len() % 2 == 1)
    }

    pub(super) fn push(&mut self, kind: NodeKind, span: Span) -> NodeId {
        let id = self.doc.nodes.len() as NodeId;
        self.doc.nodes.push(Node { kind, span });
        id
    }

    pub(super) fn anchor(&mut self, anchor: usize, id: NodeId) {
        if anchor == 0 {
            return;
        }
        if self.anchors.len() <= anchor {
            self.anchors.resize(anchor + 1, None);
        }
        self.anchors[anchor] = Some(Some(id));
    }

    pub(super) fn attach(&mut self, id: NodeId) {
        match self.open.last_mut() {
            Some(open) => open.children.push(id),
            None => {
                if self.doc.root.is_none() {
                    self.doc.root = Some(id);
                }
            }
        }
    }

    pub(super) fn close(&mut self, open: Open, end: usize) {
        // Block collections start where their first entry starts; widen to cover the entries.
        let first_start = open
            .children
            .first()
            .map(|&c| self.doc.nodes[c as usize].span.start);
        let kind = if open.is_mapping {
            let entries = open
                .children
                .chunks_exact(2)
                .map(|pair| (pair[0], pair[1]))
                .collect();
            NodeKind::Mapping(entries)
        } else {
            NodeKind::Sequence(open.children)
        };
        let node = &mut self.doc.nodes[open.id as usize];
        if let Some(first_start) = first_start {
            node.span.start = node.span.start.min(first_start);
        }
        node.span.end = end.max(node.span.start);
        node.kind = kind;
        self.attach(open.id);
    }

    pub(super) fn finish(mut self) -> Document {
        // An error can leave collections open: close them so the tree stays well formed.
        while let Some(open) = self.open.pop() {
            let end = self.doc.nodes.last().map_or(0, |n| n.span.end);
            self.close(open, end);
        }
        self.doc
    }
}

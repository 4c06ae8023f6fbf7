//! Findings about built objects, placed: at the line that set the value they are about, and
//! once for all the roots that reach them.

use crate::diagnostic::{Diagnostic, Related};
use crate::k8s::Built;
use crate::source::Span;

use super::Kustomized;

/// Places the findings about a built pod spec: each names its root, and one about a value an
/// `images:` entry set moves to that entry, with the place the base writes it as related.
pub fn place(found: &mut [Diagnostic], file: usize, built: &Built, kustomized: &Kustomized) {
    let root = &kustomized.roots[built.root].name;
    for d in found {
        d.roots = vec![root.clone()];
        if d.file != file {
            continue;
        }
        let moved = |span: Span| {
            built
                .moved
                .iter()
                .find(|m| m.written.start <= span.start && span.end <= m.written.end)
        };
        for related in d.related.iter_mut().filter(|r| r.file == file) {
            if let Some(m) = moved(related.span) {
                related.file = m.to_file;
                related.span = m.to_span;
            }
        }
        if let Some(m) = moved(d.span) {
            if !m.label.is_empty() {
                d.related.insert(
                    0,
                    Related {
                        file: d.file,
                        span: d.span,
                        label: m.label.clone(),
                    },
                );
            }
            d.file = m.to_file;
            d.span = m.to_span;
            // The value was set elsewhere (an overlay's entry, a patch): editing the base would
            // not change what is deployed.
            d.fix = None;
        }
    }
}

/// Merges findings that are the same but for the root they were found through (a base
/// included by several overlays): one finding, listing the roots. `found` is sorted.
pub fn merge_roots(found: &mut Vec<Diagnostic>) {
    found.dedup_by(|later, kept| {
        let same = later.sort_key() == kept.sort_key()
            && later.severity == kept.severity
            && later.related == kept.related
            && later.suppression == kept.suppression;
        if same {
            for root in later.roots.drain(..) {
                if !kept.roots.contains(&root) {
                    kept.roots.push(root);
                }
            }
        }
        same
    });
    for d in found.iter_mut().filter(|d| d.roots.len() > 1) {
        d.roots.sort();
    }
}

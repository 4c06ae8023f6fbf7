//! The values a build gives an extracted object, and which of them moved to the line that set
//! them.

use super::build::{BuiltObject, Place};
use crate::k8s::{Located, Moved, PullSecretList};
use crate::source::Span;

/// The built values given to an extracted object, and which of them moved: a value a
/// kustomization set is found at the place that set it. A value the resource does not write at
/// all gets a span past the end of its file, unique to it, which always moves.
pub(super) struct Values {
    pub(super) moved: Vec<Moved>,
    next: usize,
}

impl Values {
    pub(super) fn new(text_len: usize) -> Self {
        Values {
            moved: Vec::new(),
            next: text_len + 1,
        }
    }

    /// Sets `value` to `built`, set at `by` when a kustomization set it.
    pub(super) fn set(
        &mut self,
        value: &mut Option<Located>,
        built: &str,
        by: Option<Place>,
        what: &str,
    ) {
        let Some(by) = by else {
            if let Some(value) = value {
                value.value = built.to_string();
            }
            return;
        };
        let (span, label) = match value {
            Some(written) => (
                written.span,
                format!("the {what} is written `{}` here", written.value),
            ),
            None => {
                self.next += 2;
                (Span::new(self.next - 2, self.next - 1), String::new())
            }
        };
        self.moved.push(Moved {
            written: span,
            to_file: by.file,
            to_span: by.span,
            label,
        });
        *value = Some(Located {
            value: built.to_string(),
            span,
        });
    }

    /// The built pull-secret list: written entries renamed, in order, then what patches added.
    pub(super) fn pull_secrets(&mut self, list: &mut PullSecretList, object: &BuiltObject) {
        let mut written = std::mem::take(&mut list.named).into_iter();
        for (name, by) in object.pull_secrets.iter().zip(&object.pull_secrets_set_by) {
            let mut entry = match by {
                None => written.next(),
                Some(_) => None,
            };
            self.set(&mut entry, name, *by, "pull secret");
            if let Some(mut entry) = entry {
                entry.value = name.clone();
                list.named.push(entry);
            }
        }
        list.listed |= !list.named.is_empty();
    }
}

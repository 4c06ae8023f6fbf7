//! Accepting what Kubernetes accepts where saphyr-parser is stricter.
//!
//! Kubernetes decodes manifests with go-yaml, a port of libyaml, which does not check how far a
//! quoted scalar's continuation lines are indented. saphyr-parser rejects a continuation line
//! indented less than the enclosing block ("invalid indentation in quoted scalar"), as in
//!
//! ```yaml
//!     - "exec kafka-server-start.sh
//!   --override broker.id=1"
//! ```
//!
//! Leading white space on a quoted scalar's continuation lines is discarded by line folding
//! (and after an escaped line break), so indenting those lines further does not change the
//! value. The repair does exactly that, on a copy of the document, for the scalars saphyr
//! reports; [`Padded::original`] maps offsets in the copy back to the real text.

/// The message saphyr-parser gives for the case this module repairs.
pub const QUOTED_SCALAR_INDENTATION: &str = "invalid indentation in quoted scalar";

/// A copy of a document with spaces inserted at the start of some lines.
pub struct Padded {
    pub text: String,
    /// `(offset in the copy just past an inserted run, total bytes inserted up to there)`.
    insertions: Vec<(usize, usize)>,
}

impl Padded {
    /// The offset in the original text of an offset in the copy. An offset inside an inserted run
    /// maps to the start of the original line.
    pub fn original(&self, padded: usize) -> usize {
        let after = self.insertions.partition_point(|&(end, _)| end <= padded);
        let inserted = if after == 0 {
            0
        } else {
            self.insertions[after - 1].1
        };
        // Inside a run: the run ends after `padded`, and started `run` bytes earlier.
        if let Some(&(end, total)) = self.insertions.get(after) {
            let run = total - inserted;
            if padded + run >= end {
                return end - total;
            }
        }
        padded - inserted
    }
}

/// Indents the continuation lines of the quoted scalars that start at `quotes` (byte offsets of
/// their opening quote in `text`) to one column past their opening quote. `None` when a scalar
/// has no closing quote: there is nothing to repair then.
#[cfg(test)]
pub fn pad_quoted_scalars(text: &str, quotes: &[usize]) -> Option<Padded> {
    pad(text, quotes, &[])
}

/// Like [`pad_quoted_scalars`], with more `(line start, spaces)` to insert (see
/// [`super::goyaml::flow_continuation`]).
pub fn pad(text: &str, quotes: &[usize], lines: &[(usize, usize)]) -> Option<Padded> {
    // (line start offset, spaces to add), in text order.
    let mut pads: Vec<(usize, usize)> = lines.to_vec();
    for &quote in quotes {
        let line_start = text[..quote].rfind('\n').map_or(0, |i| i + 1);
        let want = text[line_start..quote].chars().count() + 1;
        for continuation in continuation_lines(text, quote)? {
            let indent = text[continuation..]
                .bytes()
                .take_while(|b| *b == b' ' || *b == b'\t')
                .count();
            if indent < want {
                pads.push((continuation, want - indent));
            }
        }
    }
    // The largest pad wins where two ask for the same line.
    pads.sort_unstable_by_key(|&(line, spaces)| (line, std::cmp::Reverse(spaces)));
    pads.dedup_by_key(|p| p.0);

    let mut out = String::with_capacity(text.len() + pads.iter().map(|p| p.1).sum::<usize>());
    let mut insertions = Vec::with_capacity(pads.len());
    let mut copied = 0;
    let mut total = 0;
    for (at, count) in pads {
        out.push_str(&text[copied..at]);
        out.extend(std::iter::repeat_n(' ', count));
        total += count;
        insertions.push((out.len(), total));
        copied = at;
    }
    out.push_str(&text[copied..]);
    Some(Padded {
        text: out,
        insertions,
    })
}

/// Start offsets of the lines after the first that a quoted scalar spans.
fn continuation_lines(text: &str, quote: usize) -> Option<Vec<usize>> {
    let bytes = text.as_bytes();
    let single = *bytes.get(quote)? == b'\'';
    let mut lines = Vec::new();
    let mut i = quote + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\'' if single && bytes.get(i + 1) == Some(&b'\'') => i += 1,
            b'\'' if single => return Some(lines),
            b'"' if !single => return Some(lines),
            b'\\' if !single => {
                if bytes.get(i + 1) == Some(&b'\n') {
                    lines.push(i + 2);
                }
                i += 1;
            }
            b'\n' => lines.push(i + 1),
            _ => {}
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pads_continuation_lines_past_the_quote() {
        let text = "a:\n  - \"x\n y\n\n    z\"\nb: 1\n";
        let quote = text.find('"').unwrap();
        let padded = pad_quoted_scalars(text, &[quote]).unwrap();
        assert_eq!(padded.text, "a:\n  - \"x\n     y\n     \n     z\"\nb: 1\n");
        let b = padded.text.find("b:").unwrap();
        assert_eq!(padded.original(b), text.find("b:").unwrap());
        let y = padded.text.find('y').unwrap();
        assert_eq!(padded.original(y), text.find('y').unwrap());
        // Inside an inserted run: the start of the original line.
        let y_line = text.find(" y").unwrap();
        assert_eq!(padded.original(y - 2), y_line);
    }

    #[test]
    fn single_quotes_escape_by_doubling() {
        let text = "- 'it''s\nok'\n";
        let padded = pad_quoted_scalars(text, &[2]).unwrap();
        assert_eq!(padded.text, "- 'it''s\n   ok'\n");
    }

    #[test]
    fn unterminated_scalars_are_not_repaired() {
        assert!(pad_quoted_scalars("- \"abc\n", &[2]).is_none());
    }
}

//! Cuts a YAML stream into documents before parsing, so that each document is parsed on its own:
//! a syntax error then spoils only its own document, and documents can be parsed in parallel.
//!
//! A line that starts with `---` followed by white space or the end of the line always begins a
//! new document: the YAML spec forbids that marker at column 0 inside any scalar or collection
//! (`c-forbidden`), so no content can be cut in two.

/// Byte ranges `[start, end)` of the pieces of `text` from `start` on: the first piece runs up to
/// the first document marker, every other piece starts at one.
pub fn document_ranges(text: &str, start: usize) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut ranges = Vec::new();
    let mut piece_start = start;
    let first_line = (start < bytes.len()).then_some(start);
    for line_start in first_line.into_iter().chain(marked_lines(bytes, start)) {
        if line_start > piece_start && is_document_marker(&bytes[line_start..]) {
            ranges.push((piece_start, line_start));
            piece_start = line_start;
        }
    }
    if piece_start < bytes.len() || ranges.is_empty() {
        ranges.push((piece_start, bytes.len()));
    }
    ranges
}

const MARKER_PIECE: usize = 1 << 20;

/// `\n---`, searched for in every file and every document (by the go-yaml checks too): built
/// once, as a `memmem::find_iter` sets its searcher up anew on each call.
pub(crate) static DOCUMENT_MARKER: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
    std::sync::LazyLock::new(|| memchr::memmem::Finder::new(b"\n---"));

/// Where the lines that start with `---` start, from `start` on: found by looking for `\n---`
/// rather than at every line; in a large text, in pieces on every thread of the pool the caller
/// runs in (see [`crate::parallel`]).
fn marked_lines(bytes: &[u8], start: usize) -> Vec<usize> {
    let find = |from: usize, to: usize| -> Vec<usize> {
        // A match that starts in the piece may end in the next one.
        let end = (to + 3).min(bytes.len());
        DOCUMENT_MARKER
            .find_iter(&bytes[from..end])
            .map(|i| from + i)
            .take_while(|&at| at < to)
            .map(|at| at + 1)
            .collect()
    };
    if !crate::parallel::can_split() || bytes.len() - start < crate::parallel::SPLIT_TEXT_BYTES {
        return find(start, bytes.len());
    }
    let pieces: Vec<(usize, usize)> = (start..bytes.len())
        .step_by(MARKER_PIECE)
        .map(|from| (from, (from + MARKER_PIECE).min(bytes.len())))
        .collect();
    crate::parallel::map(&pieces, |&(from, to)| find(from, to)).concat()
}

fn is_document_marker(line: &[u8]) -> bool {
    line.starts_with(b"---") && matches!(line.get(3), None | Some(b' ' | b'\t' | b'\r' | b'\n'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pieces(text: &str) -> Vec<&str> {
        document_ranges(text, 0)
            .into_iter()
            .map(|(s, e)| &text[s..e])
            .collect()
    }

    #[test]
    fn splits_at_markers_at_column_zero() {
        assert_eq!(
            pieces("a: 1\n---\nb: 2\n--- \nc: 3"),
            vec!["a: 1\n", "---\nb: 2\n", "--- \nc: 3"]
        );
    }

    #[test]
    fn leading_marker_does_not_make_an_empty_piece() {
        assert_eq!(pieces("---\na: 1\n"), vec!["---\na: 1\n"]);
    }

    #[test]
    fn ignores_indented_and_longer_dashes() {
        assert_eq!(
            pieces("a: |\n  ---\nb: ----\n"),
            vec!["a: |\n  ---\nb: ----\n"]
        );
        assert_eq!(pieces("----\n"), vec!["----\n"]);
    }

    #[test]
    fn a_large_text_splits_alike_on_a_pool() {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .unwrap();
        // Lines of `a: 1`, and a marker line straddling each cut between pieces: its line
        // break 1, 2, 3 or 4 bytes before the cut.
        let mut bytes = b"a: 1\n".repeat(crate::parallel::SPLIT_TEXT_BYTES / 5 + MARKER_PIECE);
        for k in 1..=4 {
            let at = k * MARKER_PIECE - k;
            bytes[at..at + 5].copy_from_slice(b"\n---\n");
        }
        let text = String::from_utf8(bytes).unwrap();
        for start in [0, 5] {
            let alone = document_ranges(&text, start);
            assert_eq!(alone.len(), 5);
            assert_eq!(pool.install(|| document_ranges(&text, start)), alone);
        }
    }

    #[test]
    fn crlf_markers_split_too() {
        assert_eq!(
            pieces("a: 1\r\n---\r\nb: 2\r\n"),
            vec!["a: 1\r\n", "---\r\nb: 2\r\n"]
        );
    }

    #[test]
    fn empty_text_is_one_empty_piece() {
        assert_eq!(document_ranges("", 0), vec![(0, 0)]);
        assert_eq!(document_ranges("\u{feff}", 3), vec![(3, 3)]);
    }
}

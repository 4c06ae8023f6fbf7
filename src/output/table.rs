//! Aligned tables for people (`images`, `rules`) that fit the terminal: as wide as their cells
//! when there is room (or no known width: a pipe), else the last column wraps under itself, and
//! when even that leaves it too narrow, each row becomes a block of `header: value` lines.

use std::io::{self, Write};

/// The narrowest a wrapped last column may be before rows turn into blocks.
const MIN_LAST_COLUMN: usize = 24;

pub fn write(
    header: &[&str],
    rows: &[Vec<String>],
    width: Option<usize>,
    out: &mut dyn Write,
) -> io::Result<()> {
    let columns = header.len();
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    // The columns before the last, each followed by two spaces.
    let prefix: usize = widths[..columns - 1].iter().map(|w| w + 2).sum();
    let natural = prefix + widths[columns - 1];
    let last_room = match width {
        Some(width) if natural > width => width.saturating_sub(prefix),
        _ => usize::MAX,
    };
    if last_room < MIN_LAST_COLUMN {
        return blocks(header, rows, width.unwrap_or(usize::MAX), out);
    }
    let line = |cells: &[&str], out: &mut dyn Write| -> io::Result<()> {
        let mut text = String::new();
        for (i, cell) in cells[..columns - 1].iter().enumerate() {
            text.push_str(cell);
            text.extend(std::iter::repeat_n(
                ' ',
                widths[i] + 2 - cell.chars().count(),
            ));
        }
        let mut pieces = wrap(cells[columns - 1], last_room).into_iter();
        writeln!(out, "{text}{}", pieces.next().unwrap_or_default())?;
        for piece in pieces {
            writeln!(out, "{:prefix$}{piece}", "")?;
        }
        Ok(())
    };
    line(header, out)?;
    for row in rows {
        let cells: Vec<&str> = row.iter().map(String::as_str).collect();
        line(&cells, out)?;
    }
    Ok(())
}

/// Each row as its first cell, then one indented `header: value` line per other cell.
fn blocks(
    header: &[&str],
    rows: &[Vec<String>],
    width: usize,
    out: &mut dyn Write,
) -> io::Result<()> {
    for (n, row) in rows.iter().enumerate() {
        if n > 0 {
            writeln!(out)?;
        }
        writeln!(out, "{}", row[0])?;
        for (name, cell) in header[1..].iter().zip(&row[1..]) {
            let label = format!("  {}: ", name.to_lowercase());
            let room = width
                .saturating_sub(label.chars().count())
                .max(MIN_LAST_COLUMN);
            let mut pieces = wrap(cell, room).into_iter();
            writeln!(out, "{label}{}", pieces.next().unwrap_or_default())?;
            for piece in pieces {
                writeln!(out, "{:width$}{piece}", "", width = label.chars().count())?;
            }
        }
    }
    Ok(())
}

/// Splits `text` into lines of at most `room` characters at spaces; a word longer than that
/// gets a line of its own, unbroken.
pub(super) fn wrap(text: &str, room: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    for word in text.split(' ') {
        let needed =
            current.chars().count() + usize::from(!current.is_empty()) + word.chars().count();
        if !current.is_empty() && needed > room {
            lines.push(std::mem::take(&mut current));
        }
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(word);
    }
    lines.push(current);
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(width: Option<usize>) -> String {
        let rows = vec![
            vec!["alpha".into(), "one two three four five six seven".into()],
            vec!["b".into(), "short".into()],
        ];
        let mut out = Vec::new();
        write(&["NAME", "SUMMARY"], &rows, width, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn fits_wraps_or_turns_into_blocks() {
        assert_eq!(
            render(None),
            "NAME   SUMMARY\nalpha  one two three four five six seven\nb      short\n"
        );
        assert_eq!(
            render(Some(31)),
            "NAME   SUMMARY\nalpha  one two three four five\n       six seven\nb      short\n"
        );
        assert_eq!(
            render(Some(20)),
            "alpha\n  summary: one two three four five\n           six seven\n\nb\n  summary: short\n"
        );
        for width in [20, 31, 80] {
            assert!(
                render(Some(width))
                    .lines()
                    .all(|l| l.chars().count() <= width.max(35))
            );
        }
    }

    #[test]
    fn long_words_stay_whole() {
        assert_eq!(wrap("a verylongword b", 5), ["a", "verylongword", "b"]);
        assert_eq!(wrap("", 5), [""]);
    }
}

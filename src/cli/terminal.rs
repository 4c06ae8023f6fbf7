//! Where output goes: how wide it may be, whether it is coloured, and a standard output whose
//! reader may go away.

use super::*;

/// Writes to a buffered, locked stdout. A reader that goes away (`pullcheck | head`) is not an
/// error: it has what it wanted.
pub(super) fn write_stdout(
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<(), Failure> {
    let stdout = io::stdout();
    // Large writes: 1.5 MB of JSON went out in 8 KB pieces, two system calls each.
    let mut out = io::BufWriter::with_capacity(1 << 16, stdout.lock());
    match write(&mut out).and_then(|_| out.flush()) {
        Err(err) if err.kind() != io::ErrorKind::BrokenPipe => Err(Failure::Output(err)),
        _ => Ok(()),
    }
}

#[derive(Clone, Copy)]
pub(super) enum Stream {
    Stdout,
    Stderr,
}

/// The columns output going to `stream` may use: `COLUMNS` when set to a number, else the
/// terminal's width when the stream is one; `None` for a pipe or a file.
pub(super) fn terminal_width(stream: Stream) -> Option<usize> {
    if let Some(columns) = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<usize>().ok())
        .filter(|c| *c > 0)
    {
        return Some(columns);
    }
    let size = match stream {
        Stream::Stdout => terminal_size::terminal_size_of(io::stdout()),
        Stream::Stderr => terminal_size::terminal_size_of(io::stderr()),
    };
    size.map(|(terminal_size::Width(w), _)| usize::from(w))
}

/// The width human output wraps at: the terminal's (at least 40), else 100.
pub(super) fn human_width(stream: Stream) -> usize {
    terminal_width(stream).map_or(100, |w| w.max(40))
}

/// Whether to colour output going to a stream that `is_terminal` describes.
pub(super) fn use_color(choice: ColorChoice, is_terminal: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && is_terminal
        }
    }
}

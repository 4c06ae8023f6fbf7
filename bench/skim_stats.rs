//! How much of a stream the fast path (src/yaml/skim.rs) takes, for the shallow kinds and for
//! workloads, and where it gives up on the documents it leaves to the parser.
//!
//! `cargo run --release --features testing --example skim_stats -- FILE [--why]`

use pullcheck::testing::{IDENTITY, Partial};

#[derive(Default)]
struct Share {
    documents: usize,
    bytes: usize,
    taken: usize,
    taken_bytes: usize,
}

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        eprintln!("usage: skim_stats FILE [--why]");
        std::process::exit(2);
    };
    let why = args.next().as_deref() == Some("--why");
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) => {
            eprintln!("skim_stats: {path}: {e}");
            std::process::exit(2);
        }
    };
    let (mut documents, mut bytes) = (0, 0);
    let (mut shallow, mut workloads) = (Share::default(), Share::default());
    let mut taken_pieces: Vec<(&str, Partial)> = Vec::new();
    for (start, end) in pullcheck::testing::document_ranges(&text, 0) {
        let piece = &text[start..end];
        documents += 1;
        bytes += piece.len();
        let Some(partial) = pullcheck::testing::partial(piece, false) else {
            continue;
        };
        let share = if std::ptr::eq(partial.keep, &IDENTITY) {
            &mut shallow
        } else {
            &mut workloads
        };
        share.documents += 1;
        share.bytes += piece.len();
        match pullcheck::testing::gave_up_at(piece, partial.keep) {
            None => {
                share.taken += 1;
                share.taken_bytes += piece.len();
                taken_pieces.push((piece, partial));
            }
            Some(at) if why => {
                let line_start = piece[..at.saturating_sub(1)]
                    .rfind('\n')
                    .map_or(0, |i| i + 1);
                let line = piece[line_start..].lines().next().unwrap_or("");
                println!(
                    "left {:>7} bytes of a {}, gave up before byte {at}: {line:?}",
                    piece.len(),
                    partial.chosen_for.1
                );
            }
            Some(_) => {}
        }
    }
    // The two ways over the same documents, one thread each.
    let started = std::time::Instant::now();
    let skimmed = taken_pieces
        .iter()
        .filter(|(p, partial)| pullcheck::testing::skim(p, 0, partial.keep).is_some())
        .count();
    let skim_time = started.elapsed().as_secs_f64();
    let started = std::time::Instant::now();
    let parsed = taken_pieces
        .iter()
        .filter(|(p, _)| pullcheck::testing::parse_piece(p, 0, None).error.is_none())
        .count();
    let parse_time = started.elapsed().as_secs_f64();
    assert_eq!(skimmed, parsed);
    let mb = (shallow.taken_bytes + workloads.taken_bytes) as f64 / 1e6;
    println!(
        "on those documents: fast path {:.0} MB/s, full parse {:.0} MB/s ({:.1}x)",
        mb / skim_time.max(1e-9),
        mb / parse_time.max(1e-9),
        parse_time / skim_time.max(1e-9)
    );
    let share = |s: &Share| {
        format!(
            "{} documents, {} bytes; fast path: {} documents ({:.0}%), {} bytes ({:.0}%)",
            s.documents,
            s.bytes,
            s.taken,
            100.0 * s.taken as f64 / s.documents.max(1) as f64,
            s.taken_bytes,
            100.0 * s.taken_bytes as f64 / s.bytes.max(1) as f64
        )
    };
    let all = Share {
        documents,
        bytes,
        taken: shallow.taken + workloads.taken,
        taken_bytes: shallow.taken_bytes + workloads.taken_bytes,
    };
    println!(
        "shallow kinds: {}; the other kinds (workloads, ServiceAccounts, custom resources): {}; all: {}",
        share(&shallow),
        share(&workloads),
        share(&all)
    );
}

//! How much of a stream the fast path for shallow kinds (src/yaml/skim.rs) takes, and where it
//! gives up on the documents it leaves to the parser.
//!
//! `cargo run --release --example skim_stats -- FILE [--why]`

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
    let (mut shallow, mut taken, mut bytes, mut shallow_bytes, mut taken_bytes) = (0, 0, 0, 0, 0);
    let mut taken_pieces = Vec::new();
    for (start, end) in pullcheck::testing::document_ranges(&text, 0) {
        let piece = &text[start..end];
        bytes += piece.len();
        if pullcheck::testing::shallow_fields(piece).is_none() {
            continue;
        }
        shallow += 1;
        shallow_bytes += piece.len();
        match pullcheck::testing::gave_up_at(piece, &pullcheck::testing::IDENTITY) {
            None => {
                taken += 1;
                taken_bytes += piece.len();
                taken_pieces.push(piece);
            }
            Some(at) if why => {
                let line_start = piece[..at.saturating_sub(1)]
                    .rfind('\n')
                    .map_or(0, |i| i + 1);
                let line = piece[line_start..].lines().next().unwrap_or("");
                println!(
                    "left {:>7} bytes, gave up before byte {at}: {line:?}",
                    piece.len()
                );
            }
            Some(_) => {}
        }
    }
    // The two ways over the same documents, one thread each.
    let started = std::time::Instant::now();
    let skimmed = taken_pieces
        .iter()
        .filter(|p| pullcheck::testing::skim(p, 0, &pullcheck::testing::IDENTITY).is_some())
        .count();
    let skim_time = started.elapsed().as_secs_f64();
    let started = std::time::Instant::now();
    let parsed = taken_pieces
        .iter()
        .filter(|p| pullcheck::testing::parse_piece(p, 0, None).error.is_none())
        .count();
    let parse_time = started.elapsed().as_secs_f64();
    assert_eq!(skimmed, parsed);
    let mb = taken_bytes as f64 / 1e6;
    println!(
        "on those documents: fast path {:.0} MB/s, full parse {:.0} MB/s ({:.1}x)",
        mb / skim_time.max(1e-9),
        mb / parse_time.max(1e-9),
        parse_time / skim_time.max(1e-9)
    );
    println!(
        "{bytes} bytes; shallow kinds: {shallow} documents, {shallow_bytes} bytes; fast path: {taken} documents, {taken_bytes} bytes"
    );
}

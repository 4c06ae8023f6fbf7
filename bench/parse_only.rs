//! The parse-only reference for `bench/run.sh`: drains saphyr-parser's events over every
//! document of a file (cut like pullcheck cuts them), building nothing. What pullcheck adds on
//! top of its parser is the difference between this and a real run.
//!
//! `cargo run --release --example parse_only -- FILE`

use saphyr_parser::Parser;

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: parse_only FILE");
        std::process::exit(2);
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) => {
            eprintln!("parse_only: {path}: {e}");
            std::process::exit(2);
        }
    };
    let (mut events, mut errors) = (0usize, 0usize);
    for (start, end) in pullcheck::testing::document_ranges(&text, 0) {
        let mut parser = Parser::new_from_str(&text[start..end]);
        while let Some(event) = parser.next_event() {
            match event {
                Ok(_) => events += 1,
                Err(_) => {
                    errors += 1;
                    break;
                }
            }
        }
    }
    println!("{events} events, {errors} documents with errors");
}

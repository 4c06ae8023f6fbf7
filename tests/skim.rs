//! The fast path (`src/yaml/skim.rs`) against the full parse: on every document of
//! `../shared/corpus` and on thousands of mutated copies, whatever the fast path accepts the
//! parser accepts too; both trees hold the same nodes where the document's schema
//! (`k8s::kinds`) keeps them, spans included; and extraction finds the same facts in both.

mod common;

use std::path::{Path, PathBuf};

use pullcheck::testing::{IDENTITY, compare_extraction, compare_with_parser, document_ranges};

/// Both checks on one document, read with the schema its kind is given (or `keep`).
fn compare(text: &str, keep: &'static pullcheck::testing::Keep) -> Result<bool, String> {
    let taken = compare_with_parser(text, keep)?;
    let extracted = compare_extraction(text)?;
    // A fast path the extraction check did not see (another kind after a mutation) is fine;
    // one it saw must be one the tree check saw.
    if extracted && !taken && pullcheck::testing::partial(text, false).map(|p| p.keep) == Some(keep)
    {
        return Err("extraction took a document the tree check did not".to_string());
    }
    Ok(taken)
}

fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            yaml_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
            out.push(path);
        }
    }
}

/// Every document of the corpus, as text.
fn corpus_documents(corpus: &Path) -> Vec<(PathBuf, String)> {
    let mut files = Vec::new();
    yaml_files(corpus, &mut files);
    let mut documents = Vec::new();
    for file in files {
        let Ok(text) = std::fs::read_to_string(&file) else {
            continue;
        };
        let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
        for (s, e) in document_ranges(&text, start) {
            documents.push((file.clone(), text[s..e].to_string()));
        }
    }
    documents
}

#[derive(Default, Debug)]
struct Share {
    documents: usize,
    bytes: usize,
    taken: usize,
    taken_bytes: usize,
}

#[test]
fn the_fast_path_agrees_with_the_parser_on_the_corpus() {
    let Some(corpus) = common::shared("corpus") else {
        return;
    };
    let documents = corpus_documents(&corpus);
    let (mut shallow, mut workloads) = (Share::default(), Share::default());
    let mut disagreements = Vec::new();
    for (file, text) in &documents {
        let Some(partial) = pullcheck::testing::partial(text, false) else {
            continue;
        };
        let share = if std::ptr::eq(partial.keep, &IDENTITY) {
            &mut shallow
        } else {
            &mut workloads
        };
        share.documents += 1;
        share.bytes += text.len();
        match compare(text, partial.keep) {
            Ok(true) => {
                share.taken += 1;
                share.taken_bytes += text.len();
            }
            Ok(false) => {}
            Err(e) => disagreements.push(format!("{}: {e}", file.display())),
        }
    }
    assert!(
        disagreements.is_empty(),
        "{} disagreements: {:#?}",
        disagreements.len(),
        &disagreements[..disagreements.len().min(10)]
    );
    eprintln!(
        "{} documents; shallow kinds {shallow:?}; the other kinds {workloads:?}",
        documents.len()
    );
    // Most real documents are in the subset; a fast path that takes nothing tests nothing.
    assert!(shallow.taken * 10 > shallow.documents * 8, "{shallow:?}");
    assert!(
        workloads.taken * 10 > workloads.documents * 5,
        "{workloads:?}"
    );
}

/// A small deterministic generator (xorshift64*), so a failure can be replayed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Edits that turn valid YAML into nearly valid YAML: stray indicators, white space and breaks.
const INSERTS: &[&str] = &[
    " ", "  ", "\t", ":", ": ", "-", "- ", "\"", "'", "#", " #", "\n", "\n  ", "|", ">", "{", "[",
    "]", "}", "\\", "*", "&", "!", "?", ",", "%", "@", "`", "...", "\n---", "\r", "\u{85}", "é",
    // Compound edits: flow collections and indicators after white space.
    " -", " -]", "[a, b]", "{a: b}", "[", ", ", " :", " ?", " &", "\"\\", "'\n", "|-\n", "<<: ",
];

fn mutate(text: &str, rng: &mut Rng) -> String {
    let mut out = text.to_string();
    for _ in 0..1 + rng.below(3) {
        let mut at = rng.below(out.len() + 1);
        while !out.is_char_boundary(at) {
            at -= 1;
        }
        match rng.below(4) {
            0 | 1 => out.insert_str(at, INSERTS[rng.below(INSERTS.len())]),
            2 => {
                let mut end = (at + 1 + rng.below(4)).min(out.len());
                while !out.is_char_boundary(end) {
                    end += 1;
                }
                out.replace_range(at..end, "");
            }
            _ => {
                // Re-indent a line by one or two spaces either way.
                let line = out[..at].rfind('\n').map_or(0, |i| i + 1);
                if rng.below(2) == 0 {
                    out.insert_str(line, if rng.below(2) == 0 { " " } else { "  " });
                } else if out[line..].starts_with(' ') {
                    out.remove(line);
                }
            }
        }
    }
    out
}

fn env_number<T: std::str::FromStr>(name: &str) -> Option<T> {
    std::env::var(name).ok()?.parse().ok()
}

#[test]
fn the_fast_path_never_takes_a_mutated_document_the_parser_rejects() {
    let Some(corpus) = common::shared("corpus") else {
        return;
    };
    // PULLCHECK_SKIM_ALL=1 mutates every document, whatever its size, instead of a sample.
    let all = std::env::var_os("PULLCHECK_SKIM_ALL").is_some();
    let (max_len, step) = if all { (usize::MAX, 1) } else { (8_000, 3) };
    let documents: Vec<(String, &'static pullcheck::testing::Keep)> = corpus_documents(&corpus)
        .into_iter()
        .filter_map(|(_, text)| {
            let keep = pullcheck::testing::partial(&text, false)?.keep;
            (text.len() < max_len && compare(&text, keep) == Ok(true)).then_some((text, keep))
        })
        .collect();
    // PULLCHECK_SKIM_MUTATIONS=N (and PULLCHECK_SKIM_SEED) run a longer or different sweep.
    let per_document: usize = env_number("PULLCHECK_SKIM_MUTATIONS").unwrap_or(12);
    let seed = env_number("PULLCHECK_SKIM_SEED").unwrap_or(0x9e37_79b9_7f4a_7c15);
    let mut rng = Rng(seed);
    let (mut tried, mut taken, mut broken_left) = (0, 0, 0);
    let mut disagreements = Vec::new();
    for (text, keep) in documents.iter().step_by(step) {
        for _ in 0..per_document {
            let mutated = mutate(text, &mut rng);
            tried += 1;
            match compare(&mutated, keep) {
                Ok(true) => taken += 1,
                Ok(false) => broken_left += 1,
                Err(e) => disagreements.push(format!("{e}\n---- mutated document:\n{mutated}")),
            }
        }
    }
    assert!(
        disagreements.is_empty(),
        "{} of {tried} mutations:\n{}",
        disagreements.len(),
        disagreements[..disagreements.len().min(5)].join("\n====\n")
    );
    eprintln!(
        "{tried} mutations: {taken} taken by the fast path, {broken_left} left to the parser"
    );
    assert!(tried > 1000 && taken > 100 && broken_left > 100);
}

//! The fast path against the full parse: whatever `skim` accepts with any of pullcheck's
//! schemas, saphyr must accept and read the same way where the schema keeps nodes, and
//! extraction must find the same facts (see `pullcheck::testing::compare_with_parser` and
//! `compare_extraction`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        for keep in pullcheck::testing::SCHEMAS {
            if let Err(disagreement) = pullcheck::testing::compare_with_parser(text, keep) {
                panic!("{disagreement}");
            }
        }
        if let Err(disagreement) = pullcheck::testing::compare_extraction(text) {
            panic!("{disagreement}");
        }
    }
});

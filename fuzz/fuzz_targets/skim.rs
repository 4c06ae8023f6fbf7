//! The fast path for shallow kinds against the full parse: whatever `skim` accepts, saphyr
//! must accept and read the same way (see `pullcheck::testing::compare_with_parser`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Err(disagreement) = pullcheck::testing::compare_with_parser(text, &pullcheck::testing::IDENTITY) {
            panic!("{disagreement}");
        }
    }
});

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    pullcheck::testing::lsp_session(data);
});

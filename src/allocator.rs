//! How mimalloc (the binary's global allocator, see `main.rs`) gives memory back, chosen per
//! run. The library works with any allocator: these options are ignored when mimalloc is not
//! the one in use.

/// mimalloc's `mi_option_arena_eager_commit` and `mi_option_purge_delay` (the same numbers in
/// its v2 and v3 headers).
const ARENA_EAGER_COMMIT: libmimalloc_sys::mi_option_t = 4;
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// An input this large (or standard input, whose size is not known) is a large stream.
pub const LARGE_INPUT_BYTES: u64 = 8 << 20;

/// At start: arenas are committed as they are used, not up front.
pub fn configure() {
    // SAFETY: setting an allocator option is allowed at any time; it takes effect for arenas
    // created from now on.
    unsafe { libmimalloc_sys::mi_option_set(ARENA_EAGER_COMMIT, 0) };
}

/// Once the inputs are known. With a large stream among them (see [`LARGE_INPUT_BYTES`]), freed memory goes back to the
/// system at once: each document's tree is dropped after extraction, and peak memory stays
/// near the input's size (57 MB rather than 74 MB for the 20 MB bench stream). Otherwise
/// (a directory of manifests, a pre-commit run) it is kept for the next file's tree: returning
/// and faulting it in again cost about 10% of the time on the corpus, with either thread count
/// (bench/RESULTS.md). `MIMALLOC_PURGE_DELAY` in the environment wins.
pub fn tune_for(large_input: bool) {
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_some() {
        return;
    }
    let delay_ms = if large_input { 0 } else { -1 };
    // SAFETY: as above; it takes effect for memory freed from now on.
    unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, delay_ms) };
}

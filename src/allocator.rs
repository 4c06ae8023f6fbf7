//! How mimalloc (the binary's global allocator, see `main.rs`) gives memory back, chosen per
//! run. The library works with any allocator: these options are ignored when mimalloc is not
//! the one in use. `MIMALLOC_PURGE_DELAY` in the environment overrides the choice.

/// mimalloc's `mi_option_arena_eager_commit` and `mi_option_purge_delay` (the same numbers in
/// its v2 and v3 headers).
const ARENA_EAGER_COMMIT: libmimalloc_sys::mi_option_t = 4;
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// An input this large is a large stream.
pub const LARGE_INPUT_BYTES: u64 = 8 << 20;

/// At start: arenas are committed as they are used, not up front, and freed memory goes back
/// to the system at once, which keeps the peak low while inputs of unknown size (standard
/// input) are read.
pub fn configure() {
    // SAFETY: setting an allocator option is allowed at any time; it takes effect for arenas
    // created and memory freed from now on.
    unsafe { libmimalloc_sys::mi_option_set(ARENA_EAGER_COMMIT, 0) };
    set_purge_delay(0);
    no_huge_pages();
}

/// No transparent huge pages for this process. mimalloc is built not to ask for them
/// (`no_thp`); a kernel set to give them unasked (THP "always") is told not to here. A run
/// that starts after an idle spell — CI, pre-commit — paid for them: the kernel zeroes each
/// 2 MB page on first touch, which made the 20 MB stream 1.46x, the corpus 1.6x and one small
/// file 1.8x slower and raised peak memory by a quarter to two thirds, for 5% at most in
/// back-to-back loops (bench/RESULTS.md). `MIMALLOC_ALLOW_THP=1` keeps them, for measuring.
fn no_huge_pages() {
    #[cfg(target_os = "linux")]
    if std::env::var_os("MIMALLOC_ALLOW_THP").is_none_or(|v| v != "1") {
        // SAFETY: PR_SET_THP_DISABLE takes no pointer; it sets a flag of this process, read
        // when a page is faulted in. An error (an old kernel) leaves things as they were.
        unsafe { libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0) };
    }
}

/// Once the inputs are read, before they are parsed. With a large stream among them (see
/// [`LARGE_INPUT_BYTES`]) freed memory goes back after a millisecond: each document's tree is
/// dropped after extraction, and peak memory stays near the input's size (42 MB rather than
/// 50 MB for the 20 MB bench stream with two threads, 503 rather than 597 MB for 16 times it).
/// Not at once: each return is a `madvise` that, with two threads, interrupts the other core
/// to flush its TLB, and the pages come back as faults; returning at once made the stream 1.07x
/// slower with two threads (388 returns of 64 KB to 4 MB). Otherwise (a directory of
/// manifests, a pre-commit run) it is kept for the next file's tree: returning it and faulting
/// it in again cost about 10% of the time on the corpus, with one thread or two.
pub fn tune_for(large_input: bool) {
    set_purge_delay(if large_input { 1 } else { -1 });
}

fn set_purge_delay(milliseconds: std::os::raw::c_long) {
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_some() {
        return;
    }
    // SAFETY: as above.
    unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, milliseconds) };
}

// mimalloc: the parser allocates many small, short-lived strings, and glibc's malloc was 10–15%
// of a profile of a 20 MB stream; with mimalloc the stream lints about 25% faster
// (bench/RESULTS.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's `mi_option_arena_eager_commit` and `mi_option_purge_delay` (the same numbers in
/// its v2 and v3 headers). Committing arenas lazily and returning freed memory at once keeps the
/// peak resident size at glibc's level (44 MB rather than 85 MB on the 20 MB stream).
const ARENA_EAGER_COMMIT: libmimalloc_sys::mi_option_t = 4;
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
const PURGE_DELAY_MS: std::os::raw::c_long = 0;

fn main() -> std::process::ExitCode {
    // SAFETY: setting allocator options is allowed at any time; these take effect for arenas
    // created and memory freed from now on.
    unsafe {
        libmimalloc_sys::mi_option_set(ARENA_EAGER_COMMIT, 0);
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
            libmimalloc_sys::mi_option_set(PURGE_DELAY, PURGE_DELAY_MS);
        }
    }
    pullcheck::cli::main()
}

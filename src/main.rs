//! The `pullcheck` binary: the command line ([`cli`]) over the library, and the allocator.

mod allocator;
mod cli;

// mimalloc: the parser allocates many small, short-lived strings, and glibc's malloc was 10–15%
// of a profile of a 20 MB stream; with mimalloc the stream lints about 25% faster
// (bench/RESULTS.md). Its options are set in `allocator`.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    allocator::configure();
    cli::main()
}

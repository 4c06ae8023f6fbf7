//! Finding and reading the inputs: the worker pool, the allocator's policy for the run, and
//! binary files met on a walk.

use std::io::IsTerminal;

use rayon::prelude::*;

use pullcheck::input::{self, InputSource, LoadedInput};
use pullcheck::lint;
use pullcheck::output::escape;
use pullcheck::settings::Settings;

use super::args::InputArgs;
use super::{Failure, note};
use crate::allocator;

/// Finds and reads the inputs, then runs `work` on them, on a pool of `--threads` workers when
/// there is more than one input. Returns its result and whether some input could not be read
/// (each already reported on stderr).
pub fn read_inputs<T: Send>(
    args: &InputArgs,
    excludes: &[String],
    settings: &mut Settings,
    work: impl FnOnce(Vec<LoadedInput>, &Settings) -> T + Send,
) -> Result<(T, bool), Failure> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let threads = match args.threads {
        Some(0) => return Err(Failure::Usage("--threads must be at least 1".into())),
        // More threads than cores only add stacks and contention: 100,000 took a minute and
        // 1.2 GB before anything was linted.
        Some(n) if n > cores * MAX_THREADS_PER_CORE => {
            let capped = cores * MAX_THREADS_PER_CORE;
            note(&format!(
                "note: --threads {n} is more than {MAX_THREADS_PER_CORE} per core; using {capped}"
            ));
            capped
        }
        Some(n) => n,
        None => cores,
    };
    let limit = args
        .max_input_size
        .unwrap_or(input::DEFAULT_MAX_INPUT_BYTES);
    pullcheck::timings::mark("start");
    let discovery = input::discover(
        &args.paths,
        excludes,
        args.force_exclude,
        &args.stdin_filename,
        threads,
    )?;
    let (context, context_warnings) =
        input::discover_context(&args.context, excludes, threads, &discovery.inputs);
    pullcheck::timings::mark("discover");
    for warning in discovery.warnings.iter().chain(&context_warnings) {
        eprintln!(
            "pullcheck: warning: {}",
            escape::controls(&warning.to_string())
        );
    }
    // A pool is started only when there is enough work to share: several inputs, or one large
    // stream (standard input may be one). A pre-commit run on one small file stays on this
    // thread, and nothing runs on rayon's global pool.
    let large = |input: &InputSource| match input {
        InputSource::Stdin(_) => true,
        InputSource::File { path, .. } => {
            std::fs::metadata(path).is_ok_and(|m| m.len() >= lint::PARALLEL_STREAM_BYTES as u64)
        }
    };
    settings.parallel =
        threads > 1 && (discovery.inputs.len() > 1 || discovery.inputs.iter().any(large));
    let settings = &*settings;
    // `pullcheck -` typed at a terminal waits for input: say so.
    if discovery
        .inputs
        .iter()
        .any(|i| matches!(i, InputSource::Stdin(_)))
        && std::io::stdin().is_terminal()
    {
        note("reading manifests from standard input (end with Ctrl-D)");
    }
    let run = || {
        let loaded = load_all(&discovery.inputs, settings.parallel, limit);
        // Context files are read like the others; one that cannot be read only resolves less.
        let context: Vec<LoadedInput> = load_all(&context, settings.parallel, limit)
            .into_iter()
            .filter_map(Result::ok)
            .filter(|input| input.not_text.is_none())
            .map(|mut input| {
                input.context = true;
                input
            })
            .collect();
        pullcheck::timings::mark("read");
        // Decided on the lengths read, not on a `stat` per input: 3,300 of those took 12 ms.
        let largest = (loaded.iter().flatten().chain(&context))
            .map(|i| i.source.text.len())
            .max();
        allocator::tune_for(largest.is_some_and(|len| len as u64 >= allocator::LARGE_INPUT_BYTES));
        let mut failed = !discovery.failures.is_empty();
        for failure in &discovery.failures {
            eprintln!("pullcheck: cannot read {}", escape::controls(failure));
        }
        let mut inputs = Vec::with_capacity(loaded.len());
        for (source, result) in discovery.inputs.iter().zip(loaded) {
            match result {
                // A binary file that a walk came across is not a manifest: skip it, and say so.
                Ok(input)
                    if input.binary
                        && matches!(
                            source,
                            InputSource::File {
                                explicit: false,
                                ..
                            }
                        ) =>
                {
                    note(&format!(
                        "note: skipped {}: a binary file",
                        escape::controls(source.name())
                    ));
                }
                Ok(input) => inputs.push(input),
                Err(failure) => {
                    eprintln!(
                        "pullcheck: cannot read {}",
                        escape::controls(&failure.to_string())
                    );
                    failed = true;
                }
            }
        }
        inputs.extend(context);
        (work(inputs, settings), failed)
    };
    if settings.parallel {
        Ok(rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .map_err(Failure::Threads)?
            .install(run))
    } else {
        Ok(run())
    }
}

fn load_all(
    inputs: &[InputSource],
    parallel: bool,
    limit: u64,
) -> Vec<Result<LoadedInput, String>> {
    let load = |input| input::load(input, limit);
    if parallel && inputs.len() > 1 {
        inputs.par_iter().map(load).collect()
    } else {
        inputs.iter().map(load).collect()
    }
}

/// `--threads` above this many per core is capped.
const MAX_THREADS_PER_CORE: usize = 4;

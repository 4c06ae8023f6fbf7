//! Finding and reading the inputs: the worker pool, the allocator's policy for the run, and
//! binary files met on a walk.

use std::io::IsTerminal;

use pullcheck::input::{self, InputSource, LoadedInput};
use pullcheck::lint;
use pullcheck::output::escape;
use pullcheck::settings::{Kustomize, Settings};

use super::args::InputArgs;
use super::{Failure, note};
use crate::allocator;

/// The run's worker threads, when it has more than one: kept after the inputs are linted, for
/// rendering the reports too (a thousand human reports take 25 ms on one thread).
pub struct Workers(Option<rayon::ThreadPool>);

impl Workers {
    /// Runs `f` on the workers (where [`pullcheck::parallel`] shares work out), or here.
    pub fn run<R: Send>(&self, f: impl FnOnce() -> R + Send) -> R {
        match &self.0 {
            Some(pool) => pool.install(f),
            None => f(),
        }
    }

    /// Drops `value` on a worker while this thread goes on, or here.
    fn drop_later<T: Send + 'static>(&self, value: T) {
        if let Some(pool) = &self.0 {
            pool.spawn(move || drop(value));
        }
    }
}

/// Finds and reads the inputs, then runs `work` on them, on a pool of `--threads` workers when
/// there is more than one input. Returns its result, whether some input could not be read
/// (each already reported on stderr) and the workers.
pub fn read_inputs<T: Send>(
    args: &InputArgs,
    excludes: &[String],
    settings: &mut Settings,
    work: impl FnOnce(Vec<LoadedInput>, &Settings) -> T + Send,
) -> Result<(T, bool, Workers), Failure> {
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
    // A folder walked on several threads will most likely give work to share: the pool is
    // started first, and sorts and sifts what the walk found (a serial millisecond of 3,800
    // files' names otherwise).
    let walks = threads > 1
        && (args.paths.is_empty()
            || (args.paths.iter()).any(|p| p != "-" && std::path::Path::new(p).is_dir()));
    let early = Workers(if walks { Some(pool(threads)?) } else { None });
    let (discovery, context, context_warnings) = early.run(|| {
        let mut discovery = input::discover(
            &args.paths,
            excludes,
            args.force_exclude,
            &args.stdin_filename,
            threads,
        )?;
        if !args.lint_templates {
            skip_chart_templates(&mut discovery.inputs);
        }
        let (mut context, context_warnings) =
            input::discover_context(&args.context, excludes, threads, &discovery.inputs);
        context.retain(|input| !is_chart_template(input));
        Ok::<_, Failure>((discovery, context, context_warnings))
    })?;
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
        let loaded = load_all(&discovery.inputs, limit);
        // Context files are read like the others; one that cannot be read only resolves less.
        let context: Vec<LoadedInput> = load_all(&context, limit)
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
        // Kept in the buffer they were read into (a new one was a serial half millisecond of
        // the kernel's fresh pages for 3,800 files).
        let mut inputs: Vec<LoadedInput> = (loaded.into_iter().zip(&discovery.inputs))
            .filter_map(|(result, source)| match result {
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
                    None
                }
                Ok(input) => Some(input),
                Err(failure) => {
                    eprintln!(
                        "pullcheck: cannot read {}",
                        escape::controls(&failure.to_string())
                    );
                    failed = true;
                    None
                }
            })
            .collect();
        inputs.extend(context);
        if settings.kustomize == Kustomize::Auto {
            // What the run's kustomizations include from outside it is read too (each file
            // once): their builds are what is linted.
            let reached = input::kustomize_reached(&inputs);
            for result in load_all(&reached, limit) {
                match result {
                    Ok(input) => inputs.push(input),
                    Err(failure) => {
                        eprintln!("pullcheck: cannot read {}", escape::controls(&failure));
                        failed = true;
                    }
                }
            }
        }
        (work(inputs, settings), failed)
    };
    let workers = match early.0 {
        _ if !settings.parallel => Workers(None),
        Some(pool) => Workers(Some(pool)),
        None => Workers(Some(pool(threads)?)),
    };
    let (result, failed) = workers.run(run);
    // The names and paths of thousands of files (0.5 ms to free).
    workers.drop_later((discovery, context));
    Ok((result, failed, workers))
}

fn pool(threads: usize) -> Result<rayon::ThreadPool, Failure> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(Failure::Threads)
}

/// Reads `inputs`, a task per file on the pool when the run has one.
fn load_all(inputs: &[InputSource], limit: u64) -> Vec<Result<LoadedInput, String>> {
    pullcheck::parallel::map_each(inputs, |input| input::load(input, limit))
}

/// `--threads` above this many per core is capped.
const MAX_THREADS_PER_CORE: usize = 4;

fn is_chart_template(input: &InputSource) -> bool {
    matches!(input, InputSource::File { path, .. } if input::helm_chart_of(path).is_some())
}

/// Leaves out the templates of Helm charts (Go template text, not manifests), with one note
/// per chart on how to lint what it renders.
fn skip_chart_templates(inputs: &mut Vec<InputSource>) {
    let mut charts: std::collections::BTreeMap<std::path::PathBuf, usize> = Default::default();
    let chart_of = pullcheck::parallel::map(inputs, |input| match input {
        InputSource::File { path, .. } => input::helm_chart_of(path),
        InputSource::Stdin(_) => None,
    });
    let mut chart_of = chart_of.into_iter();
    inputs.retain(|_| match chart_of.next().flatten() {
        Some(chart) => {
            *charts.entry(chart).or_default() += 1;
            false
        }
        None => true,
    });
    for (chart, count) in charts {
        let chart = escape::controls(&input::display_name(&chart)).into_owned();
        note(&format!(
            "note: skipped {count} Helm template{} of the chart in {chart}/; lint what it \
             renders: helm template {chart} | pullcheck --chart-dir {chart} -",
            if count == 1 { "" } else { "s" }
        ));
    }
}
/// Says which kustomization roots are not linted as their builds, and why: never a silent
/// guess.
pub(super) fn note_kustomize(
    files: &[pullcheck::source::SourceFile],
    kustomized: &pullcheck::run::Kustomized,
) {
    use pullcheck::run::Outcome;
    for root in &kustomized.roots {
        let Outcome::NotFollowed(build) = &root.outcome else {
            continue;
        };
        let mut what: Vec<String> = Vec::new();
        for item in &build.not_followed {
            let file = &files[item.at.file];
            let at = file.position(item.at.span.start);
            let text = format!("{} ({}:{})", item.what, file.name, at.line);
            if !what.contains(&text) {
                what.push(text);
            }
        }
        let more = match what.len() {
            n if n > 3 => format!(" and {} more", n - 3),
            _ => String::new(),
        };
        what.truncate(3);
        note(&format!(
            "note: kustomization {root} uses what pullcheck does not follow: {}{more}; what it \
             deploys is not linted (its files are linted as written, or through the roots that \
             include them); lint its build with: kubectl kustomize {root} | pullcheck -",
            what.join(", "),
            root = escape::controls(&root.name),
        ));
    }
}

/// Says which files were left out as Go template text (at most three named).
pub(super) fn note_templates(files: &[pullcheck::source::SourceFile], templates: &[usize]) {
    if templates.is_empty() {
        return;
    }
    let names: Vec<String> = templates
        .iter()
        .take(3)
        .map(|&file| escape::controls(&files[file].name).into_owned())
        .collect();
    let more = match templates.len() {
        n if n > 3 => format!(" and {} more", n - 3),
        _ => String::new(),
    };
    note(&format!(
        "note: skipped {}{more}: Go template text ({{{{ … }}}}) that does not parse as YAML; \
         lint what it renders, or pass --lint-templates",
        names.join(", ")
    ));
}

/// Standard input that holds no Kubernetes object (and no parse error) stops the run, unless
/// `--allow-empty`: in a shell without `pipefail`, `helm template … | pullcheck -` would
/// otherwise pass when helm failed and printed nothing. `used` lists the file of every object
/// and diagnostic.
pub(super) fn require_stdin_objects(
    input: &InputArgs,
    files: &[pullcheck::source::SourceFile],
    mut used: impl Iterator<Item = usize>,
) -> Result<(), Failure> {
    let Some(stdin) = files.iter().position(|f| f.path.is_none()) else {
        return Ok(());
    };
    if input.allow_empty || used.any(|file| file == stdin) {
        return Ok(());
    }
    Err(Failure::Usage(format!(
        "no Kubernetes objects found on standard input ({}); if the command before `|` failed, \
         nothing was linted. --allow-empty accepts empty input",
        files[stdin].name
    )))
}

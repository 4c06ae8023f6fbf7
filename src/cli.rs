//! The command line: flags, the run, and the exit code.

use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;

use std::path::PathBuf;

use clap::{Args, CommandFactory, Parser, Subcommand, ValueEnum};
use rayon::prelude::*;

use crate::config::{self, Config, ConfigError};
use crate::input::{self, InputSource, LoadedInput};
use crate::k8s::KubernetesVersion;
use crate::lint;
use crate::output::images::ImagesFormat;
use crate::output::{self, Format, Style, escape, human};
use crate::rules;
use crate::run::Run;
use crate::settings::{self, FailOn, Settings, SettingsError};
use crate::{helm, plan};

const AFTER_HELP: &str = "\
Examples:
  pullcheck                              lint every *.yaml, *.yml and *.json below the current directory
  pullcheck k8s/ deploy.yaml             files and directories (recursive)
  helm template ./chart | pullcheck -    '-' reads standard input
  pullcheck --format json k8s/           machine-readable output
  pullcheck images --format plain k8s/   every image the manifests pull, one per line

Exit status: 0 when no diagnostic reaches --fail-on, 1 when one does, 2 when the run could not happen.
A directory named like a subcommand (images) is linted when written as ./images.";

/// Lints Kubernetes manifests for image-pull mistakes: tags that move or are missing, invalid
/// references and pull policies, `Never` on images the nodes may not have, and pull secrets that
/// are missing, of the wrong type or namespace, or do not cover the registry.
#[derive(Debug, Parser)]
#[command(
    name = "pullcheck",
    version,
    after_help = AFTER_HELP,
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    #[command(flatten)]
    pub lint: LintArgs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// List every distinct image of the manifests: registry class, pull policy, the
    /// credentials that reach it and who uses it.
    Images(ImagesArgs),
    /// List the rules: name, level, whether it runs, and what it finds.
    Rules(ConfigArgs),
    /// Print a rule's documentation.
    Explain {
        /// The rule's name, e.g. missing-tag.
        rule: String,
    },
    /// Write a commented starter `.pullcheck.yaml` in the current directory.
    Init {
        /// Replace an existing file.
        #[arg(long)]
        force: bool,
    },
    /// Print a shell completion script.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff).
    Man,
}

/// Which configuration file to use.
#[derive(Debug, Args)]
pub struct ConfigArgs {
    /// The configuration file; default: `.pullcheck.yaml` in the current directory or the
    /// nearest parent, up to the repository root.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

/// What to read: shared by linting and `images`.
#[derive(Debug, Args)]
pub struct InputArgs {
    /// Files and directories to read; `-` reads standard input. Directories are walked
    /// recursively for *.yaml, *.yml and *.json, honouring .gitignore and .ignore and skipping
    /// hidden entries; a file named explicitly is read whatever its extension.
    #[arg(value_name = "PATH")]
    pub paths: Vec<String>,

    /// Skip walked files and directories matching this glob (repeatable; replaces the
    /// configuration's `exclude`).
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,

    /// The name standard input is shown under.
    #[arg(long, value_name = "NAME", default_value = "<stdin>")]
    pub stdin_filename: String,

    /// Namespace of objects that do not name one [default: default].
    #[arg(long, value_name = "NS")]
    pub namespace: Option<String>,

    /// The Kubernetes release of the target clusters (MAJOR.MINOR) [default: 1.37]. From 1.35
    /// the kubelet checks a pod's credentials before it reuses an image pulled with a Secret.
    #[arg(long, value_name = "VERSION")]
    pub kubernetes_version: Option<String>,

    /// Worker threads for reading and linting; default: one per core, at most 4 per core.
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,

    /// The largest input read, in bytes, or with a K, M or G suffix (1024-based) [default: 1G].
    /// A larger file, or standard input that goes on (`/dev/zero`), is an error (exit 2).
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    pub max_input_size: Option<u64>,

    #[command(flatten)]
    pub config: ConfigArgs,
}

#[derive(Debug, Args)]
pub struct LintArgs {
    #[command(flatten)]
    pub input: InputArgs,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,

    /// The lowest severity that makes the exit status 1 [default: warning].
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,

    /// Images known to be on every node, as globs over the image as written or normalised
    /// (e.g. 'registry.corp/base/*'); repeatable. Used by never-without-preload.
    #[arg(long, value_name = "GLOB")]
    pub preloaded: Vec<String>,

    /// Allow images only from these registries, as globs over the registry ('registry.corp') or
    /// the normalised repository ('docker.io/library/*'); repeatable. Turns on
    /// disallowed-registry.
    #[arg(long, value_name = "GLOB")]
    pub allowed_registry: Vec<String>,

    /// Turn on a rule that is off by default (repeatable).
    #[arg(long, value_name = "RULE")]
    pub enable: Vec<String>,

    /// Turn off a rule (repeatable).
    #[arg(long, value_name = "RULE")]
    pub disable: Vec<String>,

    /// Also list the findings that comments or annotations suppress.
    #[arg(long)]
    pub show_suppressed: bool,

    /// The chart the input was rendered from (`helm template DIR | pullcheck --chart-dir DIR -`):
    /// findings move to the template files, at the line holding the same key.
    #[arg(long, value_name = "DIR")]
    pub chart_dir: Option<PathBuf>,

    /// When to colour human output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

#[derive(Debug, Args)]
pub struct ImagesArgs {
    #[command(flatten)]
    pub input: InputArgs,

    /// Output format.
    #[arg(long, value_enum, default_value_t = ImagesFormat::Table)]
    pub format: ImagesFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// Why the run stopped before linting: a one-line reason, or a configuration file with located
/// problems.
enum Failure {
    Usage(String),
    Config(ConfigError),
}

impl From<String> for Failure {
    fn from(message: String) -> Self {
        Failure::Usage(message)
    }
}

/// Runs the command line and returns the exit status.
pub fn main() -> ExitCode {
    // A panic is a bug: say so in one line. Panics inside rules and parsing are caught and
    // reported as internal-error diagnostics as well.
    std::panic::set_hook(Box::new(|info| {
        eprintln!("pullcheck: internal error: {info}");
    }));
    let cli = Cli::parse();
    let color = use_color(cli.lint.color, io::stdout().is_terminal());
    let result = match &cli.command {
        None => lint(&cli.lint, color),
        Some(Command::Images(args)) => images(args),
        Some(Command::Rules(args)) => list_rules(args),
        Some(Command::Explain { rule }) => explain(rule, color),
        Some(Command::Init { force }) => init(*force),
        Some(Command::Completions { shell }) => {
            // Generated into memory: clap_complete panics when it cannot write (`> /dev/full`).
            let mut script = Vec::new();
            clap_complete::generate(*shell, &mut Cli::command(), "pullcheck", &mut script);
            write_stdout(|out| out.write_all(&script))
                .map(|_| ExitCode::SUCCESS)
                .map_err(Failure::Usage)
        }
        Some(Command::Man) => write_stdout(|out| clap_mangen::Man::new(Cli::command()).render(out))
            .map(|_| ExitCode::SUCCESS)
            .map_err(Failure::Usage),
    };
    match result {
        Ok(code) => code,
        Err(Failure::Usage(message)) => {
            eprintln!("pullcheck: {}", escape::controls(&message));
            ExitCode::from(2)
        }
        Err(Failure::Config(ConfigError::Unreadable(message))) => {
            eprintln!("pullcheck: configuration: {}", escape::controls(&message));
            ExitCode::from(2)
        }
        Err(Failure::Config(ConfigError::Invalid { file, diagnostics })) => {
            let style = Style {
                color: use_color(cli.lint.color, io::stderr().is_terminal()),
                width: 100,
            };
            let files = [*file];
            let mut err = io::stderr().lock();
            let _ = human::write_diagnostics(&files, &diagnostics, style, 0, &mut err);
            let _ = writeln!(
                err,
                "pullcheck: {} problem(s) in the configuration {}",
                diagnostics.len(),
                files[0].name
            );
            ExitCode::from(2)
        }
    }
}

/// Settings from the defaults, then the configuration file, then the input flags.
fn settings_for(input: &InputArgs) -> Result<(Settings, Config), Failure> {
    let config = load_config(&input.config)?;
    let mut settings = Settings::default();
    config
        .apply(&mut settings)
        .map_err(|e| Failure::Usage(e.to_string()))?;
    if let Some(namespace) = &input.namespace {
        settings.default_namespace = namespace.clone();
    }
    if let Some(version) = &input.kubernetes_version {
        settings.options.kubernetes_version =
            KubernetesVersion::parse(version).map_err(Failure::Usage)?;
    }
    Ok((settings, config))
}

fn load_config(args: &ConfigArgs) -> Result<Config, Failure> {
    let path = match &args.config {
        Some(path) => Some(path.clone()),
        None => {
            let home = std::env::var_os("HOME").map(PathBuf::from);
            let (found, passed_over) = std::env::current_dir()
                .map(|dir| config::discover(&dir, home.as_deref()))
                .unwrap_or_default();
            if let Some(why) = passed_over {
                eprintln!("pullcheck: warning: {}", escape::controls(&why));
            }
            found
        }
    };
    match path {
        Some(path) => {
            let config = Config::load(&path).map_err(Failure::Config)?;
            // Which file decided what this run checks is never a surprise.
            eprintln!(
                "pullcheck: configuration: {}",
                escape::controls(&path.display().to_string())
            );
            Ok(config)
        }
        None => Ok(Config::default()),
    }
}

fn lint(args: &LintArgs, color: bool) -> Result<ExitCode, Failure> {
    let (mut settings, config) = settings_for(&args.input)?;
    let usage = |e: SettingsError| Failure::Usage(e.to_string());
    settings
        .select_rules(&args.enable, &args.disable)
        .map_err(usage)?;
    if !args.preloaded.is_empty() {
        settings.set_preloaded(&args.preloaded).map_err(usage)?;
    }
    if !args.allowed_registry.is_empty() {
        settings
            .set_allowed_registries(&args.allowed_registry)
            .map_err(usage)?;
    }
    if let Some(fail_on) = args.fail_on {
        settings.fail_on = fail_on;
    }
    let excludes = if args.input.exclude.is_empty() {
        &config.exclude
    } else {
        &args.input.exclude
    };
    let (mut run, read_failures) =
        read_inputs(&args.input, excludes, &mut settings, |inputs, settings| {
            lint::lint(inputs, settings)
        })?;

    let code = exit_code(&run, settings.fail_on);
    run.config_file = config.path.as_ref().map(|p| p.display().to_string());
    if let Some(chart_dir) = &args.chart_dir {
        helm::map_to_chart(&mut run, chart_dir);
    }
    if args.show_suppressed {
        run.diagnostics.append(&mut run.suppressed);
        run.diagnostics
            .sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    }
    let style = Style { color, width: 100 };
    crate::timings::mark("lint");
    write_stdout(|out| output::write(&run, args.format, style, out))?;
    crate::timings::mark("output");
    // The process ends here: freeing every file and tree, much of it allocated on other
    // threads, would cost 3–7 ms on the corpus for nothing.
    std::mem::forget(run);
    Ok(if read_failures {
        ExitCode::from(2)
    } else {
        code
    })
}

fn images(args: &ImagesArgs) -> Result<ExitCode, Failure> {
    let (mut settings, config) = settings_for(&args.input)?;
    let excludes = if args.input.exclude.is_empty() {
        &config.exclude
    } else {
        &args.input.exclude
    };
    let ((collected, planned), read_failures) =
        read_inputs(&args.input, excludes, &mut settings, |inputs, settings| {
            let collected = lint::collect(inputs, settings);
            let planned = plan::plan(&collected, settings);
            (collected, planned)
        })?;
    if !collected.diagnostics.is_empty() {
        eprintln!(
            "pullcheck: {} document(s) could not be read; run `pullcheck` on the same paths for details",
            collected.diagnostics.len()
        );
    }
    write_stdout(|out| output::images::write(&planned, &collected.files, args.format, out))?;
    Ok(if read_failures {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}

fn list_rules(args: &ConfigArgs) -> Result<ExitCode, Failure> {
    let config = load_config(args)?;
    let mut settings = Settings::default();
    config
        .apply(&mut settings)
        .map_err(|e| Failure::Usage(e.to_string()))?;
    let rows: Vec<[String; 4]> = rules::ALL
        .iter()
        .map(|rule| {
            let meta = rule.meta();
            [
                meta.name.to_string(),
                settings.severity(*rule).to_string(),
                if settings.is_enabled(meta.name) {
                    "on"
                } else {
                    "off"
                }
                .to_string(),
                meta.summary.to_string(),
            ]
        })
        .collect();
    let width = |i: usize| rows.iter().map(|r| r[i].len()).max().unwrap_or(0);
    let (w0, w1, w2) = (width(0).max(4), width(1).max(5), width(2).max(3));
    write_stdout(|out| {
        writeln!(
            out,
            "{:<w0$}  {:<w1$}  {:<w2$}  SUMMARY",
            "RULE", "LEVEL", "RUN"
        )?;
        for [name, level, on, summary] in &rows {
            writeln!(out, "{name:<w0$}  {level:<w1$}  {on:<w2$}  {summary}")?;
        }
        Ok(())
    })?;
    Ok(ExitCode::SUCCESS)
}

fn explain(rule: &str, color: bool) -> Result<ExitCode, Failure> {
    let meta = match rules::documentation(rule) {
        Some(meta) => meta,
        None => settings::rule_named(rule)
            .map_err(|e| Failure::Usage(e.to_string()))?
            .meta(),
    };
    let text = output::markdown::render(&meta.markdown(), color);
    write_stdout(|out| out.write_all(text.as_bytes()))?;
    Ok(ExitCode::SUCCESS)
}

fn init(force: bool) -> Result<ExitCode, Failure> {
    let path = PathBuf::from(config::FILE_NAME);
    if path.exists() && !force {
        return Err(Failure::Usage(format!(
            "{} exists already; use --force to replace it",
            path.display()
        )));
    }
    std::fs::write(&path, config::STARTER)
        .map_err(|e| Failure::Usage(format!("cannot write {}: {e}", path.display())))?;
    println!("wrote {}", path.display());
    Ok(ExitCode::SUCCESS)
}

/// Finds and reads the inputs, then runs `work` on them, on a pool of `--threads` workers when
/// there is more than one input. Returns its result and whether some input could not be read
/// (each already reported on stderr).
fn read_inputs<T: Send>(
    args: &InputArgs,
    excludes: &[String],
    settings: &mut Settings,
    work: impl FnOnce(Vec<LoadedInput>, &Settings) -> T + Send,
) -> Result<(T, bool), String> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let threads = match args.threads {
        Some(0) => return Err("--threads must be at least 1".into()),
        // More threads than cores only add stacks and contention: 100,000 took a minute and
        // 1.2 GB before anything was linted.
        Some(n) if n > cores * MAX_THREADS_PER_CORE => {
            let capped = cores * MAX_THREADS_PER_CORE;
            eprintln!(
                "pullcheck: note: --threads {n} is more than {MAX_THREADS_PER_CORE} per core; \
                 using {capped}"
            );
            capped
        }
        Some(n) => n,
        None => cores,
    };
    let limit = args
        .max_input_size
        .unwrap_or(input::DEFAULT_MAX_INPUT_BYTES);
    crate::timings::mark("start");
    let discovery =
        input::discover(&args.paths, excludes, &args.stdin_filename, threads).map_err(|e| e.0)?;
    crate::timings::mark("discover");
    for warning in &discovery.warnings {
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
    let run = || {
        let loaded = load_all(&discovery.inputs, settings.parallel, limit);
        crate::timings::mark("read");
        // Decided on the lengths read, not on a `stat` per input: 3,300 of those took 12 ms.
        let largest = loaded.iter().flatten().map(|i| i.source.text.len()).max();
        crate::allocator::tune_for(
            largest.is_some_and(|len| len as u64 >= crate::allocator::LARGE_INPUT_BYTES),
        );
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
                    eprintln!(
                        "pullcheck: note: skipped {}: a binary file",
                        escape::controls(source.name())
                    );
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
        (work(inputs, settings), failed)
    };
    if settings.parallel {
        Ok(rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .map_err(|e| format!("cannot start worker threads: {e}"))?
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

/// A size in bytes: `1048576`, `512K`, `64M`, `2G` (1024-based).
fn parse_size(text: &str) -> Result<u64, String> {
    let (digits, unit) = match text.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
        Some((at, _)) => text.split_at(at),
        None => (text, ""),
    };
    let shift = match unit.to_ascii_uppercase().as_str() {
        "" | "B" => 0,
        "K" | "KB" | "KIB" => 10,
        "M" | "MB" | "MIB" => 20,
        "G" | "GB" | "GIB" => 30,
        _ => {
            return Err(format!(
                "`{text}`: expected a number of bytes, e.g. 1048576 or 64M"
            ));
        }
    };
    digits
        .parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(1 << shift))
        .filter(|n| *n > 0)
        .ok_or_else(|| format!("`{text}`: expected a positive size that fits 64 bits"))
}

/// Writes to a buffered, locked stdout. A reader that goes away (`pullcheck | head`) is not an
/// error: it has what it wanted.
fn write_stdout(write: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> Result<(), String> {
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    match write(&mut out).and_then(|_| out.flush()) {
        Err(err) if err.kind() != io::ErrorKind::BrokenPipe => {
            Err(format!("cannot write output: {err}"))
        }
        _ => Ok(()),
    }
}

fn exit_code(run: &Run, fail_on: FailOn) -> ExitCode {
    if run
        .diagnostics
        .iter()
        .any(|d| d.rule == lint::INTERNAL_ERROR)
    {
        return ExitCode::from(2);
    }
    // Suppressed findings are in `run.suppressed`, not here: they never fail a run.
    let failed = fail_on
        .threshold()
        .is_some_and(|threshold| run.diagnostics.iter().any(|d| d.severity >= threshold));
    if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// Whether to colour output going to a stream that `is_terminal` describes.
fn use_color(choice: ColorChoice, is_terminal: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && is_terminal
        }
    }
}

//! The command line: flags, the run, and the exit code.

use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};
use rayon::prelude::*;

use crate::diagnostic::Severity;
use crate::input::{self, InputSource, LoadedInput};
use crate::lint::{self, Run};
use crate::output::images::ImagesFormat;
use crate::output::{self, Format, Style};
use crate::plan;
use crate::settings::Settings;

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
}

/// What to read: shared by linting and `images`.
#[derive(Debug, Args)]
pub struct InputArgs {
    /// Files and directories to read; `-` reads standard input. Directories are walked
    /// recursively for *.yaml, *.yml and *.json, honouring .gitignore and .ignore and skipping
    /// hidden entries; a file named explicitly is read whatever its extension.
    #[arg(value_name = "PATH")]
    pub paths: Vec<String>,

    /// Skip walked files and directories matching this glob (repeatable).
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,

    /// The name standard input is shown under.
    #[arg(long, value_name = "NAME", default_value = "<stdin>")]
    pub stdin_filename: String,

    /// Namespace of objects that do not name one.
    #[arg(long, value_name = "NS", default_value = "default")]
    pub namespace: String,

    /// Worker threads for reading and linting; default: one per core.
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
}

#[derive(Debug, Args)]
pub struct LintArgs {
    #[command(flatten)]
    pub input: InputArgs,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,

    /// The lowest severity that makes the exit status 1.
    #[arg(long, value_enum, default_value_t = FailOn::Warning)]
    pub fail_on: FailOn,

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
pub enum FailOn {
    Error,
    Warning,
    Info,
    Never,
}

impl FailOn {
    fn threshold(self) -> Option<Severity> {
        match self {
            FailOn::Error => Some(Severity::Error),
            FailOn::Warning => Some(Severity::Warning),
            FailOn::Info => Some(Severity::Info),
            FailOn::Never => None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// Runs the command line and returns the exit status.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match &cli.command {
        Some(Command::Images(args)) => images(args),
        None => lint(&cli.lint),
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("pullcheck: {message}");
            ExitCode::from(2)
        }
    }
}

fn lint(args: &LintArgs) -> Result<ExitCode, String> {
    let mut settings = Settings {
        default_namespace: args.input.namespace.clone(),
        ..Settings::default()
    };
    settings
        .select_rules(&args.enable, &args.disable)
        .map_err(|e| e.to_string())?;
    settings
        .set_preloaded(&args.preloaded)
        .map_err(|e| e.to_string())?;
    settings
        .set_allowed_registries(&args.allowed_registry)
        .map_err(|e| e.to_string())?;
    let (run, read_failures) = read_inputs(&args.input, |inputs| lint::lint(inputs, &settings))?;

    let style = Style {
        color: use_color(args.color),
        width: 100,
    };
    let code = exit_code(&run, args.fail_on);
    write_stdout(|out| output::write(&run, args.format, style, out))?;
    Ok(if read_failures {
        ExitCode::from(2)
    } else {
        code
    })
}

fn images(args: &ImagesArgs) -> Result<ExitCode, String> {
    let settings = Settings {
        default_namespace: args.input.namespace.clone(),
        ..Settings::default()
    };
    let ((collected, planned), read_failures) = read_inputs(&args.input, |inputs| {
        let collected = lint::collect(inputs, &settings);
        let planned = plan::plan(&collected);
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

/// Finds and reads the inputs, then runs `work` on them, on a pool of `--threads` workers when
/// there is more than one input. Returns its result and whether some input could not be read
/// (each already reported on stderr).
fn read_inputs<T: Send>(
    args: &InputArgs,
    work: impl FnOnce(Vec<LoadedInput>) -> T + Send,
) -> Result<(T, bool), String> {
    let threads = match args.threads {
        Some(0) => return Err("--threads must be at least 1".into()),
        Some(n) => n,
        None => std::thread::available_parallelism().map_or(1, |n| n.get()),
    };
    let discovery = input::discover(&args.paths, &args.exclude, &args.stdin_filename, threads)
        .map_err(|e| e.0)?;
    for warning in &discovery.warnings {
        eprintln!("pullcheck: warning: {warning}");
    }
    let run = || {
        let loaded = load_all(&discovery.inputs);
        let mut failed = false;
        let mut inputs = Vec::with_capacity(loaded.len());
        for result in loaded {
            match result {
                Ok(input) => inputs.push(input),
                Err(failure) => {
                    eprintln!("pullcheck: cannot read {failure}");
                    failed = true;
                }
            }
        }
        (work(inputs), failed)
    };
    // One input (a pre-commit hook on one file, a pipe) is handled on this thread: starting a
    // pool would cost more than it saves.
    if discovery.inputs.len() > 1 && threads > 1 {
        Ok(rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .map_err(|e| format!("cannot start worker threads: {e}"))?
            .install(run))
    } else {
        Ok(run())
    }
}

fn load_all(inputs: &[InputSource]) -> Vec<Result<LoadedInput, String>> {
    if inputs.len() > 1 {
        inputs.par_iter().map(input::load).collect()
    } else {
        inputs.iter().map(input::load).collect()
    }
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
    let failed = fail_on
        .threshold()
        .is_some_and(|threshold| run.diagnostics.iter().any(|d| d.severity >= threshold));
    if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn use_color(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && io::stdout().is_terminal()
        }
    }
}

//! The command line: flags, the run, and the exit code.

use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;

use clap::{Parser, ValueEnum};
use rayon::prelude::*;

use crate::diagnostic::Severity;
use crate::input::{self, InputSource};
use crate::lint::{self, Run};
use crate::output::{self, Format, Style};
use crate::settings::Settings;

const AFTER_HELP: &str = "\
Examples:
  pullcheck                              lint every *.yaml, *.yml and *.json below the current directory
  pullcheck k8s/ deploy.yaml             files and directories (recursive)
  helm template ./chart | pullcheck -    '-' reads standard input
  pullcheck --format json k8s/           machine-readable output

Exit status: 0 when no diagnostic reaches --fail-on, 1 when one does, 2 when the run could not happen.";

/// Lints Kubernetes manifests for image-pull mistakes: missing and `latest` tags, `Never`
/// pull policies on images the nodes may not have, and private registries no pull secret reaches.
#[derive(Debug, Parser)]
#[command(name = "pullcheck", version, after_help = AFTER_HELP)]
pub struct Args {
    /// Files and directories to lint; `-` reads standard input. Directories are walked
    /// recursively for *.yaml, *.yml and *.json, honouring .gitignore and .ignore and skipping
    /// hidden entries; a file named explicitly is linted whatever its extension.
    #[arg(value_name = "PATH")]
    pub paths: Vec<String>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,

    /// The lowest severity that makes the exit status 1.
    #[arg(long, value_enum, default_value_t = FailOn::Warning)]
    pub fail_on: FailOn,

    /// Skip walked files and directories matching this glob (repeatable).
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,

    /// The name standard input is shown under.
    #[arg(long, value_name = "NAME", default_value = "<stdin>")]
    pub stdin_filename: String,

    /// Namespace of objects that do not name one.
    #[arg(long, value_name = "NS", default_value = "default")]
    pub namespace: String,

    /// Images known to be on every node, as globs over the image as written or normalised
    /// (e.g. 'registry.corp/base/*'); repeatable. Used by never-without-preload.
    #[arg(long, value_name = "GLOB")]
    pub preloaded: Vec<String>,

    /// Turn on a rule that is off by default (repeatable).
    #[arg(long, value_name = "RULE")]
    pub enable: Vec<String>,

    /// Turn off a rule (repeatable).
    #[arg(long, value_name = "RULE")]
    pub disable: Vec<String>,

    /// Worker threads for reading and linting; default: one per core.
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,

    /// When to colour human output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
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
    let args = Args::parse();
    match run(&args) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("pullcheck: {message}");
            ExitCode::from(2)
        }
    }
}

fn run(args: &Args) -> Result<ExitCode, String> {
    let mut settings = Settings {
        default_namespace: args.namespace.clone(),
        ..Settings::default()
    };
    settings
        .select_rules(&args.enable, &args.disable)
        .map_err(|e| e.to_string())?;
    settings
        .set_preloaded(&args.preloaded)
        .map_err(|e| e.to_string())?;
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
    let work = || {
        let loaded = load_all(&discovery.inputs);
        let failures: Vec<String> = loaded
            .iter()
            .filter_map(|l| l.as_ref().err().cloned())
            .collect();
        let inputs = loaded.into_iter().filter_map(Result::ok).collect();
        (lint::lint(inputs, &settings), failures)
    };
    // One input (a pre-commit hook on one file, a pipe) is linted on this thread: starting a
    // pool would cost more than it saves.
    let (run, read_failures) = if discovery.inputs.len() > 1 && threads > 1 {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .map_err(|e| format!("cannot start worker threads: {e}"))?
            .install(work)
    } else {
        work()
    };
    for failure in &read_failures {
        eprintln!("pullcheck: cannot read {failure}");
    }

    let style = Style {
        color: use_color(args.color),
        width: 100,
    };
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let written = output::write(&run, args.format, style, &mut out).and_then(|_| out.flush());
    if let Err(err) = written {
        if err.kind() == io::ErrorKind::BrokenPipe {
            // `pullcheck | head` closed the pipe: the reader has what it wanted.
            return Ok(exit_code(&run, args.fail_on));
        }
        return Err(format!("cannot write output: {err}"));
    }
    if !read_failures.is_empty() {
        return Ok(ExitCode::from(2));
    }
    Ok(exit_code(&run, args.fail_on))
}

fn load_all(inputs: &[InputSource]) -> Vec<Result<input::LoadedInput, String>> {
    if inputs.len() > 1 {
        inputs.par_iter().map(input::load).collect()
    } else {
        inputs.iter().map(input::load).collect()
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

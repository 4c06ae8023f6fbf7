//! The command line: dispatch to the subcommands, and the exit code. The flags are in
//! [`args`], reading the inputs in [`read`].

mod args;
mod configure;
mod fix;
mod read;
mod terminal;

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{CommandFactory, Parser};
use pullcheck::config::{self, ConfigError};
use pullcheck::lint;
use pullcheck::output::{self, Style, escape, human};
use pullcheck::rules;
use pullcheck::run::Run;
use pullcheck::settings::{self, FailOn, Settings, SettingsError};
use pullcheck::{helm, plan};

use args::{Cli, ColorChoice, Command, ConfigArgs, ImagesArgs, LintArgs};
use configure::{load_config, settings_for};
use read::{note_kustomize, note_templates, read_inputs, require_stdin_objects};
use terminal::*;

/// Set by `--quiet`: notes on standard error are left out.
static QUIET: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// A line on standard error that `--quiet` leaves out: `pullcheck: MESSAGE`.
fn note(message: &str) {
    if !QUIET.load(std::sync::atomic::Ordering::Relaxed) {
        eprintln!("pullcheck: {message}");
    }
}

/// Why the run stopped before linting or could not finish: exit status 2.
enum Failure {
    /// A flag, a setting or an input that cannot be used: a one-line reason.
    Usage(String),
    /// The configuration file cannot be read, or has located problems.
    Config(ConfigError),
    /// Standard output failed, other than by a reader that went away.
    Output(io::Error),
    /// The worker threads could not start.
    Threads(rayon::ThreadPoolBuildError),
}

impl From<String> for Failure {
    fn from(message: String) -> Self {
        Failure::Usage(message)
    }
}

impl From<SettingsError> for Failure {
    fn from(error: SettingsError) -> Self {
        Failure::Usage(error.0)
    }
}

impl From<pullcheck::input::InputError> for Failure {
    fn from(error: pullcheck::input::InputError) -> Self {
        Failure::Usage(error.0)
    }
}

impl From<ConfigError> for Failure {
    fn from(error: ConfigError) -> Self {
        Failure::Config(error)
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
    QUIET.store(cli.lint.quiet, std::sync::atomic::Ordering::Relaxed);
    let color = use_color(cli.lint.color, io::stdout().is_terminal());
    let result = match &cli.command {
        None => lint(&cli.lint, color),
        Some(Command::Images(args)) => images(args),
        Some(Command::Fix(args)) => fix::run(args),
        Some(Command::Lsp) => pullcheck::lsp::stdio()
            .map(|()| ExitCode::SUCCESS)
            .map_err(|e| Failure::Usage(format!("lsp: {e}"))),
        Some(Command::Rules(args)) => list_rules(args),
        Some(Command::Explain { rule }) => explain(rule, color),
        Some(Command::Init { force }) => init(*force),
        Some(Command::Completions { shell }) => {
            // Generated into memory: clap_complete panics when it cannot write (`> /dev/full`).
            let mut script = Vec::new();
            clap_complete::generate(*shell, &mut Cli::command(), "pullcheck", &mut script);
            write_stdout(|out| out.write_all(&script)).map(|_| ExitCode::SUCCESS)
        }
        Some(Command::Man { command }) => man_page(command.as_deref())
            .and_then(|page| write_stdout(|out| page.render(out)))
            .map(|_| ExitCode::SUCCESS),
    };
    match result {
        Ok(code) => code,
        Err(Failure::Usage(message)) => {
            eprintln!("pullcheck: {}", escape::controls(&message));
            ExitCode::from(2)
        }
        Err(Failure::Output(error)) => {
            eprintln!("pullcheck: cannot write output: {error}");
            ExitCode::from(2)
        }
        Err(Failure::Threads(error)) => {
            eprintln!("pullcheck: cannot start worker threads: {error}");
            ExitCode::from(2)
        }
        Err(Failure::Config(ConfigError::Unreadable(message))) => {
            eprintln!("pullcheck: configuration: {}", escape::controls(&message));
            ExitCode::from(2)
        }
        Err(Failure::Config(ConfigError::Invalid { file, diagnostics })) => {
            let style = Style {
                color: use_color(cli.lint.color, io::stderr().is_terminal()),
                width: human_width(Stream::Stderr),
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

fn lint(args: &LintArgs, color: bool) -> Result<ExitCode, Failure> {
    if let Some(chart_dir) = &args.chart_dir
        && !chart_dir.join("Chart.yaml").is_file()
    {
        return Err(Failure::Usage(format!(
            "--chart-dir {}: no Chart.yaml there; give the folder of the chart the input was \
             rendered from",
            escape::controls(&chart_dir.display().to_string())
        )));
    }
    let (mut settings, config) = settings_for(&args.input)?;
    settings.select_rules(&args.enable, &args.disable)?;
    if !args.preloaded.is_empty() {
        settings.set_preloaded(&args.preloaded)?;
    }
    if !args.allowed_registry.is_empty() {
        settings.set_allowed_registries(&args.allowed_registry)?;
    }
    if let Some(fail_on) = args.fail_on {
        settings.fail_on = fail_on;
    }
    let excludes = if args.input.exclude.is_empty() {
        &config.exclude
    } else {
        &args.input.exclude
    };
    let (mut run, read_failures, workers) =
        read_inputs(&args.input, excludes, &mut settings, |inputs, settings| {
            lint::lint(inputs, settings)
        })?;

    note_templates(&run.files, &run.templates);
    note_kustomize(&run.files, &run.kustomize);
    let found: Vec<usize> = run
        .objects
        .iter()
        .map(|(file, _)| *file)
        .chain(run.templates.iter().copied())
        .collect();
    let shown = run.diagnostics.iter().map(|d| d.file);
    require_stdin_objects(&args.input, &run.files, found.into_iter().chain(shown))?;
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
    if let Some(min) = args.min_severity {
        let before = run.diagnostics.len();
        run.diagnostics.retain(|d| d.severity >= min);
        run.summary.not_shown = before - run.diagnostics.len();
    }
    let style = Style {
        color,
        width: human_width(Stream::Stdout),
    };
    pullcheck::timings::mark("lint");
    workers.run(|| {
        write_stdout(|out| {
            if args.statistics {
                let counts = output::statistics::per_rule(&run.diagnostics);
                output::statistics::write_table(&counts, 0, terminal_width(Stream::Stdout), out)?;
                writeln!(out, "{}", human::summary_line(&run.summary))
            } else if args.quiet && args.format == output::Format::Human {
                human::write_diagnostics(&run.files, &run.diagnostics, style, 1, out)
            } else {
                output::write(&run, args.format, style, out)
            }
        })
    })?;
    pullcheck::timings::mark("output");
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
    let ((collected, planned), read_failures, _) =
        read_inputs(&args.input, excludes, &mut settings, |inputs, settings| {
            let collected = lint::collect(inputs, settings);
            let planned = plan::plan(&collected, settings);
            (collected, planned)
        })?;
    note_templates(&collected.files, &collected.templates);
    note_kustomize(&collected.files, &collected.kustomize);
    let found = (collected.extracted.objects.iter().map(|(file, _)| *file))
        .chain(collected.templates.iter().copied());
    let shown = collected.diagnostics.iter().map(|d| d.file);
    require_stdin_objects(&args.input, &collected.files, found.chain(shown))?;
    if !collected.diagnostics.is_empty() {
        eprintln!(
            "pullcheck: {} document(s) could not be read; run `pullcheck` on the same paths for details",
            collected.diagnostics.len()
        );
    }
    write_stdout(|out| {
        output::images::write(
            &planned,
            &collected.files,
            args.format,
            terminal_width(Stream::Stdout),
            out,
        )
    })?;
    Ok(if read_failures {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}

fn list_rules(args: &ConfigArgs) -> Result<ExitCode, Failure> {
    let config = load_config(args)?;
    let mut settings = Settings::default();
    config.apply(&mut settings)?;
    write_stdout(|out| output::rules::write_table(&settings, terminal_width(Stream::Stdout), out))?;
    Ok(ExitCode::SUCCESS)
}

fn explain(rule: &str, color: bool) -> Result<ExitCode, Failure> {
    let meta = match rules::documentation(rule) {
        Some(meta) => meta,
        None => settings::rule_named(rule)?.meta(),
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

/// pullcheck(1), or the page of a subcommand, which pullcheck(1) refers to as
/// pullcheck-NAME(1).
fn man_page(command: Option<&str>) -> Result<clap_mangen::Man, Failure> {
    let mut cli = Cli::command();
    cli.build();
    let Some(name) = command else {
        return Ok(clap_mangen::Man::new(cli));
    };
    let sub = cli
        .get_subcommands()
        .find(|s| s.get_name() == name)
        .cloned()
        .ok_or_else(|| {
            let names: Vec<&str> = cli.get_subcommands().map(|s| s.get_name()).collect();
            Failure::Usage(format!(
                "no subcommand `{name}`; man pages: {}",
                names.join(", ")
            ))
        })?;
    // Leaked once per process: clap names are `&'static str` without its `string` feature.
    let title: &'static str = Box::leak(format!("pullcheck-{name}").into_boxed_str());
    Ok(clap_mangen::Man::new(sub.name(title).bin_name(title)))
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

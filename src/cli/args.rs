//! The command line's flags and subcommands (clap), and their value parsers.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use pullcheck::diagnostic::Severity;
use pullcheck::output::Format;
use pullcheck::output::images::ImagesFormat;
use pullcheck::settings::FailOn;

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
    /// credentials that reach it and who uses it; with --online, what the registry answers.
    Images(Box<ImagesArgs>),
    /// Fix what can be fixed without guessing, in place: edits of the values only (comments,
    /// quotes, indentation and line ends are kept), each kept only if the file re-lints without
    /// that finding and without a new one. Today: pull policies written in another case
    /// (`always` → `Always`); a missing pull secret, when exactly one Secret of the namespace
    /// covers the registry and adding it hides no ServiceAccount's; images pinned to the
    /// digests of --pins FILE; and with --rule implicit-pull-policy the policy Kubernetes
    /// would set, written out. With --diff, print a unified diff instead of writing (exit 1
    /// when there is one); standard input is only ever diffed.
    Fix(Box<FixArgs>),
    /// Run the language server on stdin and stdout, for editors: diagnostics as you type (from
    /// unsaved buffers, with other files' ServiceAccounts, Secrets and kustomize overlays taken
    /// into account), quick fixes and suppression comments, and hovers on `image:` values. The
    /// configuration is the workspace's `.pullcheck.yaml`; --online checks run only when it
    /// turns them on. Helm templates are not linted in the editor.
    Lsp,
    /// List the rules: name, level, whether it runs, and what it finds.
    Rules(ConfigArgs),
    /// Print a rule's documentation.
    Explain {
        /// The rule's name, e.g. missing-tag.
        #[arg(value_parser = RuleName::Documented, hide_possible_values = true)]
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
    /// Print the man page (roff): pullcheck(1), or a subcommand's, e.g. pullcheck-images(1).
    Man {
        /// The subcommand whose page to print (images, fix, lsp, rules, explain, init,
        /// completions, man, help).
        command: Option<String>,
    },
}

/// Which configuration file to use.
#[derive(Debug, Args)]
pub struct ConfigArgs {
    /// The configuration file; default: `.pullcheck.yaml` in the current directory or the
    /// nearest parent, up to the repository root.
    #[arg(long, value_name = "FILE", overrides_with = "config")]
    pub config: Option<PathBuf>,
}

/// What to read: shared by linting and `images`. A flag that takes one value may be repeated;
/// the last one counts (`overrides_with` itself), so a wrapper can add `--fail-on never` after a
/// user's `--fail-on error`.
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
    #[arg(
        long,
        value_name = "NAME",
        default_value = "<stdin>",
        overrides_with = "stdin_filename"
    )]
    pub stdin_filename: String,

    /// Namespace of objects that do not name one [default: default].
    #[arg(long, value_name = "NS", overrides_with = "namespace")]
    pub namespace: Option<String>,

    /// The Kubernetes release of the target clusters (MAJOR.MINOR) [default: 1.37]. From 1.35
    /// the kubelet checks a pod's credentials before it reuses an image pulled with a Secret.
    #[arg(long, value_name = "VERSION", overrides_with = "kubernetes_version")]
    pub kubernetes_version: Option<String>,

    /// Ask the registries whether each image exists, serves the nodes' platforms and can be
    /// pulled with the credentials the kubelet would use: the pod's pull secrets, then the
    /// Docker config ($DOCKER_CONFIG/config.json, ~/.docker/config.json) as the node's. Adds the
    /// rules image-not-found, pull-unauthorized, platform-missing, registry-unreachable and
    /// tag-moved. Off by default: nothing is sent anywhere without it (or `online: true` in
    /// .pullcheck.yaml). HTTPS only, but for loopback and --insecure-registry hosts.
    #[arg(long)]
    pub online: bool,

    /// With --online: the platform (os/arch) of nodes whose pods name none in their
    /// nodeSelector; repeatable [default: linux/amd64].
    #[arg(long = "platform", value_name = "OS/ARCH")]
    pub platforms: Vec<String>,

    /// With --online: seconds to wait for each request [default: 10].
    #[arg(long, value_name = "SECONDS", overrides_with = "online_timeout")]
    pub online_timeout: Option<f64>,

    /// With --online: a registry host asked over plain HTTP; repeatable. Loopback always is.
    #[arg(long = "insecure-registry", value_name = "HOST")]
    pub insecure_registries: Vec<String>,

    /// With --online: a PEM file of certificate authorities to trust instead of the
    /// platform's; repeatable.
    #[arg(long = "registry-ca", value_name = "FILE")]
    pub registry_cas: Vec<String>,

    /// With --online: ask every registry again, neither reading nor keeping earlier answers
    /// (kept in $XDG_CACHE_HOME/pullcheck/online.json: definitive answers about digests for
    /// good, about tags for ten minutes; never a credential).
    #[arg(long)]
    pub no_cache: bool,

    /// With --online: the Docker config to read as the node's credentials.
    #[arg(long, value_name = "FILE", overrides_with = "docker_config")]
    pub docker_config: Option<String>,

    /// Worker threads for reading and linting; default: one per core, at most 4 per core.
    #[arg(long, value_name = "N", overrides_with = "threads")]
    pub threads: Option<usize>,

    /// The largest input read, in bytes, or with a K, M or G suffix (1024-based) [default: 1G].
    /// A larger file, or standard input that goes on (`/dev/zero`), is an error (exit 2).
    #[arg(long, value_name = "SIZE", value_parser = parse_size, overrides_with = "max_input_size")]
    pub max_input_size: Option<u64>,

    /// Apply `exclude` (the configuration's, or --exclude) to files named on the command line
    /// too, not only to walked ones: pre-commit names every changed file.
    #[arg(long)]
    pub force_exclude: bool,

    /// Also read the manifests under this path (repeatable) for what they define —
    /// ServiceAccounts, pull Secrets, pre-puller DaemonSets — without reporting on them. The
    /// pre-commit hook passes `--context .`: a changed Deployment then finds its ServiceAccount
    /// in a file that did not change.
    #[arg(long, value_name = "PATH")]
    pub context: Vec<String>,

    /// Lint Helm chart templates (files under a chart's `templates/`, next to its
    /// `Chart.yaml`) as manifests. Without it they are skipped with a note saying how to lint
    /// the chart: `helm template CHART | pullcheck --chart-dir CHART -`.
    #[arg(long)]
    pub lint_templates: bool,

    /// How a folder with a kustomization file (`kustomization.yaml`, `kustomization.yml`,
    /// `Kustomization`) is linted. `auto`: as what `kubectl kustomize` builds from it, the files
    /// it includes (also from outside the paths given) linted through each root that includes
    /// them, with the names, namespaces and images the build gives them; a finding about an
    /// image an overlay's `images:` entry set points at that entry. `off`: every file as
    /// written. Default: `kustomize:` in .pullcheck.yaml, else auto.
    #[arg(long, value_enum, value_name = "MODE", overrides_with = "kustomize")]
    pub kustomize: Option<pullcheck::settings::Kustomize>,

    /// Accept standard input that holds no Kubernetes object. Without it, empty input is an
    /// error (exit 2): `helm template … | pullcheck -` must not pass when helm failed.
    #[arg(long)]
    pub allow_empty: bool,

    #[command(flatten)]
    pub config: ConfigArgs,
}

#[derive(Debug, Args)]
pub struct LintArgs {
    #[command(flatten)]
    pub input: InputArgs,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human, overrides_with = "format")]
    pub format: Format,

    /// The lowest severity that makes the exit status 1 [default: warning].
    #[arg(long, value_enum, overrides_with = "fail_on")]
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

    /// Turn on rules that are off by default (repeatable, or separated by commas).
    #[arg(
        long,
        value_name = "RULE",
        value_delimiter = ',',
        value_parser = RuleName::Rule,
        hide_possible_values = true
    )]
    pub enable: Vec<String>,

    /// Turn off rules (repeatable, or separated by commas).
    #[arg(
        long,
        value_name = "RULE",
        value_delimiter = ',',
        value_parser = RuleName::Rule,
        hide_possible_values = true
    )]
    pub disable: Vec<String>,

    /// Also list the findings that comments or annotations suppress.
    #[arg(long)]
    pub show_suppressed: bool,

    /// Print the number of findings per rule and the summary line instead of the findings
    /// (whatever --format says). The exit status is the same.
    #[arg(long)]
    pub statistics: bool,

    /// Show only findings of this severity or higher. The others still count in the summary
    /// line and for --fail-on.
    #[arg(
        long,
        value_enum,
        value_name = "SEVERITY",
        overrides_with = "min_severity"
    )]
    pub min_severity: Option<Severity>,

    /// Print the findings and nothing else: no per-rule table or summary line, no notes on
    /// standard error (warnings and errors are still printed).
    #[arg(short, long)]
    pub quiet: bool,

    /// The chart the input was rendered from (`helm template DIR | pullcheck --chart-dir DIR -`):
    /// findings move to the template line (or `include`d helper line) that rendered them, or
    /// to the `values.yaml` line their tag, registry or pull policy comes from.
    #[arg(long, value_name = "DIR", overrides_with = "chart_dir")]
    pub chart_dir: Option<PathBuf>,

    /// When to colour human output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, overrides_with = "color")]
    pub color: ColorChoice,
}

#[derive(Debug, Args)]
pub struct ImagesArgs {
    #[command(flatten)]
    pub input: InputArgs,

    /// Output format.
    #[arg(long, value_enum, default_value_t = ImagesFormat::Table, overrides_with = "format")]
    pub format: ImagesFormat,
}

#[derive(Debug, Args)]
pub struct FixArgs {
    #[command(flatten)]
    pub input: InputArgs,

    /// Print what would change as a unified diff; write nothing.
    #[arg(long)]
    pub diff: bool,

    /// Pin images to digests: a file of `IMAGE: DIGEST` lines (the image as written or
    /// normalised), as `pullcheck images --online --format plain` prints it. Fixes
    /// missing-tag, latest-tag and digest-not-pinned by writing `IMAGE@DIGEST`. With --online,
    /// images the file does not name are pinned to what their registry resolves.
    #[arg(long, value_name = "FILE")]
    pub pins: Option<PathBuf>,

    /// Fix the findings of this rule only; it runs even when it is off by default
    /// (`--rule implicit-pull-policy` writes the policy Kubernetes would set on creation).
    #[arg(long, value_name = "RULE", value_parser = RuleName::Rule, hide_possible_values = true)]
    pub rule: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

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

/// A rule name on the command line. It offers the names to shell completion, and takes any
/// text: an unknown name is reported by the run, with the name that was probably meant.
#[derive(Clone, Copy)]
pub enum RuleName {
    /// A rule that can be turned on or off.
    Rule,
    /// Anything `explain` documents (the rules, `internal-error`, `config`).
    Documented,
}

impl clap::builder::TypedValueParser for RuleName {
    type Value = String;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<String, clap::Error> {
        clap::builder::StringValueParser::new().parse_ref(cmd, arg, value)
    }

    fn possible_values(
        &self,
    ) -> Option<Box<dyn Iterator<Item = clap::builder::PossibleValue> + '_>> {
        let names: Vec<&'static str> = match self {
            RuleName::Rule => pullcheck::rules::ALL
                .iter()
                .map(|r| r.meta().name)
                .collect(),
            RuleName::Documented => pullcheck::rules::documented().map(|m| m.name).collect(),
        };
        Some(Box::new(
            names.into_iter().map(clap::builder::PossibleValue::new),
        ))
    }
}

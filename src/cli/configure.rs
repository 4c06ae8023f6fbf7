//! The run's settings: the defaults, then the configuration file, then the flags.

use pullcheck::config::{self, Config};
use pullcheck::settings::{KubernetesVersion, Settings};

use std::path::PathBuf;

use pullcheck::output::escape;

use super::args::{ConfigArgs, InputArgs};
use super::{Failure, note};

/// Settings from the defaults, then the configuration file, then the input flags.
pub(super) fn settings_for(input: &InputArgs) -> Result<(Settings, Config), Failure> {
    let config = load_config(&input.config)?;
    let mut settings = Settings::default();
    config.apply(&mut settings)?;
    if let Some(namespace) = &input.namespace {
        settings.default_namespace = namespace.clone();
    }
    settings.lint_templates = input.lint_templates;
    if let Some(kustomize) = input.kustomize {
        settings.kustomize = kustomize;
    }
    apply_online(input, &config, &mut settings)?;
    if let Some(version) = &input.kubernetes_version {
        settings.options.kubernetes_version =
            KubernetesVersion::parse(version).map_err(Failure::Usage)?;
    }
    Ok((settings, config))
}

/// `--online` and its options, over what the configuration says.
fn apply_online(
    input: &InputArgs,
    config: &Config,
    settings: &mut Settings,
) -> Result<(), Failure> {
    if input.online && settings.online.is_none() {
        let mut online = pullcheck::online::OnlineSettings::default();
        config.online.apply(&mut online);
        settings.online = Some(online);
    }
    if let Some(online) = &mut settings.online {
        if !input.platforms.is_empty() {
            online.platforms = input.platforms.clone();
        }
        if let Some(seconds) = input.online_timeout {
            if !(seconds.is_finite() && seconds > 0.0) {
                return Err(Failure::Usage(
                    "--online-timeout must be a positive number".into(),
                ));
            }
            online.timeout = std::time::Duration::from_secs_f64(seconds);
        }
        online
            .insecure
            .extend(input.insecure_registries.iter().cloned());
        online
            .ca_files
            .extend(input.registry_cas.iter().map(std::path::PathBuf::from));
        if let Some(path) = &input.docker_config {
            online.docker_config = Some(path.into());
        }
        if input.no_cache {
            online.cache = None;
        }
    }
    Ok(())
}

pub(super) fn load_config(args: &ConfigArgs) -> Result<Config, Failure> {
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
            let config = Config::load(&path)?;
            // Which file decided what this run checks is never a surprise.
            note(&format!(
                "configuration: {}",
                escape::controls(&path.display().to_string())
            ));
            Ok(config)
        }
        None => Ok(Config::default()),
    }
}

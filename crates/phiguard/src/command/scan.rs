//! `phiguard scan`: load the configuration and the inventory, evaluate, report, exit.

use std::path::{Path, PathBuf};

use jiff::Timestamp;
use miette::NamedSource;
use phiguard_controls::{CATALOGUE, DiagnosticLevel};
use phiguard_report::{Format, RenderOptions};

use crate::cli::ScanArgs;
use crate::command::{VERSION, write_report_file};
use crate::config::{self, Config, ConfigWarning};
use crate::{Error, Exit, Term, inventory_io};

/// A configuration file as loaded.
pub struct LoadedConfig {
    /// The file as named.
    pub path: PathBuf,
    /// Its text, for diagnostics.
    pub source: NamedSource<String>,
    /// The configuration.
    pub config: Config,
    /// Its warnings (including waivers already expired at `now`).
    pub warnings: Vec<ConfigWarning>,
}

/// Loads `--config`, else `./phiguard.toml` if it exists (unless `--no-config`).
pub fn load_config(
    explicit: Option<&Path>,
    no_config: bool,
    now: Timestamp,
) -> Result<Option<LoadedConfig>, Error> {
    let path = match explicit {
        Some(path) => path.to_path_buf(),
        None if no_config => return Ok(None),
        None => {
            let path = PathBuf::from(config::DEFAULT_PATH);
            if !path.is_file() {
                return Ok(None);
            }
            path
        }
    };
    let text = std::fs::read_to_string(&path).map_err(|source| Error::ConfigRead {
        path: path.clone(),
        source,
    })?;
    let name = path.display().to_string();
    let (config, mut warnings) = Config::parse(&text, &name)?;
    warnings.extend(config.expired_waivers(now));
    let warnings = warnings.into_iter().map(|w| w.locate(&text)).collect();
    Ok(Some(LoadedConfig {
        path,
        source: NamedSource::new(name, text).with_language("toml"),
        config,
        warnings,
    }))
}

/// The custom Rego controls of `[custom_controls] dir` (relative to the config file).
pub fn custom_controls(
    loaded: Option<&LoadedConfig>,
) -> Result<Vec<&'static phiguard_controls::Control>, Error> {
    let Some(loaded) = loaded else {
        return Ok(Vec::new());
    };
    let Some(dir) = &loaded.config.custom_controls_dir else {
        return Ok(Vec::new());
    };
    let base = loaded.path.parent().unwrap_or(Path::new(""));
    let custom =
        phiguard_rego::load_dir(&base.join(dir)).map_err(|errors| Error::CustomControls {
            errors: errors.iter().map(ToString::to_string).collect(),
        })?;
    // `controls.enabled` / `disabled` may name them: now they are known, check those names.
    loaded.config.check_custom_names(
        &custom,
        loaded.source.inner(),
        &loaded.path.display().to_string(),
    )?;
    Ok(custom)
}

/// Runs `phiguard scan`.
pub fn run(args: &ScanArgs, now: Timestamp, term: &mut Term<'_>) -> Result<Exit, Error> {
    let loaded = load_config(args.config.as_deref(), args.no_config, now)?;
    let custom = custom_controls(loaded.as_ref())?;
    for name in args.controls.iter().chain(&args.skip_controls) {
        let is_custom = custom
            .iter()
            .any(|c| c.id().eq_ignore_ascii_case(name) || c.slug().eq_ignore_ascii_case(name));
        if phiguard_controls::find(name).is_none() && !is_custom {
            return Err(Error::unknown_control(name));
        }
    }
    let mut inventory = crate::command::source::acquire(&args.source, now, term)?;

    let default = Config::default();
    let config = loaded.as_ref().map_or(&default, |l| &l.config);
    let missing_regions = inventory_io::restrict_regions(&mut inventory, &config.regions);
    let mut settings = config.to_settings(now);
    settings.phi_only |= args.phi_only;
    if !args.controls.is_empty() {
        settings.selection.enabled = args.controls.clone();
    }
    settings
        .selection
        .disabled
        .extend(args.skip_controls.iter().cloned());
    let mut records = if crate::command::records::scans::given(&args.records) {
        let opened = crate::command::records::scans::open(&args.records, now, term)?;
        settings.records = opened.records.clone();
        Some(opened)
    } else {
        None
    };

    let catalogue: Vec<&'static phiguard_controls::Control> = CATALOGUE
        .iter()
        .copied()
        .chain(custom.iter().copied())
        .collect();
    let result = phiguard_controls::evaluate(&inventory, &settings, &catalogue);

    // Diagnostics first, as compilers do: the configuration's, then the scan's.
    let mut said: Vec<(&str, Option<usize>)> = Vec::new();
    if let Some(loaded) = &loaded {
        for warning in &loaded.warnings {
            said.push((warning.code, warning.line));
            term.diagnostic_in(warning, &loaded.source)?;
        }
    }
    for region in &missing_regions {
        term.diagnostic(&ConfigWarning {
            code: "region-not-in-inventory",
            message: format!(
                "`scan.regions` lists `{region}`, which no account of the inventory has"
            ),
            line: None,
            span: None,
            label: None,
            help: Some("check the spelling, or the regions the inventory was collected in".into()),
        })?;
    }
    if result.controls.is_empty() {
        term.diagnostic(&ConfigWarning {
            code: "no-controls-selected",
            message: "no control selected: nothing was evaluated".into(),
            line: None,
            span: None,
            label: None,
            help: Some(
                "check `--control`, `--skip-control` and `[controls]` in the configuration".into(),
            ),
        })?;
    }
    for d in &result.diagnostics {
        if said.contains(&(d.code, d.line)) {
            continue;
        }
        let warning = ConfigWarning {
            code: d.code,
            message: match d.level {
                DiagnosticLevel::Warning => d.message.clone(),
                DiagnosticLevel::Error => format!("{} (scan error)", d.message),
            },
            line: d.line,
            span: None,
            label: None,
            help: None,
        };
        match &loaded {
            Some(loaded) => {
                let warning = warning.locate(loaded.source.inner());
                term.diagnostic_in(&warning, &loaded.source)?;
            }
            None => term.diagnostic(&warning)?,
        }
    }

    #[allow(unused_mut, reason = "the log review adds to the report")]
    let mut report = phiguard_report::build(&result, &inventory, &settings, VERSION);
    crate::command::log_review::attach(
        &args.log_review,
        &inventory,
        &settings.phi_tags,
        now,
        &mut report,
        term,
    )?;
    let format = Format::from(args.format);
    match &args.output {
        Some(path) => {
            let options = RenderOptions {
                color: false,
                verbose: args.verbose,
            };
            write_report_file(path, format, &report, &options)?;
            writeln!(
                term.err,
                "wrote {} report to `{}` ({} results)",
                format_name(format),
                path.display(),
                report.results.len()
            )?;
        }
        None => {
            let options = RenderOptions {
                color: term.colors.stdout && format == Format::Text,
                verbose: args.verbose,
            };
            phiguard_report::render(format, &report, &mut *term.out, &options)?;
            term.out.flush()?;
        }
    }

    if let Some(records) = &mut records {
        let watched = phiguard_monitor::watched_resources(
            &inventory,
            &settings.phi_tags,
            &settings.phi_accounts,
        );
        crate::command::records::scans::store_with_resources(
            records,
            &report,
            Some(watched),
            term,
        )?;
    }

    let fail_on = args.fail_on.unwrap_or(config.fail_on);
    let failures = fail_on.threshold().is_some_and(|t| report.fails_at(t));
    let strict = args.strict || config.strict;
    let exit = Exit::of_scan(failures, strict, result.incomplete());
    // The process ends with the command: freeing millions of results and resources one by
    // one would only delay it (about 1.8 CPU s at 1M resources); the exit frees them at once.
    std::mem::forget(report);
    std::mem::forget(result);
    std::mem::forget(inventory);
    Ok(exit)
}

fn format_name(format: Format) -> &'static str {
    match format {
        Format::Text => "text",
        Format::Json => "JSON",
        Format::Csv => "CSV",
        Format::Html => "HTML",
        Format::Ocsf => "OCSF",
    }
}

//! `itdesk import assets` and `itdesk export assets`.

use clap::Subcommand;

use super::Assets;

#[derive(Debug, Subcommand)]
pub enum Import {
    /// Create and update assets from a CSV export.
    ///
    /// Profiles: `intune` (Intune admin center, Devices > All devices >
    /// Export), `intune-apps` (Apps > Discovered apps > Export, raw data per
    /// device: replaces each listed device's software), `snipeit` (Snipe-IT's
    /// asset CSV columns, any case), `generic` (your own columns, named in a
    /// TOML file given with --mapping; see README "Importing assets").
    ///
    /// A row matches an asset by serial, then asset tag, then host name;
    /// otherwise it creates one. Comma, semicolon or tab separated, UTF-8 or
    /// UTF-16. All or nothing: one rejected row and nothing is written,
    /// unless --partial. Every rejected row is listed with its line, column
    /// and reason. A progress bar is shown on standard error for large
    /// files.
    ///
    /// Exit status: 0 imported (or a dry run found nothing wrong); 65
    /// (EX_DATAERR) rows were rejected (nothing written, unless --partial);
    /// 1 the file could not be read at all (encoding, header, mapping).
    Assets(ImportArgs),
}

#[derive(Debug, Subcommand)]
pub enum Export {
    /// Every asset, one row each, oldest first: tag, serial, model,
    /// category, host name, status, location, assignee, purchase, cost,
    /// warranty, OS and last inventory.
    ///
    /// CSV is RFC 4180 with a header line; cells that a spreadsheet would
    /// run as formulas are prefixed with an apostrophe. A progress line is
    /// shown on standard error when writing to a file.
    Assets {
        /// csv, json or xlsx (one sheet with a header row, filters and a
        /// frozen first row).
        #[arg(long, default_value = "csv")]
        format: String,
        /// Write here instead of standard output.
        #[arg(long)]
        output: Option<std::path::PathBuf>,
    },
}

/// Runs one `itdesk import` command of the register; returns the exit
/// status (0, or 65 when rows were rejected).
pub fn import(command: Import, assets: &Assets) -> anyhow::Result<i32> {
    match command {
        Import::Assets(args) => import_assets(assets, &args),
    }
}

/// Runs one `itdesk export` command of the register.
pub fn export(command: Export, assets: &Assets) -> anyhow::Result<()> {
    match command {
        Export::Assets { format, output } => export_assets(assets, &format, output.as_deref()),
    }
}

/// `itdesk export assets`: every asset as CSV or JSON.
fn export_assets(
    assets: &Assets,
    format: &str,
    output: Option<&std::path::Path>,
) -> anyhow::Result<()> {
    use crate::export::{Format, Output, Progress};
    let format = Format::parse_name(format).map_err(|e| anyhow::anyhow!(e))?;
    let mut out = Output::file_or_stdout(output)?;
    let bar = Progress::new(out.is_file(), "assets");
    let written = super::export::export(&assets.db, format, &mut out, &mut |n| bar.set(n))?;
    out.commit()?;
    bar.finish();
    if let Some(path) = output {
        eprintln!("{written} assets written to {}", path.display());
    }
    Ok(())
}

/// What `itdesk import assets` was asked to do.
#[derive(Debug, Clone, clap::Args)]
pub struct ImportArgs {
    /// The CSV file.
    pub file: std::path::PathBuf,
    /// intune, intune-apps, snipeit or generic.
    #[arg(long)]
    pub profile: String,
    /// The TOML header mapping of the generic profile.
    #[arg(long, value_name = "FILE.toml")]
    pub mapping: Option<std::path::PathBuf>,
    /// Show what would be created and changed; write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Import the good rows even when others are rejected.
    #[arg(long)]
    pub partial: bool,
    /// Currency of costs written without one (default: [assets]
    /// default_currency).
    #[arg(long, value_name = "CODE")]
    pub currency: Option<String>,
    /// How slashed dates read: mdy (3/31/2024), dmy (31/03/2024) or ymd;
    /// ISO dates are always read.
    #[arg(long, value_name = "ORDER")]
    pub date_order: Option<String>,
    /// text (a summary, then every rejected row and the changes) or json
    /// (the whole report).
    #[arg(long, default_value = "text")]
    pub format: String,
}

/// `itdesk import assets`: returns the exit status (0, or 65 when rows were
/// rejected); whole-file problems are errors (exit 1).
fn import_assets(assets: &Assets, args: &ImportArgs) -> anyhow::Result<i32> {
    use super::import;
    let json = match args.format.as_str() {
        "text" => false,
        "json" => true,
        other => anyhow::bail!("unknown format {other:?}: use text or json"),
    };
    let request = request_of(args)?;
    let opts = request
        .options(assets)
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let bytes = std::fs::read(&args.file)
        .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", args.file.display()))?;
    let report = with_progress(bytes.len() > 256 * 1024, |progress| {
        import::run(&assets.db, None, &bytes, &opts, crate::ids::now(), progress)
    });
    let report = match report {
        Ok(r) => r,
        Err(import::ImportError::File(msg)) => {
            anyhow::bail!("{}: {msg}; nothing was imported", args.file.display())
        }
        Err(import::ImportError::App(e)) => return Err(anyhow::anyhow!("{e}")),
    };
    // Write errors (a closed pipe) end the listing, not the import.
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    if json {
        let _ = writeln!(out, "{}", serde_json::to_string_pretty(&report)?);
    } else {
        let _ = print_import_report(&mut out, &report);
    }
    Ok(if report.rejected > 0 { 65 } else { 0 })
}

/// What the command line asks of an import, with its mapping file read.
fn request_of(args: &ImportArgs) -> anyhow::Result<super::import::Request> {
    let mapping = match &args.mapping {
        Some(p) => Some(
            std::fs::read_to_string(p)
                .map_err(|e| anyhow::anyhow!("cannot read the mapping {}: {e}", p.display()))?,
        ),
        None => None,
    };
    Ok(super::import::Request {
        profile: args.profile.clone(),
        mapping,
        currency: args.currency.clone(),
        date_order: args.date_order.clone(),
        dry_run: args.dry_run,
        partial: args.partial,
        file_name: args
            .file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
    })
}

/// Runs `work` with a progress bar on standard error when the file is
/// `big`: rows read, then rows checked and planned.
fn with_progress<T>(
    big: bool,
    work: impl FnOnce(&mut dyn FnMut(super::import::Stage, u64)) -> T,
) -> T {
    use super::import::Stage;
    let bar = if big {
        indicatif::ProgressBar::new_spinner()
    } else {
        indicatif::ProgressBar::hidden()
    };
    let reading =
        indicatif::ProgressStyle::with_template("{spinner} reading: {pos} rows ({per_sec})")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner());
    let applying = indicatif::ProgressStyle::with_template(
        "{bar:40} {pos}/{len} rows checked and planned ({eta} left)",
    )
    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar());
    bar.set_style(reading);
    let mut in_apply = false;
    let result = work(&mut |stage, n| match stage {
        Stage::Reading => bar.set_position(n),
        Stage::Applying { total } => {
            if !in_apply {
                in_apply = true;
                bar.set_style(applying.clone());
                bar.set_length(total);
            }
            bar.set_position(n);
        }
    });
    bar.finish_and_clear();
    result
}

/// The text report: the summary, new models and locations, every rejected
/// row, warnings, and the changes (the first 200 of them).
fn print_import_report(
    out: &mut impl std::io::Write,
    report: &super::import::Report,
) -> std::io::Result<()> {
    const SHOWN: usize = 200;
    writeln!(out, "{}", report.summary())?;
    for m in &report.new_models {
        writeln!(out, "new model: {m}")?;
    }
    for l in &report.new_locations {
        writeln!(out, "new location: {l}")?;
    }
    for e in &report.errors {
        writeln!(out, "rejected: {e}")?;
    }
    for w in &report.warnings {
        writeln!(out, "warning: {w}")?;
    }
    let changes: Vec<_> = report
        .changes
        .iter()
        .filter(|c| c.action != "unchanged")
        .collect();
    for c in changes.iter().take(SHOWN) {
        if c.fields.is_empty() {
            writeln!(out, "line {}: {} {}", c.line, c.action, c.asset_tag)?;
        } else {
            writeln!(
                out,
                "line {}: {} {} ({})",
                c.line,
                c.action,
                c.asset_tag,
                c.fields.join(", ")
            )?;
        }
    }
    if changes.len() > SHOWN {
        writeln!(
            out,
            "… and {} more changes (--format json lists every one)",
            changes.len() - SHOWN
        )?;
    }
    Ok(())
}

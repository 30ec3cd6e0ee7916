//! `itdesk export license-audit`: the audit export to a file or standard
//! output.

use clap::Subcommand;

use super::import;

use super::Licenses;
use super::service::audit_file::{AuditRequest, Sheet, write_audit};
use crate::export::{Format, Output};

#[derive(Debug, Subcommand)]
pub enum Export {
    /// The license audit on a day: positions (Summary), every consuming
    /// installation and named seat (Evidence) and every counting
    /// entitlement (Entitlements). XLSX holds the three sheets, JSON all
    /// three, CSV one (--sheet, evidence by default). Columns are listed in
    /// schema/license-audit.md.
    LicenseAudit {
        /// The day, YYYY-MM-DD: the end of that day in licenses.time_zone
        /// (default today).
        #[arg(long, value_name = "DATE")]
        as_of: Option<chrono::NaiveDate>,
        /// Only this product (by id); repeat for several.
        #[arg(long = "product", value_name = "ID")]
        products: Vec<String>,
        /// xlsx, csv or json.
        #[arg(long, default_value = "xlsx")]
        format: String,
        /// CSV only: summary, evidence or entitlements.
        #[arg(long)]
        sheet: Option<String>,
        /// Write here instead of standard output.
        #[arg(long)]
        output: Option<std::path::PathBuf>,
    },
}

pub fn export(command: Export, lic: &Licenses) -> anyhow::Result<()> {
    let Export::LicenseAudit {
        as_of,
        products,
        format,
        sheet,
        output,
    } = command;
    let format = Format::parse_name(&format).map_err(|e| anyhow::anyhow!(e))?;
    let sheet = match sheet {
        Some(s) => Some(s.parse::<Sheet>().map_err(|_| {
            anyhow::anyhow!("unknown sheet {s:?}: use summary, evidence or entitlements")
        })?),
        None => None,
    };
    if sheet.is_some() && format != Format::Csv {
        anyhow::bail!("--sheet picks the sheet of a CSV export; XLSX and JSON hold all three");
    }
    let req = AuditRequest {
        as_of,
        products,
        format,
        sheet,
    };
    let mut out = Output::file_or_stdout(output.as_deref())?;
    let day = write_audit(lic, &crate::auth::cli::cli_admin(), &req, &mut out)?;
    out.commit()?;
    if let Some(path) = output {
        eprintln!("license audit on {day} written to {}", path.display());
    }
    Ok(())
}

#[derive(Debug, Subcommand)]
pub enum Import {
    /// Entitlements from Snipe-IT's license export (--profile snipeit:
    /// Licenses › Export) or any CSV with a TOML header mapping (--profile
    /// generic --mapping FILE.toml, see the README). A row updates the
    /// entitlement an earlier import made from the same source row, or the
    /// product's one with the same licence key, else adds one (and its
    /// product). All or nothing unless --partial. Exit status: 0 imported,
    /// 65 some rows rejected (each listed with line and column), 1 the file
    /// cannot be read.
    Licenses(ImportArgs),
}

/// What `itdesk import licenses` was asked to do.
#[derive(Debug, Clone, clap::Args)]
pub struct ImportArgs {
    /// The CSV file.
    pub file: std::path::PathBuf,
    /// snipeit or generic.
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
    /// Metric of rows the file gives none: device (default), user,
    /// processor, core or site.
    #[arg(long)]
    pub metric: Option<String>,
    /// text (a summary, then every rejected row and the changes) or json.
    #[arg(long, default_value = "text")]
    pub format: String,
}

/// `itdesk import licenses`: the exit status (0, or 65 when rows were
/// rejected); a file that cannot be read is an error (exit 1).
pub fn import(command: Import, lic: &Licenses, default_currency: &str) -> anyhow::Result<i32> {
    let Import::Licenses(args) = command;
    let json = match args.format.as_str() {
        "text" => false,
        "json" => true,
        other => anyhow::bail!("unknown format {other:?}: use text or json"),
    };
    let mapping = match &args.mapping {
        Some(p) => Some(
            std::fs::read_to_string(p)
                .map_err(|e| anyhow::anyhow!("cannot read the mapping {}: {e}", p.display()))?,
        ),
        None => None,
    };
    let request = import::Request {
        profile: args.profile.clone(),
        mapping,
        currency: args.currency.clone(),
        metric: args.metric.clone(),
        dry_run: args.dry_run,
        partial: args.partial,
        file_name: args
            .file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
    };
    let opts = request
        .options(default_currency)
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let bytes = std::fs::read(&args.file)
        .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", args.file.display()))?;
    let bar = crate::export::Progress::new(bytes.len() > 256 * 1024, "rows");
    let report = match import::run(lic, None, &bytes, &opts, crate::ids::now(), &mut |n| {
        bar.set(n)
    }) {
        Ok(r) => r,
        Err(import::ImportError::File(msg)) => {
            anyhow::bail!("{}: {msg}; nothing was imported", args.file.display())
        }
        Err(import::ImportError::App(e)) => return Err(anyhow::anyhow!("{e}")),
    };
    bar.finish();
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    if json {
        let _ = writeln!(out, "{}", serde_json::to_string_pretty(&report)?);
    } else {
        let _ = print_report(&mut out, &report);
    }
    Ok(if report.rejected > 0 { 65 } else { 0 })
}

fn print_report(out: &mut impl std::io::Write, r: &import::Report) -> std::io::Result<()> {
    writeln!(out, "{}", r.summary())?;
    for e in &r.errors {
        writeln!(out, "rejected: {e}")?;
    }
    for w in &r.warnings {
        writeln!(out, "warning: {w}")?;
    }
    for p in &r.new_products {
        writeln!(out, "new product: {p}")?;
    }
    for c in r.changes.iter().filter(|c| c.action != "unchanged") {
        let fields = if c.fields.is_empty() {
            String::new()
        } else {
            format!(" ({})", c.fields.join(", "))
        };
        writeln!(out, "line {}: {} {}{fields}", c.line, c.product, c.action)?;
    }
    Ok(())
}

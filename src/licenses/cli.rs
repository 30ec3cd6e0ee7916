//! `itdesk export license-audit`: the audit export to a file or standard
//! output.

use clap::Subcommand;

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

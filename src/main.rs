//! The `itdesk` command line: parses arguments, loads the configuration and
//! hands over to the library.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use itdesk::auth::Role;
use itdesk::config::Sources;
use itdesk::settings::Settings;
use itdesk::{commands, demo, telemetry};

/// itdesk: IT helpdesk and asset management in one binary.
///
/// Every command reads the same configuration: the built-in defaults
/// (config/default.toml), then --config FILE, then ITDESK__SECTION__KEY
/// environment variables (e.g. ITDESK__SERVER__BIND=0.0.0.0:8080), then
/// ITDESK_DATABASE_URL, then --database-url.
#[derive(Debug, Parser)]
#[command(name = "itdesk", version, about, long_about)]
struct Cli {
    /// A TOML file with settings that override the defaults.
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,

    /// sqlite://PATH or postgres://USER@HOST/DB (overrides ITDESK_DATABASE_URL).
    #[arg(long, global = true, value_name = "URL")]
    database_url: Option<String>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the HTTP API, the web UI and the background workers.
    ///
    /// Applies pending migrations first. With no flags: 127.0.0.1:8080 and
    /// SQLite at ./data/itdesk.db (created on first start).
    Serve {
        /// Address to listen on, e.g. 0.0.0.0:8080.
        #[arg(long, value_name = "ADDR")]
        bind: Option<String>,
        /// Load demo data first if the database has no tickets yet.
        #[arg(long)]
        demo: bool,
    },
    /// Apply the embedded database migrations and exit.
    Migrate,
    /// Copy the SQLite database, consistently, while the service runs.
    ///
    /// The copy holds every change committed before the backup began and
    /// none made later; it is written next to FILE and renamed into place
    /// when complete, and never overwrites a file. Back up the attachments
    /// folder after it (files are stored by digest and never change).
    /// PostgreSQL: use pg_dump (see the README).
    Backup {
        /// Where the copy goes (must not exist).
        #[arg(long, value_name = "FILE")]
        output: std::path::PathBuf,
    },
    /// Take in one RFC 5322 message from standard input (for an MTA pipe).
    ///
    /// Prints one JSON line: {"action": "created"|"appended"|"ignored"|"bounce"|"held",
    /// "ticket": NUMBER|null, "reason": "..."}. Exit status: 0 handled; 75
    /// (EX_TEMPFAIL) the database is unreachable or the configuration is
    /// broken, the MTA should keep the message and retry; 65 (EX_DATAERR) the
    /// input is not a message at all or is larger than mail.max_message_bytes
    /// (its bytes are kept as a dead letter). Messages and errors go to
    /// standard error. Uses the same configuration as `serve` (--config,
    /// ITDESK_DATABASE_URL, ITDESK__… variables).
    Mailgate,
    /// Mail: poll the IMAP mailbox now.
    #[command(subcommand)]
    Mail(MailCommand),
    /// Export data as files.
    #[command(subcommand)]
    Export(ExportCommand),
    /// Import data from the files other tools export.
    #[command(subcommand)]
    Import(ImportCommand),
    /// Administration: users and API tokens.
    #[command(subcommand)]
    Admin(AdminCommand),
    /// Load realistic demo data: people, queues, categories, months of tickets.
    ///
    /// Every demo account has the password "itdesk-demo". Refuses to run on a
    /// database that already has tickets unless --append is given.
    Demo {
        /// How many tickets to generate.
        #[arg(long, default_value_t = 400)]
        tickets: usize,
        /// Over how many months (ending now) they were filed.
        #[arg(long, default_value_t = 6)]
        months: u32,
        /// How many requesters file them.
        #[arg(long, default_value_t = 60)]
        requesters: usize,
        /// Random seed: the same seed gives the same data.
        #[arg(long, default_value_t = 2026)]
        seed: u64,
        /// Add tickets even if the database already has some.
        #[arg(long)]
        append: bool,
        /// Leave every ticket open (for load tests of the open queue).
        #[arg(long)]
        all_open: bool,
    },
    /// Service levels: what-if simulations, the timer scan, recomputing.
    #[command(subcommand)]
    Sla(SlaCommand),
    /// Print the OpenAPI document of the HTTP API.
    Openapi,
}

#[derive(Debug, Subcommand)]
enum ImportCommand {
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
    Assets(commands::ImportArgs),
}

#[derive(Debug, Subcommand)]
enum ExportCommand {
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

#[derive(Debug, Subcommand)]
enum MailCommand {
    /// Poll the configured IMAP mailbox ([mail.imap]) once, take every
    /// message in, move each to the processed folder, and exit.
    ///
    /// For cron instead of `serve`'s poller, or to try the settings. Prints
    /// one JSON line: {"fetched", "taken_in", "dead_letters", "deferred",
    /// "seconds"}. Works whether or not mail.imap.enabled is set (that only
    /// turns `serve`'s periodic poll on).
    Poll,
}

#[derive(Debug, Subcommand)]
enum SlaCommand {
    /// Replay the tickets filed between two dates under a proposed policy
    /// file and compare, per priority, how many would have breached against
    /// how many did under the policies in force.
    ///
    /// The file is TOML with `[[sla_policies]]` (and optionally
    /// `[[calendars]]`) in the same shape as the configuration.
    Simulate {
        /// TOML file with the proposed `[[sla_policies]]`.
        #[arg(long, value_name = "FILE")]
        policy: PathBuf,
        /// First day (YYYY-MM-DD, UTC) of the period.
        #[arg(long, value_name = "DATE")]
        from: chrono::NaiveDate,
        /// Last day (inclusive).
        #[arg(long, value_name = "DATE")]
        to: chrono::NaiveDate,
        #[arg(long, value_enum, default_value = "table")]
        format: commands::SimulateFormat,
    },
    /// Run the SLA timer worker's scan once and report how long it took.
    Scan {
        /// Scan as if it were this instant (RFC 3339), e.g. to see what a
        /// day of downtime would leave to catch up. Default: now.
        #[arg(long, value_name = "INSTANT")]
        at: Option<chrono::DateTime<chrono::Utc>>,
    },
    /// Recompute the SLA of every open ticket now.
    Recompute,
}

#[derive(Debug, Subcommand)]
enum AdminCommand {
    /// Create an API token; creates the user with ROLE if missing.
    ///
    /// The token is printed as the last line of standard output and shown
    /// only once: itdesk stores just its SHA-256 digest.
    CreateToken {
        #[arg(long)]
        email: String,
        /// requester, agent, coordinator, asset_manager, admin or viewer.
        #[arg(long)]
        role: Role,
        /// A note saying what the token is for.
        #[arg(long, default_value = "cli")]
        label: String,
        /// The token stops working after this many days (default: never;
        /// revoke it with `revoke-token`).
        #[arg(long, value_name = "DAYS")]
        expires_in_days: Option<u32>,
    },
    /// List API tokens (id, owner, label, created, and whether they still
    /// work), everyone's or one person's.
    ListTokens {
        /// Only this person's tokens.
        #[arg(long)]
        email: Option<String>,
    },
    /// Revoke an API token at once (its id from `list-tokens`).
    RevokeToken {
        /// The token's id.
        id: String,
    },
    /// Deactivate a login: they can no longer log in, every session ends
    /// and every token is revoked. Their tickets and history stay.
    DeactivateUser {
        #[arg(long)]
        email: String,
    },
    /// Let a deactivated person log in again (their old tokens stay
    /// revoked).
    ActivateUser {
        #[arg(long)]
        email: String,
    },
    /// Set a new password, read from standard input; every session of the
    /// person ends.
    SetPassword {
        #[arg(long)]
        email: String,
    },
    /// Create a user who logs in with a password read from standard input.
    CreateUser {
        #[arg(long)]
        email: String,
        /// requester, agent, coordinator, asset_manager, admin or viewer.
        #[arg(long)]
        role: Role,
        /// Display name (default: from the email address).
        #[arg(long)]
        name: Option<String>,
    },
}

fn run_admin(settings: itdesk::settings::Settings, command: AdminCommand) -> anyhow::Result<()> {
    use itdesk::auth::commands as admin;
    match command {
        AdminCommand::CreateToken {
            email,
            role,
            label,
            expires_in_days,
        } => admin::create_token(settings, &email, role, &label, expires_in_days),
        AdminCommand::CreateUser { email, role, name } => {
            admin::create_user(settings, &email, role, name.as_deref(), std::io::stdin())
        }
        AdminCommand::ListTokens { email } => admin::list_tokens(settings, email.as_deref()),
        AdminCommand::RevokeToken { id } => admin::revoke_token(settings, &id),
        AdminCommand::DeactivateUser { email } => admin::set_active(settings, &email, false),
        AdminCommand::ActivateUser { email } => admin::set_active(settings, &email, true),
        AdminCommand::SetPassword { email } => {
            admin::set_password(settings, &email, std::io::stdin())
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Command::Openapi = cli.command {
        print!("{}", itdesk::openapi::document());
        return ExitCode::SUCCESS;
    }
    let bind = match &cli.command {
        Command::Serve { bind, .. } => bind.clone(),
        _ => None,
    };
    let sources = Sources {
        file: cli.config.clone(),
        database_url: cli.database_url.clone(),
        bind,
        overrides: Vec::new(),
    };
    let settings = match Settings::load(&sources) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            // A broken configuration is fixed by a person: the MTA keeps the mail till then.
            let mta = matches!(cli.command, Command::Mailgate);
            return ExitCode::from(if mta { 75 } else { 2 });
        }
    };
    telemetry::init(&settings.log);
    if let Command::Mailgate = cli.command {
        return ExitCode::from(commands::mailgate(settings, std::io::stdin()));
    }
    match run(cli.command, settings) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(command: Command, settings: Settings) -> anyhow::Result<()> {
    match command {
        Command::Serve { demo, .. } => {
            actix_web::rt::System::new().block_on(commands::serve(settings, demo))
        }
        Command::Migrate => {
            let applied = commands::migrate(&settings)?;
            if applied.is_empty() {
                println!("database is up to date");
            }
            for name in applied {
                println!("applied {name}");
            }
            Ok(())
        }
        Command::Admin(admin) => run_admin(settings, admin),
        Command::Demo {
            tickets,
            months,
            requesters,
            seed,
            append,
            all_open,
        } => commands::load_demo(
            settings,
            &demo::Options {
                tickets,
                months,
                requesters,
                seed,
                append,
                all_open,
                progress: true,
            },
        ),
        Command::Sla(SlaCommand::Simulate {
            policy,
            from,
            to,
            format,
        }) => commands::sla_simulate(settings, &policy, from, to, format),
        Command::Sla(SlaCommand::Scan { at }) => commands::sla_scan(settings, at),
        Command::Sla(SlaCommand::Recompute) => commands::sla_recompute(settings),
        Command::Mail(MailCommand::Poll) => commands::mail_poll(settings),
        Command::Backup { output } => commands::backup(settings, &output),
        Command::Export(ExportCommand::Assets { format, output }) => {
            commands::export_assets(settings, &format, output.as_deref())
        }
        Command::Import(ImportCommand::Assets(args)) => {
            let code = commands::import_assets(settings, &args)?;
            if code != 0 {
                std::process::exit(code);
            }
            Ok(())
        }
        Command::Openapi | Command::Mailgate => Ok(()),
    }
}

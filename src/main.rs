//! The `itdesk` command line: parses arguments, loads the configuration and
//! hands over to the library.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use itdesk::config::Sources;
use itdesk::settings::Settings;
use itdesk::startup::{prepare_for_command, prepare_light};
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
    Mail(itdesk::mail::cli::MailCommand),
    /// Export data as files.
    #[command(subcommand)]
    Export(ExportCommand),
    /// Import data from the files other tools export.
    #[command(subcommand)]
    Import(ImportCommand),
    /// Administration: users and API tokens.
    #[command(subcommand)]
    Admin(itdesk::auth::cli::AdminCommand),
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
    /// Contracts: the daily renewal and reminder pass, now.
    #[command(subcommand)]
    Contracts(itdesk::vendors::cli::ContractsCommand),
    /// Service levels: what-if simulations, the timer scan, recomputing.
    #[command(subcommand)]
    Sla(itdesk::sla::cli::SlaCommand),
    /// The LDAP / Active Directory server: sync people from it.
    #[command(subcommand)]
    Directory(itdesk::people::cli::DirectoryCommand),
    /// The monthly report for leadership: print or write a month, freeze one.
    #[command(subcommand)]
    Report(itdesk::metrics::cli::ReportCommand),
    /// Print the OpenAPI document of the HTTP API.
    Openapi,
}

/// `itdesk import …`: each context adds its kinds here.
#[derive(Debug, Subcommand)]
enum ImportCommand {
    #[command(flatten)]
    Assets(itdesk::assets::cli::Import),
    #[command(flatten)]
    Licenses(itdesk::licenses::cli::Import),
}

/// `itdesk export …`: each context adds its kinds here.
#[derive(Debug, Subcommand)]
enum ExportCommand {
    #[command(flatten)]
    Assets(itdesk::assets::cli::Export),
    #[command(flatten)]
    Licenses(itdesk::licenses::cli::Export),
    #[command(flatten)]
    Contracts(itdesk::vendors::cli::Export),
    #[command(flatten)]
    Tickets(itdesk::metrics::cli::Export),
}

fn main() -> ExitCode {
    // An MTA starts `itdesk mailgate` once per message: spare it the full
    // argument parser and configuration when the service takes the message.
    if let Some(sources) = mailgate_sources(std::env::args_os().skip(1)) {
        return mailgate(sources);
    }
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
    if let Command::Mailgate = cli.command {
        return mailgate(sources);
    }
    let settings = match Settings::load(&sources) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    telemetry::init(&settings.log);
    match run(cli.command, settings) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// The sources of a plain `itdesk [--config F] [--database-url U] mailgate`
/// (options before or after, `--opt value` or `--opt=value`, each once);
/// anything else (`--help`, a typo) is `None` and goes through clap.
fn mailgate_sources(args: impl Iterator<Item = std::ffi::OsString>) -> Option<Sources> {
    let mut sources = Sources::default();
    let mut command = false;
    let mut args = args.peekable();
    while let Some(arg) = args.next() {
        let arg = arg.into_string().ok()?;
        let (name, inline) = match arg.split_once('=') {
            Some((name, value)) if name.starts_with("--") => (name, Some(value.to_string())),
            _ => (arg.as_str(), None),
        };
        // An empty value or one that looks like an option: clap's to judge.
        let mut value = || {
            inline
                .clone()
                .or_else(|| args.next()?.into_string().ok())
                .filter(|v| !v.is_empty() && !v.starts_with('-'))
        };
        match name {
            "mailgate" if !command => command = true,
            "--config" if sources.file.is_none() => sources.file = Some(value()?.into()),
            "--database-url" if sources.database_url.is_none() => {
                sources.database_url = Some(value()?)
            }
            _ => return None,
        }
    }
    command.then_some(sources)
}

/// `itdesk mailgate`: exit 75 (the MTA keeps the message) on a
/// configuration it cannot read.
fn mailgate(sources: Sources) -> ExitCode {
    let gate = match itdesk::mail::gate::GateConfig::load(&sources) {
        Ok(gate) => gate,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(itdesk::mail::gate::exit::TEMPFAIL);
        }
    };
    ExitCode::from(itdesk::mail::cli::mailgate(&gate, std::io::stdin(), || {
        let settings = Settings::load(&sources)?;
        telemetry::init(&settings.log);
        let url = settings.database.url.clone();
        Ok((prepare_light(settings, true)?.mail, url))
    }))
}

/// `itdesk export …`: each kind from its context.
fn export(command: ExportCommand, settings: Settings) -> anyhow::Result<()> {
    let state = prepare_light(settings, false)?;
    match command {
        ExportCommand::Assets(c) => itdesk::assets::cli::export(c, &state.assets),
        ExportCommand::Licenses(c) => itdesk::licenses::cli::export(c, &state.licenses),
        ExportCommand::Tickets(c) => itdesk::metrics::cli::export(c, &state.metrics),
        ExportCommand::Contracts(c) => itdesk::vendors::cli::export(c, &state.vendors),
    }
}

/// Ends the process with `code` unless it is 0.
fn exit_with(code: i32) -> anyhow::Result<()> {
    if code != 0 {
        std::process::exit(code);
    }
    Ok(())
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
        Command::Admin(c) => itdesk::auth::cli::run(c, &prepare_for_command(settings)?.auth),
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
        Command::Sla(c) => itdesk::sla::cli::run(c, &prepare_for_command(settings)?.sla),
        Command::Mail(c) => itdesk::mail::cli::run(c, &prepare_light(settings, false)?.mail),
        Command::Backup { output } => commands::backup(settings, &output),
        Command::Export(c) => export(c, settings),
        Command::Report(c) => exit_with(itdesk::metrics::cli::run(
            c,
            &prepare_light(settings, false)?.metrics,
        )?),
        Command::Contracts(c) => {
            itdesk::vendors::cli::run(c, &prepare_light(settings, false)?.vendors)
        }
        Command::Import(ImportCommand::Assets(c)) => {
            let code = itdesk::assets::cli::import(c, &prepare_light(settings, false)?.assets)?;
            if code != 0 {
                std::process::exit(code);
            }
            Ok(())
        }
        Command::Import(ImportCommand::Licenses(c)) => {
            let state = prepare_light(settings, false)?;
            let currency = state.assets.settings.default_currency.clone();
            let code = itdesk::licenses::cli::import(c, &state.licenses, &currency)?;
            if code != 0 {
                std::process::exit(code);
            }
            Ok(())
        }
        Command::Directory(c) => {
            let code = itdesk::people::cli::run(c, &prepare_light(settings, false)?.people)?;
            if code != 0 {
                std::process::exit(code);
            }
            Ok(())
        }
        Command::Openapi | Command::Mailgate => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::mailgate_sources;

    fn parse(args: &[&str]) -> Option<(Option<String>, Option<String>)> {
        let args = args.iter().map(std::ffi::OsString::from);
        mailgate_sources(args).map(|s| {
            let file = s.file.map(|f| f.display().to_string());
            (file, s.database_url)
        })
    }

    #[test]
    fn only_a_plain_mailgate_skips_the_full_parser() {
        assert_eq!(parse(&["mailgate"]), Some((None, None)));
        let both = Some((Some("a.toml".into()), Some("sqlite://x".into())));
        let spellings: [&[&str]; 3] = [
            &[
                "--config",
                "a.toml",
                "mailgate",
                "--database-url",
                "sqlite://x",
            ],
            &["--database-url=sqlite://x", "mailgate", "--config=a.toml"],
            &[
                "mailgate",
                "--config",
                "a.toml",
                "--database-url=sqlite://x",
            ],
        ];
        for args in spellings {
            assert_eq!(parse(args), both, "{args:?}");
        }
        // An empty value is a value; an `=` inside one stays.
        let url = "postgres://u@h/db?options=-c%20x=y";
        assert_eq!(
            parse(&["--database-url", url, "mailgate"]),
            Some((None, Some(url.into())))
        );
        for args in [
            &[][..],
            &["serve"],
            &["mailgate", "mailgate"],
            &["mailgate", "--help"],
            &["mailgate", "--config"],
            &["--config", "a", "--config", "b", "mailgate"],
            &["mailgate", "extra"],
            &["--", "mailgate"],
            &["mail", "poll"],
            &["--config=", "mailgate"],
            &["--config", "", "mailgate"],
            &["--config", "-x", "mailgate"],
            &["mailgate", "--config", "--database-url", "u"],
        ] {
            assert_eq!(parse(args), None, "{args:?} goes to clap");
        }
    }
}

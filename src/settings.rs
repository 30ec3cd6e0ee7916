//! All settings of one process, composed from each context's section.
//! `crate::config` reads the layers; every context declares its own section
//! and its checks; this is the one list that puts them together (a new
//! context adds its section here).

use serde::Deserialize;

use crate::assets::fields::FieldSpec;
use crate::assets::settings::{AssetSettings, InventorySettings};
use crate::auth::settings::{LoginSettings, WebSettings};
use crate::calendar::CalendarSpec;
use crate::config::{ConfigError, DatabaseSettings, LogSettings, ServerSettings, Sources};
use crate::http::ApiSettings;
use crate::jobs::JobSettings;
use crate::mail::settings::MailSettings;
use crate::sla::policy::PolicySpec;
use crate::sla::settings::SlaSettings;
use crate::tickets::settings::{AttachmentSettings, TicketSettings};

/// All settings of one itdesk process.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    pub server: ServerSettings,
    pub database: DatabaseSettings,
    pub web: WebSettings,
    pub api: ApiSettings,
    pub attachments: AttachmentSettings,
    pub tickets: TicketSettings,
    pub login: LoginSettings,
    pub auth: crate::auth::settings::AuthSettings,
    pub log: LogSettings,
    pub mail: MailSettings,
    pub sla: SlaSettings,
    pub jobs: JobSettings,
    pub inventory: InventorySettings,
    pub assets: AssetSettings,
    pub licenses: crate::licenses::settings::LicenseSettings,
    pub vendors: crate::vendors::settings::VendorSettings,
    pub purchasing: crate::purchasing::settings::PurchasingSettings,
    pub directory: crate::directory::settings::DirectorySettings,
    pub onboarding: crate::onboarding::settings::OnboardingSettings,
    pub reports: crate::metrics::settings::ReportSettings,
    #[serde(default)]
    pub calendars: Vec<CalendarSpec>,
    /// `[[onboarding_templates]]`.
    #[serde(default)]
    pub onboarding_templates: Vec<crate::onboarding::template::TemplateSpec>,
    #[serde(default)]
    pub sla_policies: Vec<PolicySpec>,
    /// Custom fields per asset category.
    #[serde(default)]
    pub asset_fields: Vec<FieldSpec>,
}

impl Settings {
    /// Reads every layer from the process environment and validates the result.
    pub fn load(sources: &Sources) -> Result<Settings, ConfigError> {
        let settings: Settings = crate::config::load(sources)?;
        settings.validate()?;
        Ok(settings)
    }

    /// The address links in mail and pages point at: `web.base_url`, or
    /// `server.public_url` when that is empty; without a trailing slash.
    pub fn base_url(&self) -> &str {
        let url = if self.web.base_url.trim().is_empty() {
            &self.server.public_url
        } else {
            &self.web.base_url
        };
        url.trim().trim_end_matches('/')
    }

    /// Each section checks itself.
    pub fn validate(&self) -> Result<(), ConfigError> {
        crate::config::check_base_url(self.base_url()).map_err(|why| {
            ConfigError::Invalid(format!(
                "web.base_url (or server.public_url) `{}` {why}",
                self.base_url()
            ))
        })?;
        crate::assets::fields::check_specs(&self.asset_fields).map_err(ConfigError::Invalid)?;
        crate::assets::import::category::check_rules(&self.assets.category_rules)
            .map_err(ConfigError::Invalid)?;
        crate::assets::import::tags::TagPattern::parse(&self.assets.import_tag_pattern)
            .map_err(ConfigError::Invalid)?;
        crate::assets::import::tags::TagPattern::parse_setting(
            &self.assets.tag_pattern,
            "assets.tag_pattern",
        )
        .map_err(ConfigError::Invalid)?;
        self.purchasing.validate().map_err(ConfigError::Invalid)?;
        self.database.validate()?;
        self.web.validate()?;
        self.api.validate()?;
        self.login.validate()?;
        crate::sla::settings::validate_definitions(&self.calendars, &self.sla_policies)?;
        self.mail.validate()?;
        self.sla.validate()?;
        self.licenses.validate().map_err(ConfigError::Invalid)?;
        self.vendors.validate().map_err(ConfigError::Invalid)?;
        self.reports.validate().map_err(ConfigError::Invalid)?;
        self.directory.validate().map_err(ConfigError::Invalid)?;
        self.onboarding.validate().map_err(ConfigError::Invalid)?;
        let people_base = if self.directory.in_use() {
            self.directory.people_base.as_str()
        } else {
            ""
        };
        crate::onboarding::template::check_all(&self.onboarding_templates, people_base)
            .map_err(ConfigError::Invalid)?;
        if self.auth.ldap && !self.directory.in_use() {
            return Err(ConfigError::Invalid(
                "auth.ldap = true needs a directory: set directory.url".into(),
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{redact_url, secret};
    use crate::tickets::domain::TicketType;

    fn load(sources: &Sources, vars: &[(&str, &str)]) -> Result<Settings, ConfigError> {
        let vars: Vec<(String, String)> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let lookup = vars.clone();
        // A prefix no real variable carries keeps the process environment out.
        let settings: Settings = crate::config::load_with_env(
            sources,
            move |name| {
                lookup
                    .iter()
                    .find(|(k, _)| k == name)
                    .map(|(_, v)| v.clone())
            },
            figment::providers::Env::prefixed("ITDESK_TEST_UNUSED__"),
        )?;
        settings.validate()?;
        Ok(settings)
    }

    /// The example configuration loads and passes every check, with the
    /// directory in use; a directory set up half-way is refused by name.
    #[test]
    fn the_example_configuration_is_valid_and_a_half_directory_is_not() {
        let example = Sources {
            file: Some(concat!(env!("CARGO_MANIFEST_DIR"), "/config/example.toml").into()),
            ..Default::default()
        };
        let s = load(&example, &[]).expect("config/example.toml");
        assert!(s.directory.in_use());
        assert_eq!(s.directory.group_roles.len(), 3);
        let half = Sources {
            overrides: vec![("directory.url".into(), serde_json::json!("ldap://dc:389"))],
            ..Default::default()
        };
        let err = load(&half, &[]).unwrap_err().to_string();
        assert!(err.contains("directory.bind_dn"), "{err}");
        let ad = Sources {
            overrides: vec![
                ("directory.url".into(), serde_json::json!("ldap://dc:389")),
                ("directory.flavor".into(), serde_json::json!("ad")),
            ],
            ..Default::default()
        };
        let err = load(&ad, &[]).unwrap_err().to_string();
        assert!(err.contains("ldaps:// or starttls"), "{err}");
    }

    #[test]
    fn defaults_load_and_use_sqlite_under_data() {
        let s = load(&Sources::default(), &[]).unwrap();
        assert_eq!(s.database.url, "sqlite://./data/itdesk.db");
        assert_eq!(s.server.bind, "127.0.0.1:8080");
        assert_eq!(s.tickets.default_type, TicketType::Incident);
    }

    #[test]
    fn links_use_the_base_url_and_start_up_refuses_a_relative_one() {
        let s = load(&Sources::default(), &[]).unwrap();
        assert_eq!(
            s.base_url(),
            "http://127.0.0.1:8080",
            "server.public_url by default"
        );
        let with = |url: &str| Sources {
            overrides: vec![("web.base_url".into(), serde_json::json!(url))],
            ..Default::default()
        };
        let s = load(&with("https://desk.example.org/"), &[]).unwrap();
        assert_eq!(s.base_url(), "https://desk.example.org");
        for bad in [
            "desk.example.org",
            "ftp://desk.example.org",
            "https://",
            "https://a b",
        ] {
            let err = load(&with(bad), &[]).unwrap_err().to_string();
            assert!(err.contains("web.base_url"), "{bad}: {err}");
        }
    }

    #[test]
    fn database_url_variable_and_flag_override_in_order() {
        let s = load(
            &Sources::default(),
            &[("ITDESK_DATABASE_URL", "postgres://a@h/db")],
        )
        .unwrap();
        assert_eq!(s.database.url, "postgres://a@h/db");
        let flag = Sources {
            database_url: Some("sqlite:///tmp/x.db".into()),
            ..Default::default()
        };
        let s = load(&flag, &[("ITDESK_DATABASE_URL", "postgres://a@h/db")]).unwrap();
        assert_eq!(s.database.url, "sqlite:///tmp/x.db");
    }

    #[test]
    fn unknown_scheme_is_a_clear_error() {
        let flag = Sources {
            database_url: Some("mysql://root@localhost/itdesk".into()),
            ..Default::default()
        };
        let err = load(&flag, &[]).unwrap_err().to_string();
        assert!(
            err.contains("must start with sqlite:// or postgres://"),
            "{err}"
        );
    }

    #[test]
    fn unknown_key_in_a_file_is_refused_with_its_path() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("site.toml");
        std::fs::write(&path, "[server]\nbnid = \"0.0.0.0:80\"\n").unwrap();
        let sources = Sources {
            file: Some(path),
            ..Default::default()
        };
        let err = load(&sources, &[]).unwrap_err().to_string();
        assert!(err.contains("bnid"), "{err}");
    }

    #[test]
    fn missing_config_file_is_an_error_not_a_silent_default() {
        let sources = Sources {
            file: Some("/nonexistent/itdesk.toml".into()),
            ..Default::default()
        };
        assert!(matches!(
            load(&sources, &[]),
            Err(ConfigError::MissingFile(_))
        ));
    }

    #[test]
    fn mail_passwords_come_from_a_file_and_stay_out_of_debug_output() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("smtp.pw");
        std::fs::write(&file, "from-file\n").unwrap();
        let s = load(
            &Sources {
                overrides: vec![
                    ("mail.smtp.password".into(), serde_json::json!("inline")),
                    (
                        "mail.smtp.password_file".into(),
                        serde_json::json!(file.display().to_string()),
                    ),
                ],
                ..Default::default()
            },
            &[],
        )
        .unwrap();
        assert_eq!(
            secret(&s.mail.smtp.password, &s.mail.smtp.password_file).unwrap(),
            "from-file"
        );
        assert!(!format!("{s:?}").contains("inline"));
        let missing = Sources {
            overrides: vec![(
                "mail.imap.password_file".into(),
                serde_json::json!("/nonexistent/pw"),
            )],
            ..Default::default()
        };
        assert!(
            load(&missing, &[])
                .unwrap_err()
                .to_string()
                .contains("password file")
        );
    }

    #[test]
    fn passwords_never_reach_debug_output() {
        assert_eq!(
            redact_url("postgres://itdesk:s3cret@db:5432/itdesk"),
            "postgres://itdesk:***@db:5432/itdesk"
        );
        let s = load(
            &Sources {
                database_url: Some("postgres://u:hunter2@h/d".into()),
                ..Default::default()
            },
            &[],
        )
        .unwrap();
        assert!(!format!("{s:?}").contains("hunter2"));
    }
}

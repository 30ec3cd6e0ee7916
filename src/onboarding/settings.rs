//! `[onboarding]`: how runs count their days and make passwords.

use serde::Deserialize;

/// The onboarding section of the configuration.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OnboardingSettings {
    /// The business calendar (a `[[calendars]]` name) that task due days
    /// count on and whose time zone says when an effective day begins.
    pub calendar: String,
    /// Characters of an initial password (at least 12).
    pub password_length: usize,
}

impl OnboardingSettings {
    pub fn validate(&self) -> Result<(), String> {
        if self.password_length < 12 || self.password_length > 64 {
            return Err(format!(
                "onboarding.password_length is {}; 12 to 64 characters",
                self.password_length
            ));
        }
        Ok(())
    }
}

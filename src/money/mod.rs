//! Money: an amount in integer minor units with its ISO 4217 currency.
//!
//! A currency knows how many digits follow its decimal point (JPY none, BHD
//! three, most two), so 150000 minor units of JPY read `150000 JPY` and of
//! USD `1,500.00 USD`. Amounts are parsed from the shapes real exports write
//! (`$1,299.00`, `1.299,00 €`, `EUR 1299`, `-150.00`, `(150.00)`) and written
//! back in one plain form for files (`-1.50`) and a grouped one for people
//! (`1,299.00 EUR`). Arithmetic never mixes currencies.

use std::fmt;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::FieldError;

/// An ISO 4217 currency code: three ASCII capital letters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Currency(String);

impl Currency {
    /// Accepts three letters in any case (`eur` is `EUR`).
    pub fn parse(code: &str) -> Result<Currency, MoneyError> {
        let code = code.trim();
        if code.len() == 3 && code.chars().all(|c| c.is_ascii_alphabetic()) {
            Ok(Currency(code.to_ascii_uppercase()))
        } else {
            Err(MoneyError::Currency(code.to_owned()))
        }
    }

    /// Like [`Currency::parse`], for an ISO 4217 code in use today (what
    /// people type into a form: `XYZ` is refused).
    pub fn parse_iso(code: &str) -> Result<Currency, MoneyError> {
        let c = Currency::parse(code)?;
        if ISO_4217.binary_search(&c.code()).is_ok() {
            Ok(c)
        } else {
            Err(MoneyError::Currency(code.trim().to_owned()))
        }
    }

    pub fn code(&self) -> &str {
        &self.0
    }

    /// Digits after the decimal point (ISO 4217's minor unit).
    pub fn decimals(&self) -> u32 {
        decimals_of(&self.0)
    }
}

impl TryFrom<String> for Currency {
    type Error = MoneyError;
    fn try_from(s: String) -> Result<Currency, MoneyError> {
        Currency::parse(&s)
    }
}

impl From<Currency> for String {
    fn from(c: Currency) -> String {
        c.0
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

mod iso4217;
use iso4217::{ISO_4217, decimals_of};
/// What can be wrong with an amount or a currency.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("{0:?} is not a currency: use a three-letter ISO 4217 code such as EUR or USD")]
    Currency(String),
    #[error("{0:?} is not an amount: write it like 1299.00, $1,299.00 or EUR 1299.00")]
    NotAnAmount(String),
    #[error("{raw:?} is not an amount ({hint})")]
    Grouping { raw: String, hint: &'static str },
    #[error("{raw:?} has {given} decimals; {currency} has {allowed}")]
    TooManyDecimals {
        raw: String,
        given: usize,
        currency: String,
        allowed: u32,
    },
    #[error("{0:?} is too large an amount")]
    TooLarge(String),
    #[error("cannot combine {0} with {1}")]
    Mixed(String, String),
}

/// An amount of money.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Money {
    /// In the currency's minor unit (cents; yen; fils).
    pub amount_minor: i64,
    pub currency: Currency,
}

/// Which character separates decimals when reading amounts; the other one
/// may group thousands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DecimalMark {
    Point,
    Comma,
}

impl<'de> Deserialize<'de> for DecimalMark {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match String::deserialize(d)?.as_str() {
            "." => Ok(DecimalMark::Point),
            "," => Ok(DecimalMark::Comma),
            other => Err(serde::de::Error::custom(format!(
                "decimal_separator is \".\" or \",\", not {other:?}"
            ))),
        }
    }
}

impl Money {
    pub fn new(amount_minor: i64, currency: Currency) -> Money {
        Money {
            amount_minor,
            currency,
        }
    }

    /// From stored columns (minor units and a code); `None` when either is
    /// missing or the code is not a currency.
    pub fn from_parts(amount_minor: Option<i64>, currency: Option<&str>) -> Option<Money> {
        Some(Money::new(amount_minor?, Currency::parse(currency?).ok()?))
    }

    /// The sum of two amounts in one currency.
    pub fn checked_add(&self, other: &Money) -> Result<Money, MoneyError> {
        if self.currency != other.currency {
            return Err(MoneyError::Mixed(
                self.currency.to_string(),
                other.currency.to_string(),
            ));
        }
        let sum = self
            .amount_minor
            .checked_add(other.amount_minor)
            .ok_or_else(|| MoneyError::TooLarge(format!("{self} + {other}")))?;
        Ok(Money::new(sum, self.currency.clone()))
    }

    /// The amount in major units without grouping, as files want it:
    /// `1299.00`, `-1.50`, `150000` (JPY), `1.250` (BHD).
    pub fn plain(&self) -> String {
        self.render(None)
    }

    /// The amount grouped in thousands for people: `1,299.00`.
    pub fn grouped(&self) -> String {
        self.render(Some(','))
    }

    fn render(&self, group: Option<char>) -> String {
        let digits = self.currency.decimals();
        let scale = 10u64.pow(digits);
        let abs = self.amount_minor.unsigned_abs();
        let whole = (abs / scale).to_string();
        let whole = match group {
            Some(sep) => group_thousands(&whole, sep),
            None => whole,
        };
        let sign = if self.amount_minor < 0 { "-" } else { "" };
        if digits == 0 {
            format!("{sign}{whole}")
        } else {
            let frac = abs % scale;
            format!("{sign}{whole}.{frac:0width$}", width = digits as usize)
        }
    }

    /// Reads an amount as exports write it: `$1,299.00`, `1299`,
    /// `USD 1,299.00`, `1.299,00 €` (with [`DecimalMark::Comma`]), `£899`,
    /// `-150.00`, `(150.00)` (negative). Without a symbol or code the
    /// currency is `default_currency`; `$` is the default currency when that
    /// is a dollar, else USD.
    pub fn parse(
        raw: &str,
        mark: DecimalMark,
        default_currency: &Currency,
    ) -> Result<Money, MoneyError> {
        let s = raw.trim();
        let (currency, number) = split_currency(s, default_currency)?;
        let negative =
            number.starts_with('-') || (number.starts_with('(') && number.ends_with(')'));
        let number = number.trim_matches(|c| c == '-' || c == '(' || c == ')');
        let (dec, group) = match mark {
            DecimalMark::Point => ('.', ','),
            DecimalMark::Comma => (',', '.'),
        };
        let (whole, frac) = number.rsplit_once(dec).unwrap_or((number, ""));
        if whole.is_empty() && frac.is_empty() {
            return Err(MoneyError::NotAnAmount(s.to_owned()));
        }
        // Thousands groups must be groups of three.
        let groups: Vec<&str> = whole.split(group).collect();
        let grouped_ok = groups.len() == 1
            || (!groups[0].is_empty()
                && groups[0].len() <= 3
                && groups[1..].iter().all(|g| g.len() == 3));
        if !grouped_ok
            || !groups.iter().all(|g| g.chars().all(|c| c.is_ascii_digit()))
            || !frac.chars().all(|c| c.is_ascii_digit())
        {
            let hint = match mark {
                DecimalMark::Point => "decimals after \".\", thousands grouped with \",\"",
                DecimalMark::Comma => "decimals after \",\", thousands grouped with \".\"",
            };
            return Err(MoneyError::Grouping {
                raw: s.to_owned(),
                hint,
            });
        }
        let digits = currency.decimals();
        if frac.len() as u32 > digits {
            return Err(MoneyError::TooManyDecimals {
                raw: s.to_owned(),
                given: frac.len(),
                currency: currency.to_string(),
                allowed: digits,
            });
        }
        let too_large = || MoneyError::TooLarge(s.to_owned());
        let whole: String = groups.concat();
        let whole: i64 = if whole.is_empty() {
            0
        } else {
            whole.parse().map_err(|_| too_large())?
        };
        let mut frac_value: i64 = if frac.is_empty() {
            0
        } else {
            frac.parse().map_err(|_| too_large())?
        };
        for _ in frac.len() as u32..digits {
            frac_value *= 10;
        }
        let minor = whole
            .checked_mul(10i64.pow(digits))
            .and_then(|m| m.checked_add(frac_value))
            .ok_or_else(too_large)?;
        Ok(Money::new(if negative { -minor } else { minor }, currency))
    }
}

/// An amount of money: minor units (cents) and an ISO 4217 currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = Money)]
pub struct MoneyDto {
    pub amount_minor: i64,
    pub currency: String,
}

impl MoneyDto {
    /// Checks an amount sent to the API; errors name `field.amount_minor`
    /// and `field.currency`. `min` is the smallest amount allowed.
    pub fn check(&self, field: &str, min: Option<i64>) -> Result<Money, Vec<FieldError>> {
        let mut errors = Vec::new();
        if min.is_some_and(|min| self.amount_minor < min) {
            errors.push(FieldError::new(
                format!("{field}.amount_minor"),
                "must not be negative",
            ));
        }
        let code = &self.currency;
        if code.len() != 3 || !code.chars().all(|c| c.is_ascii_uppercase()) {
            errors.push(FieldError::new(
                format!("{field}.currency"),
                "must be an ISO 4217 code such as EUR or USD",
            ));
        }
        if errors.is_empty() {
            Ok(Money::new(self.amount_minor, Currency(code.clone())))
        } else {
            Err(errors)
        }
    }
}

impl From<&Money> for MoneyDto {
    fn from(m: &Money) -> MoneyDto {
        MoneyDto {
            amount_minor: m.amount_minor,
            currency: m.currency.to_string(),
        }
    }
}

impl fmt::Display for Money {
    /// `1,299.00 EUR`, `150,000 JPY`, `-1.50 USD`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.grouped(), self.currency)
    }
}

fn group_thousands(digits: &str, sep: char) -> String {
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(c);
    }
    out
}

/// The currency `$` stands for.
fn dollar(default_currency: &Currency) -> &str {
    match default_currency.code() {
        "AUD" | "CAD" | "NZD" | "SGD" | "HKD" | "MXN" | "TWD" | "BSD" | "BBD" | "BZD" | "FJD"
        | "JMD" | "LRD" | "NAD" | "SBD" | "SRD" | "TTD" | "XCD" | "BMD" | "KYD" | "GYD" => {
            default_currency.code()
        }
        _ => "USD",
    }
}

/// Separates the currency (symbol or code) from the number.
fn split_currency(s: &str, default_currency: &Currency) -> Result<(Currency, String), MoneyError> {
    let mut symbol: Option<&str> = None;
    let mut number = String::new();
    let mut letters = String::new();
    for c in s.chars() {
        match c {
            '$' => symbol = Some(dollar(default_currency)),
            '€' => symbol = Some("EUR"),
            '£' => symbol = Some("GBP"),
            '¥' => symbol = Some("JPY"),
            '₹' => symbol = Some("INR"),
            'A'..='Z' | 'a'..='z' => letters.push(c.to_ascii_uppercase()),
            ' ' | '\u{a0}' | '\u{202f}' | '\'' => {}
            _ => number.push(c),
        }
    }
    let code = match (symbol, letters.as_str()) {
        (None, "") => return Ok((default_currency.clone(), number)),
        (Some(sym), "") => sym,
        (Some(_), "US") => "USD",
        (None, code) if code.len() == 3 => code,
        (Some(sym), code) if code == sym => code,
        _ => return Err(MoneyError::NotAnAmount(s.to_owned())),
    };
    Ok((Currency::parse(code)?, number))
}

#[cfg(test)]
mod tests;

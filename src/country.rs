//! LinkupAPI proxy countries.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::Error;

/// The 11 country codes LinkupAPI accepts for proxy selection (default `FR`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[allow(missing_docs)]
pub enum Country {
    US,
    UK,
    #[default]
    FR,
    DE,
    NL,
    IT,
    IL,
    CA,
    BR,
    ES,
    IN,
}

impl Country {
    /// Every accepted code.
    pub const ALL: [Country; 11] = [
        Self::US,
        Self::UK,
        Self::FR,
        Self::DE,
        Self::NL,
        Self::IT,
        Self::IL,
        Self::CA,
        Self::BR,
        Self::ES,
        Self::IN,
    ];

    /// The two-letter code as sent upstream.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::US => "US",
            Self::UK => "UK",
            Self::FR => "FR",
            Self::DE => "DE",
            Self::NL => "NL",
            Self::IT => "IT",
            Self::IL => "IL",
            Self::CA => "CA",
            Self::BR => "BR",
            Self::ES => "ES",
            Self::IN => "IN",
        }
    }
}

impl fmt::Display for Country {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Country {
    type Err = Error;

    /// Parses a code (case-insensitive); anything outside the 11 codes is `INVALID_INPUT`.
    fn from_str(code: &str) -> Result<Self, Error> {
        Self::ALL
            .into_iter()
            .find(|c| c.as_str().eq_ignore_ascii_case(code.trim()))
            .ok_or_else(|| {
                Error::invalid(
                    "country",
                    "must be one of US, UK, FR, DE, NL, IT, IL, CA, BR, ES, IN",
                )
            })
    }
}

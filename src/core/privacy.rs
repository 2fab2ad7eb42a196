//! Privacy budget of the opt-in statistics reports, kept in the profile.

use serde::{Deserialize, Serialize};

use super::error::{Error, Result};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Budget {
    /// Start of the current budget period (ms since epoch), if a report was made.
    #[serde(default)]
    pub period_start: Option<i64>,
    /// Epsilon spent in the current period.
    #[serde(default)]
    pub spent: f64,
}

impl Budget {
    pub fn validated(self, root: &str) -> Result<Budget> {
        if !self.spent.is_finite() || self.spent < 0.0 {
            return Err(Error::invalid(format!("{root}.spent"), format!("{} is not allowed; allowed: a finite number ≥ 0", self.spent)));
        }
        Ok(self)
    }
}

//! Problems found in the file, worded for the people who edit it.

/// The file name errors are reported against when no other is given.
const FILE_NAME: &str = "switchyard.yml";

/// One problem in the file. `message` is meant for users: it names the key or value at fault
/// and, where it can, what to write instead.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.render(FILE_NAME))]
pub struct ConfigError {
    /// 1-based line of the offending node; 0 when the position is unknown.
    pub line: usize,
    /// 1-based column of the offending node; 0 when the position is unknown.
    pub column: usize,
    pub message: String,
}

impl ConfigError {
    /// `file:line:column: message`, the form editors and CI logs link to.
    pub fn render(&self, file: &str) -> String {
        if self.line == 0 {
            format!("{file}: {}", self.message)
        } else {
            format!("{file}:{}:{}: {}", self.line, self.column, self.message)
        }
    }
}

/// Every problem found in the file, in the order they appear in it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.render(FILE_NAME))]
pub struct ConfigErrors {
    pub errors: Vec<ConfigError>,
}

impl ConfigErrors {
    /// One line per error, each as [`ConfigError::render`] gives it.
    pub fn render(&self, file: &str) -> String {
        self.errors
            .iter()
            .map(|error| error.render(file))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

impl From<Vec<ConfigError>> for ConfigErrors {
    fn from(mut errors: Vec<ConfigError>) -> Self {
        errors.sort_by_key(|error| (error.line, error.column));
        ConfigErrors { errors }
    }
}

impl<'a> IntoIterator for &'a ConfigErrors {
    type Item = &'a ConfigError;
    type IntoIter = std::slice::Iter<'a, ConfigError>;

    fn into_iter(self) -> Self::IntoIter {
        self.errors.iter()
    }
}

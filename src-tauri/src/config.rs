//! Configuration: where the database is and the policy settings the service enforces.
//! Environment first (`TENURE_DATABASE_URL`, `TENURE_DATA_DIR`), then defaults: an embedded
//! SQLite file in the app's data directory.

use std::path::{Path, PathBuf};

use crate::service::Settings;

#[derive(Debug, Clone)]
pub struct Config {
    pub database_url: String,
    pub data_dir: PathBuf,
    pub settings: Settings,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot create the data directory {path}: {source}")]
    DataDir {
        path: PathBuf,
        source: std::io::Error,
    },
}

impl Config {
    /// Loads the configuration; `default_data_dir` is the platform's app data directory or the
    /// one given on the command line.
    /// `explicit` means the directory came from the command line and wins over the environment.
    pub fn load(default_data_dir: &Path, explicit: bool) -> Result<Self, ConfigError> {
        let data_dir = match std::env::var_os("TENURE_DATA_DIR") {
            Some(d) if !explicit => PathBuf::from(d),
            _ => default_data_dir.to_path_buf(),
        };
        let database_url = match std::env::var("TENURE_DATABASE_URL") {
            Ok(url) if !url.trim().is_empty() => url,
            _ => {
                std::fs::create_dir_all(&data_dir).map_err(|source| ConfigError::DataDir {
                    path: data_dir.clone(),
                    source,
                })?;
                format!("sqlite:{}", data_dir.join("tenure.db").display())
            }
        };
        Ok(Self {
            database_url,
            data_dir,
            settings: Settings::default(),
        })
    }
}

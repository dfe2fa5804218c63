//! The config file, `<config folder>/amazon-music-rs/config.toml`: defaults that flags and the
//! environment override.

use std::path::PathBuf;

use serde::Deserialize;

use crate::cli::{self, GlobalArgs, OutputFormat};
use crate::error::UsageError;

/// What the config file may set.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Config {
    /// The response locale, as `--locale`.
    pub locale: Option<String>,
    /// The image size, as `--image-style`.
    pub image_style: Option<String>,
    /// The output format, as `--output`.
    pub output: Option<OutputFormat>,
    /// The API's base URL, as `--base-url`.
    pub base_url: Option<String>,
}

impl Config {
    /// Where the config file is: `<config folder>/amazon-music-rs/config.toml`.
    pub fn path() -> Option<PathBuf> {
        Some(
            dirs::config_dir()?
                .join("amazon-music-rs")
                .join("config.toml"),
        )
    }

    /// The config file's settings; none when there is no file.
    ///
    /// # Errors
    /// A [`UsageError`] naming the file, when it cannot be read or holds something else than
    /// the settings above.
    pub fn load() -> Result<Self, UsageError> {
        let Some(path) = Self::path() else {
            return Ok(Self::default());
        };
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Self::default());
            }
            Err(error) => {
                return Err(UsageError::new(format!(
                    "cannot read the config file {}: {error}",
                    path.display()
                )));
            }
        };
        let config: Self = toml::from_str(&text).map_err(|error| {
            UsageError::new(format!(
                "the config file {} is not valid: {}",
                path.display(),
                error.message()
            ))
        })?;
        config.check().map_err(|error| {
            UsageError::new(format!(
                "the config file {} is not valid: {error}",
                path.display()
            ))
        })?;
        Ok(config)
    }

    /// Checks the locale and the image style as their flags are checked.
    fn check(&self) -> Result<(), String> {
        if let Some(locale) = &self.locale {
            cli::locale(locale)?;
        }
        if let Some(style) = &self.image_style {
            cli::image_style(style)?;
        }
        Ok(())
    }

    /// Fills in what neither a flag nor the environment set.
    pub fn apply(self, args: &mut GlobalArgs) {
        if args.base_url.is_none() {
            args.base_url = self.base_url;
        }
        if args.locale.is_none() {
            args.locale = self.locale;
        }
        if args.image_style.is_none() {
            args.image_style = self.image_style;
        }
        if args.output.is_none() {
            args.output = self.output;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_setting_reads_from_toml() {
        let config: Config = toml::from_str(
            "locale = \"de-de\"\nimage-style = \"SL160\"\noutput = \"ndjson\"\nbase-url = \"http://x\"\n",
        )
        .expect("a valid config");
        assert_eq!(config.locale.as_deref(), Some("de-de"));
        assert_eq!(config.image_style.as_deref(), Some("SL160"));
        assert_eq!(config.output, Some(OutputFormat::Ndjson));
        assert_eq!(config.base_url.as_deref(), Some("http://x"));
    }

    #[test]
    fn a_locale_or_image_style_of_another_shape_is_refused() {
        let config: Config = toml::from_str("locale = \"klingon\"\n").expect("TOML");
        assert!(config.check().is_err());
        let config: Config = toml::from_str("image-style = \"huge\"\n").expect("TOML");
        assert!(config.check().is_err());
    }

    #[test]
    fn an_unknown_setting_is_refused() {
        assert!(toml::from_str::<Config>("colour = true\n").is_err());
    }
}

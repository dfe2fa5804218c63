//! Where a Login with Amazon account lives, and so which endpoints a login talks to.

/// Where a Login with Amazon account lives, which selects the token and code-pair endpoints.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum LwaRegion {
    /// North America: `https://api.amazon.com/auth/o2/token` (the default).
    #[default]
    NorthAmerica,
    /// Europe: `https://api.amazon.co.uk/auth/o2/token`.
    Europe,
    /// Far East: `https://api.amazon.co.jp/auth/o2/token`.
    FarEast,
}

impl LwaRegion {
    /// The region's token endpoint.
    pub fn token_url(self) -> &'static str {
        match self {
            Self::NorthAmerica => "https://api.amazon.com/auth/o2/token",
            Self::Europe => "https://api.amazon.co.uk/auth/o2/token",
            Self::FarEast => "https://api.amazon.co.jp/auth/o2/token",
        }
    }

    /// The region's code-pair endpoint, where a [device login](super::DeviceLogin) starts.
    pub fn codepair_url(self) -> &'static str {
        match self {
            Self::NorthAmerica => "https://api.amazon.com/auth/o2/create/codepair",
            Self::Europe => "https://api.amazon.co.uk/auth/o2/create/codepair",
            Self::FarEast => "https://api.amazon.co.jp/auth/o2/create/codepair",
        }
    }
}
